import { defineCommand, healthOptions } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Progress } from "../cli/output.js";
import { deploy } from "../api/deploy.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { table } from "../report/table.js";
import { selectWorkers } from "../manifest/select.js";
import { readSecretsFile } from "../cli/secrets-file.js";

export { PLATFORM } from "../api/deploy.js";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all] [--platform] [--env staging|production] [--secrets-file FILE] [--timeout MS] [--retries N]",
  description:
    "Deploys workers in dependency order, to the local cloud (default) or, with providers.cloud cloudflare, to the account " +
    "in CLOUDFLARE_ACCOUNT_ID with wrangler. Each worker is checked out from its repository on the forge and deployed once its " +
    "dependencies answer healthy; then its own health path is checked, and an unhealthy new version is rolled back to the one " +
    "live before it. A hostname another worker holds is not taken (the worker still answers on its workers.dev name) and the " +
    "holder is named. On Cloudflare each worker's runtime secrets (the names its code reads) go up with its version, their values " +
    "from the environment or --secrets-file (NAME=value lines, read into memory; never copied, printed or put on a command line). --platform deploys the " +
    "monorepo's platform worker with its routes. One failure does not stop independent workers; exit 1 on any failure.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every non-external worker of fleet.jsonc" },
    platform: { type: "boolean", description: "the monorepo's own platform worker (router layout)" },
    env: { type: "string", choices: ["staging", "production"], description: "the wrangler environment to deploy", placeholder: "ENV" },
    "secrets-file": {
      type: "string",
      description: "runtime secret values, NAME=value lines (dotenv), over the environment's (Cloudflare)",
      placeholder: "FILE",
    },
    ...healthOptions({ timeoutMs: 3000, retries: 5 }),
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids =
      positionals.length || values.all
        ? selectWorkers(manifest, positionals, Boolean(values.all), "deploy").filter((id) => !manifest.workers[id]!.external)
        : [];
    if (!values.platform && ids.length === 0) throw new UserError("`fleet deploy` needs worker names, --all, or --platform");
    const secretValues = values["secrets-file"] ? await readSecretsFile(ctx.cwd, values["secrets-file"]) : undefined;
    let progress: Progress | undefined;
    let done = 0;
    const {
      workers: outcomes,
      release,
      releaseError,
    } = await deploy({
      ...sessionOf(ctx),
      manifest,
      workers: ids,
      platform: Boolean(values.platform),
      ...(secretValues ? { secretValues } : {}),
      ...(values.env ? { environment: values.env } : {}),
      health: { timeoutMs: values.timeout, retries: values.retries },
      onStart: (total, cloud) =>
        (progress = ctx.out.progress(`deploying ${total} workers to ${cloud === "cloudflare" ? "Cloudflare" : "the local cloud"}`, total)),
      onEvent: (message) => {
        ctx.out.debug(message);
        progress?.update(++done);
      },
    });
    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    progress?.done(`${count("deployed")} deployed, ${count("failed")} failed, ${count("skipped")} skipped`);
    if (ctx.json) ctx.out.json({ workers: outcomes, release: release?.id ?? null });
    else {
      const version = (o: (typeof outcomes)[number]) => (o.version ? `v${o.version.number}${o.rolledBackTo ? ` → v${o.rolledBackTo.number}` : ""}` : "");
      const health = (o: (typeof outcomes)[number]) => (o.health ? `${o.health.state} ${o.health.latencyMs} ms` : "");
      ctx.out.print(
        table(
          ["worker", "result", "version", "health", "detail"],
          outcomes.map((o) => [o.id, o.status, version(o), health(o), o.detail ?? ""]),
        ),
      );
      for (const o of outcomes)
        for (const p of o.placeholders ?? [])
          ctx.out.info(`${o.id}: deployed a placeholder of ${p} first (it answers 503 until ${p} is deployed: ${o.id} binds it)`);
      for (const o of outcomes)
        for (const r of o.refusedRoutes ?? [])
          ctx.out.warn(`${o.id}: ${r.host} is held by worker ${r.holder}; ${o.script} answers on ${o.script}.workers.dev until cutover moves the hostname`);
      if (release) ctx.out.print(`fleet release ${release.id}: ${release.workers.length} workers live (fleet rollback --release ${release.id} returns to it)`);
    }
    if (releaseError) ctx.out.warn(`the fleet release could not be recorded: ${releaseError}`);
    return outcomes.every((o) => o.status === "deployed") ? 0 : EXIT_FINDINGS;
  },
});
