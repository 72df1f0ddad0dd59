import { defineCommand } from "../cli/define.js";
import { wholeNumberOption } from "../cli/numbers.js";
import { join } from "node:path";
import { deployInOrder, type DeployOutcome, type DeployTarget } from "../cloud/deploy.js";
import { LocalCloudStore } from "../cloud/store.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { sourceBranch } from "../git/branch.js";
import { repoNameFor } from "../manifest/names.js";
import { topologicalOrder } from "../plan/graph.js";
import { table } from "../report/table.js";
import { selectWorkers } from "./select.js";

export const PLATFORM = "platform";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all] [--platform] [--env staging|production]",
  description:
    "Deploys workers in dependency order, to the local cloud (default) or, with providers.cloud cloudflare, to the account " +
    "in CLOUDFLARE_ACCOUNT_ID with wrangler (an unhealthy new version is rolled back). On the local cloud each worker is built from its repository on the forge with wrangler's " +
    "own bundling, after its dependencies answer healthy; then its own /health is checked. A hostname another worker holds " +
    "is not taken (the worker still answers on <script>.workers.dev) and the holder is named. --platform deploys the " +
    "monorepo's platform worker with its routes. One failure does not stop independent workers; exit 1 on any failure.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every non-external worker of fleet.jsonc" },
    platform: { type: "boolean", description: "the monorepo's own platform worker (router layout)" },
    env: { type: "string", description: "the wrangler environment to deploy (staging or production)", placeholder: "ENV" },
    timeout: { type: "string", description: "health check timeout per request in ms (default 3000)", placeholder: "MS" },
    retries: { type: "string", description: "health check retries (default 5)", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    if (values.env && values.env !== "staging" && values.env !== "production") throw new UserError(`--env must be staging or production, not "${values.env}"`);
    const ids = positionals.length || values.all ? selectWorkers(manifest, positionals, Boolean(values.all), "deploy").filter((id) => !manifest.workers[id]!.external) : [];
    if (!values.platform && ids.length === 0) throw new UserError("`fleet deploy` needs worker names, --all, or --platform");
    const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
    const forge = forgeFor(manifest, ctx.cwd, ctx.env, (m) => ctx.out.debug(m));
    const order = topologicalOrder(new Map(ids.map((id) => [id, manifest.workers[id]!.dependsOn.filter((d) => ids.includes(d))])), (id) => manifest.workers[id]!.phase);
    const targets: DeployTarget[] = [];
    if (values.platform) targets.push({ id: PLATFORM, script: PLATFORM, repository: ctx.cwd, branch, dependsOn: [] });
    for (const id of order) {
      const repo = await forge.get(repoNameFor(manifest, id));
      if (!repo) throw new UserError(`worker ${id} has no repository yet`, { hint: `create and sync it first: fleet create ${id} && fleet sync ${id}` });
      const domain = manifest.workers[id]!.domain;
      targets.push({
        id,
        script: repoNameFor(manifest, id),
        repository: repo.url,
        branch: "main",
        gitEnv: forge.gitEnv(),
        dependsOn: manifest.workers[id]!.dependsOn.filter((d) => ids.includes(d)),
        ...(domain ? { healthUrl: `https://${domain}/health` } : {}),
      });
    }
    const health = { timeoutMs: wholeNumberOption("--timeout", values.timeout, 3000), retries: wholeNumberOption("--retries", values.retries, 5), backoffMs: 200 };
    const cloudflare = manifest.providers.cloud === "cloudflare";
    const progress = ctx.out.progress(`deploying ${targets.length} workers to ${cloudflare ? "Cloudflare" : "the local cloud"}`, targets.length);
    let done = 0;
    const onEvent = (message: string) => {
      ctx.out.debug(message);
      progress.update(++done);
    };
    let outcomes: DeployOutcome[];
    if (cloudflare) {
      const [{ CloudflareCloud, cloudflareCredentials }, { deployToCloudflare }] = await Promise.all([import("../cloud/cloudflare/cloudflare-cloud.js"), import("../cloud/cloudflare/deploy.js")]);
      const cloud = new CloudflareCloud(cloudflareCredentials(ctx.env));
      outcomes = await deployToCloudflare(targets, { cloud, environment: values.env ?? "production", workDir: join(ctx.cwd, ".fleet", "cloudflare"), health, fetcher: (url, init) => fetch(url, init), onEvent });
    } else {
      outcomes = await deployInOrder(LocalCloudStore.at(ctx.cwd), targets, { ...(values.env ? { environment: values.env } : {}), health, onEvent });
    }
    progress.done(`${outcomes.filter((o) => o.status === "deployed").length} deployed, ${outcomes.filter((o) => o.status === "failed").length} failed, ${outcomes.filter((o) => o.status === "skipped").length} skipped`);
    if (ctx.json) ctx.out.json({ workers: outcomes });
    else {
      ctx.out.print(table(["worker", "result", "version", "health", "detail"], outcomes.map((o) => [o.id, o.status, o.version ? `v${o.version}` : "", o.health ? `${o.health.state} ${o.health.latencyMs} ms` : "", o.detail ?? ""])));
      for (const o of outcomes) for (const r of o.refusedRoutes ?? []) ctx.out.warn(`${o.id}: ${r.host} is held by worker ${r.holder}; ${o.script} answers on ${o.script}.workers.dev until cutover moves the hostname`);
    }
    return outcomes.every((o) => o.status === "deployed") ? 0 : EXIT_FINDINGS;
  },
});
