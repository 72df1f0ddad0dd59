import type { Context } from "../cli/context.js";
import { defineCommand } from "../cli/define.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { LocalCloudStore } from "../cloud/store.js";
import { UserError } from "../errors.js";
import { repoNameFor } from "../manifest/names.js";
import { PLATFORM } from "./deploy.js";

export default defineCommand({
  writes: true,
  usage: "WORKER [--to VERSION]",
  description: "Makes an earlier version of a worker active again in the local cloud (by default the one before the active one).",
  maxPositionals: 1,
  options: {
    to: { type: "string", description: "the version to go back to", placeholder: "VERSION" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const id = positionals[0];
    if (!id) throw new UserError("fleet rollback needs a worker", { hint: "fleet rollback registry [--to 3]" });
    if (id !== PLATFORM) requireKnownWorkers(manifest, [id]);
    if (manifest.providers.cloud === "cloudflare") return rollbackOnCloudflare(ctx, id === PLATFORM ? PLATFORM : repoNameFor(manifest, id), id, values.to);
    const store = LocalCloudStore.at(ctx.cwd);
    const script = id === PLATFORM ? await platformScript(store, ctx.cwd) : repoNameFor(manifest, id);
    const versions = await store.versions(script);
    if (versions.length === 0) throw new UserError(`${id} is not deployed in the local cloud`);
    const to = values.to === undefined ? undefined : Number(values.to.replace(/^v/, ""));
    if (to !== undefined && (!Number.isInteger(to) || !versions.some((v) => v.version === to))) {
      throw new UserError(`${id} has no version ${values.to}`, { hint: `versions: ${versions.map((v) => `v${v.version} (${v.source.commit.slice(0, 12)} ${v.source.message})`).join(", ")}` });
    }
    const state = await store.state();
    if (to === undefined && state.workers[script]!.active <= 1) throw new UserError(`${id} is at its first version; there is nothing earlier to roll back to`);
    try {
      const result = await store.rollback(script, to);
      if (ctx.json) ctx.out.json({ worker: id, script, ...result });
      else ctx.out.print(`${id}: v${result.from} → v${result.to} (${versions[result.to - 1]!.source.message})`);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
  },
});

/** The platform worker is the one deployed from the monorepo itself. */
async function platformScript(store: LocalCloudStore, monorepo: string): Promise<string> {
  for (const script of Object.keys((await store.state()).workers)) {
    const versions = await store.versions(script);
    if (versions.at(-1)?.source.repository === monorepo) return script;
  }
  return PLATFORM;
}

/**
 * On Cloudflare: back to `to` (a version id), or to the version that was live before the current
 * one. wrangler is run by script name, so no checkout is needed.
 */
async function rollbackOnCloudflare(ctx: Context, script: string, id: string, to: string | undefined): Promise<number> {
  const { CloudflareCloud, cloudflareCredentials } = await import("../cloud/cloudflare/cloudflare-cloud.js");
  const cloud = new CloudflareCloud(cloudflareCredentials(ctx.env));
  const target = { name: script };
  const deployments = await cloud.deployments(ctx.cwd, target);
  const current = deployments[0]?.versions[0]?.versionId;
  if (!current) throw new UserError(`${id} has no deployment on Cloudflare`);
  const previous = to ?? deployments.map((d) => d.versions[0]?.versionId).find((v) => v && v !== current);
  if (!previous) throw new UserError(`${id} has only ever had one version live; there is nothing earlier to roll back to`);
  await cloud.rollback(ctx.cwd, target, previous, `fleet rollback ${id}`);
  if (ctx.json) ctx.out.json({ worker: id, script, from: current, to: previous });
  else ctx.out.print(`${id}: ${current} → ${previous}`);
  return 0;
}
