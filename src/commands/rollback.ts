import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defineCommand, healthOptions } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Context } from "../cli/context.js";
import { rollbackRelease } from "../api/rollback.js";
import { EXIT_FINDINGS } from "../errors.js";
import { table } from "../report/table.js";
import type { Cloud, CloudVersion } from "../cloud/cloud.js";
import { configFileIn } from "../cloud/build.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import { cloudFor } from "../cloud/select.js";
import { specFromConfig } from "../cloud/spec.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { UserError } from "../errors.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { PLATFORM } from "./deploy.js";

export default defineCommand({
  writes: true,
  usage: "WORKER [--to VERSION] | --release ID [WORKER...] [--timeout MS] [--retries N]",
  description:
    "Makes an earlier version of a worker live again in the manifest's cloud (by default the one live before the current one). " +
    "With --release, every worker back to the version a fleet release recorded (fleet releases lists them; WORKER... limits it to those), " +
    "dependants first, each health-checked; refused, changing nothing, where a worker cannot safely go back (a Durable Object migration " +
    "in between, a service binding to a script that is gone). Exit 1 when a worker does not answer healthy (it is put back, the rest left).",
  maxPositionals: Infinity,
  options: {
    to: { type: "string", description: "the version to go back to: its number (3 or v3), or on Cloudflare its id", placeholder: "VERSION" },
    release: { type: "string", description: "the fleet release to go back to (r3)", placeholder: "ID" },
    ...healthOptions({ timeoutMs: 3000, retries: 5 }),
  },
  async run(ctx, { values, positionals }) {
    if (values.release !== undefined) {
      if (values.to !== undefined) throw new UserError("--to and --release do not go together", { hint: "a release names every worker's version itself" });
      return rollbackToRelease(ctx, values.release, positionals, { timeoutMs: values.timeout, retries: values.retries });
    }
    const manifest = await ctx.manifest();
    if (positionals.length > 1)
      throw new UserError("fleet rollback takes one worker (or --release ID with workers)", { hint: "fleet rollback registry [--to 3]" });
    const id = positionals[0];
    if (!id) throw new UserError("fleet rollback needs a worker, or --release", { hint: "fleet rollback registry [--to 3], or fleet rollback --release r3" });
    if (id !== PLATFORM) requireKnownWorkers(manifest, [id]);
    const cloud = await cloudFor(manifest, ctx.cwd, ctx.env, { persist: false });
    try {
      const script = id === PLATFORM ? await platformScript(cloud, manifest, ctx.cwd) : repoNameFor(manifest, id);
      const versions = await cloud.versions(script);
      const where = cloud.kind === "local" ? "in the local cloud" : "on Cloudflare";
      if (versions.length === 0) throw new UserError(`${id} is not deployed ${where}`);
      const described = (v: CloudVersion) => `v${v.number}${v.source ? ` (${v.source.commit.slice(0, 12)} ${v.source.message})` : ""}`;
      let to: CloudVersion | undefined;
      if (values.to !== undefined) {
        const asked = values.to.replace(/^v(?=\d+$)/, "");
        to = versions.find((v) => v.id === asked || String(v.number) === asked);
        if (!to) throw new UserError(`${id} has no version ${values.to} ${where}`, { hint: `versions: ${versions.map(described).join(", ")}` });
      }
      let result: { from: string; to: string };
      try {
        result = await cloud.rollback(script, to?.id, `fleet rollback ${id}`);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      const target = versions.find((v) => v.id === result.to);
      const from = versions.find((v) => v.id === result.from);
      if (ctx.json)
        ctx.out.json({ worker: id, script, from: from?.number ?? result.from, to: target?.number ?? result.to, fromId: result.from, toId: result.to });
      else ctx.out.print(`${id}: v${from?.number ?? result.from} → v${target?.number ?? result.to}${target?.source ? ` (${target.source.message})` : ""}`);
    } finally {
      await cloud.dispose();
    }
  },
});

/** `fleet rollback --release ID [WORKER...]`: a table of each worker, from → to, and its health. */
async function rollbackToRelease(ctx: Context, release: string, workers: string[], health: { timeoutMs: number; retries: number }): Promise<number> {
  const progress = ctx.out.progress(`rolling back to fleet release ${release}`);
  const result = await rollbackRelease({
    ...sessionOf(ctx),
    manifest: await ctx.manifest(),
    release,
    ...(workers.length ? { workers } : {}),
    health,
    onEvent: (message) => ctx.out.debug(message),
  });
  const count = (status: string) => result.workers.filter((w) => w.status === status).length;
  progress.done(`${count("rolled back")} rolled back, ${count("skipped")} skipped, ${count("failed")} failed`);
  if (ctx.json) ctx.out.json(result);
  else {
    const version = (v: { number: number } | undefined) => (v ? `v${v.number}` : "");
    ctx.out.print(
      table(
        ["worker", "result", "from", "to", "health", "detail"],
        result.workers.map((w) => [
          w.id,
          w.status,
          version(w.from),
          version(w.to),
          w.health ? `${w.health.state} ${w.health.latencyMs} ms` : "",
          w.detail ?? "",
        ]),
      ),
    );
  }
  return result.workers.some((w) => w.status === "failed") ? EXIT_FINDINGS : 0;
}

/**
 * The platform worker's script: locally, the one deployed from the monorepo itself; on
 * Cloudflare, the name its wrangler config gives (production's, when it has one).
 */
async function platformScript(cloud: Cloud, manifest: Manifest, monorepo: string): Promise<string> {
  if (cloud instanceof LocalCloud) {
    for (const script of Object.keys((await cloud.store.state()).workers)) {
      const versions = await cloud.store.versions(script);
      if (versions.at(-1)?.source.repository === monorepo) return script;
    }
    return PLATFORM;
  }
  const file = manifest.monorepo.wrangler ?? configFileIn(monorepo);
  if (!file) return PLATFORM;
  const config = parseWranglerConfig(await readFile(join(monorepo, file), "utf8"), file);
  return specFromConfig(config, (config.raw.env as Record<string, unknown> | undefined)?.production ? "production" : undefined).script;
}
