// Deploys workers to the local cloud in dependency order: each is built from its repository
// (wrangler's own bundling), and before it goes out its dependencies must answer healthy
// (retries with backoff, a deadline). One worker failing does not stop independent ones; its
// dependants are skipped, naming the dependency that never came up.
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { git, gitText } from "../git/git.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { buildBundle, configFileIn, prepareCheckout } from "./build.js";
import { miniflareOptions, WORKERS_DEV } from "./runtime.js";
import { specFromConfig } from "./spec.js";
import type { DeployResult, LocalCloudStore } from "./store.js";

export interface DeployTarget {
  id: string;
  /** Script name (wrangler's name; the repository name for fleet's workers). */
  script: string;
  /** Where the code comes from: a git repository (path or URL) and its branch. */
  repository: string;
  branch: string;
  dependsOn: string[];
  /** Hostnames of external dependencies to wait for (they are not deployed here). */
  externalHealthUrls?: string[];
}

export interface DeployOutcome {
  id: string;
  script: string;
  status: "deployed" | "failed" | "skipped";
  version?: number;
  refusedRoutes?: { host: string; holder: string }[];
  health?: HealthResult;
  detail?: string;
}

export interface DeployOptions {
  environment?: string;
  health: { timeoutMs: number; retries: number; backoffMs: number };
  onEvent?: (message: string) => void;
}

/** Checks out `branch` of `repository` into `dir` (fresh each time: a build sees only the repository). */
async function checkout(repository: string, branch: string, dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  // file:// makes --depth work for a local repository too
  const url = isAbsolute(repository) ? pathToFileURL(repository).href : repository;
  await git(["clone", "--quiet", "--depth", "1", "--branch", branch, "--", url, dir], { cwd: dirname(dir) });
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}

export async function deployInOrder(store: LocalCloudStore, targets: DeployTarget[], options: DeployOptions): Promise<DeployOutcome[]> {
  const { Miniflare } = await import("miniflare");
  let runtime: InstanceType<typeof Miniflare> | undefined;
  const fetcher = async (url: string, init: { signal: AbortSignal }) => {
    const opts = await miniflareOptions(store);
    if (!runtime) runtime = new Miniflare(opts as never);
    return (await runtime.dispatchFetch(url, { signal: init.signal } as never)) as unknown as Response;
  };
  const reload = async () => {
    if (runtime) await runtime.setOptions((await miniflareOptions(store)) as never);
  };
  const outcomes = new Map<string, DeployOutcome>();
  const healthHosts = new Map<string, string>();
  try {
    for (const target of targets) {
      const failedDep = target.dependsOn.find((d) => outcomes.get(d) && outcomes.get(d)!.status !== "deployed");
      if (failedDep) {
        outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${failedDep} was not deployed healthy` });
        continue;
      }
      let unhealthy: string | undefined;
      for (const dep of target.dependsOn) {
        const script = outcomes.get(dep)?.script;
        if (!script) continue; // not part of this deploy: checked below if it is deployed
        const health = await checkHealth(fetcher, `https://${healthHosts.get(dep) ?? `${script}.${WORKERS_DEV}`}/health`, options.health);
        if (health.state !== "up") unhealthy = `${dep} (${health.error?.message ?? health.state})`;
      }
      for (const url of target.externalHealthUrls ?? []) {
        const health = await checkHealth(fetcher, url, options.health);
        if (health.state !== "up") unhealthy = `${url} (${health.error?.message ?? health.state})`;
      }
      if (unhealthy) {
        outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${unhealthy} never answered healthy` });
        continue;
      }
      options.onEvent?.(`building ${target.id}`);
      try {
        const dir = join(store.root, "build", target.script);
        const commit = await checkout(target.repository, target.branch, dir);
        await prepareCheckout(dir);
        const configFile = configFileIn(dir);
        if (!configFile) throw new Error(`no wrangler config in ${target.repository}`);
        const bundle = await buildBundle(dir, configFile, join(dir, ".fleet-dist"));
        const spec = specFromConfig(parseWranglerConfig(await readFile(join(dir, configFile), "utf8"), configFile), options.environment);
        const message = (await gitText(["log", "-1", "--format=%s", "HEAD"], { cwd: dir })).trim();
        const result: DeployResult = await store.deploy(spec, bundle, { repository: target.repository, commit, message }, { routes: "available" });
        await reload();
        // A worker answers on its hostname when it holds one (the platform answers only there), else on workers.dev.
        const host = result.routes[0] ?? `${result.script}.${WORKERS_DEV}`;
        const health = await checkHealth(fetcher, `https://${host}/health`, options.health);
        healthHosts.set(target.id, host);
        outcomes.set(target.id, {
          id: target.id,
          script: result.script,
          status: health.state === "up" ? "deployed" : "failed",
          version: result.version,
          refusedRoutes: result.refused,
          health,
          ...(health.state === "up" ? {} : { detail: `deployed version ${result.version} but /health is ${health.state}` }),
        });
      } catch (error) {
        outcomes.set(target.id, { id: target.id, script: target.script, status: "failed", detail: (error as Error).message.split("\n").slice(0, 6).join(" ") });
      }
    }
  } finally {
    await runtime?.dispose();
  }
  return targets.map((t) => outcomes.get(t.id)!);
}
