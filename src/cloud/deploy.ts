// Deploys workers to the local cloud in dependency order: each is built from its repository
// (wrangler's own bundling), and before it goes out its dependencies must answer healthy
// (retries with backoff, a deadline). One worker failing does not stop independent ones; its
// dependants are skipped, naming the dependency that never came up. Builds (checkout, npm
// packages, wrangler) run ahead in parallel; the cloud changes strictly in dependency order.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { git, gitText } from "../git/git.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { buildBundle, configFileIn, prepareCheckout } from "./build.js";
import { localRuntime, WORKERS_DEV } from "./runtime.js";
import { availableParallelism } from "node:os";
import { specFromConfig } from "./spec.js";
import type { DeployResult, LocalCloudStore } from "./store.js";
import { HEALTH_ENDPOINT, probeUrl, type HealthProbe } from "../health/probe.js";

export interface DeployTarget {
  id: string;
  /** Script name (wrangler's name; the repository name for fleet's workers). */
  script: string;
  /** Where the code comes from: a git repository (path or URL) and its branch. */
  repository: string;
  branch: string;
  dependsOn: string[];
  /** Environment for git when fetching the repository (the forge's credentials). */
  gitEnv?: Record<string, string>;
  /** The worker's own health URL on its hostname (where a real cloud serves it). */
  healthUrl?: string;
  /** What its health check asks and accepts (default: /health, a 200 saying ok). */
  health?: HealthProbe;
  /** Hostnames of external dependencies to wait for (they are not deployed here). */
  externalHealthUrls?: string[];
  /** The wrangler config to deploy with, relative to the repository (default: wrangler.{jsonc,json,toml}). */
  config?: string;
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
  /** Builds at a time (default: the machine's cores, at most 4). */
  buildConcurrency?: number;
}

/** Checks out `branch` of `repository` into `dir` (fresh each time: a build sees only the repository). */
export async function checkout(repository: string, branch: string, dir: string, env: Record<string, string> = {}): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  // file:// makes --depth work for a local repository too
  const url = isAbsolute(repository) ? pathToFileURL(repository).href : repository;
  await git(["clone", "--quiet", "--depth", "1", "--branch", branch, "--", url, dir], { cwd: dirname(dir), env });
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}

interface Built {
  commit: string;
  bundle: Awaited<ReturnType<typeof buildBundle>>;
  spec: ReturnType<typeof specFromConfig>;
  message: string;
}

/**
 * A build directory of this run's own. A run killed mid-build leaves its git and wrangler
 * processes running for a while; a fixed directory would be theirs to write into while the next
 * run checks out there, and that run's build would fail.
 */
export async function buildDir(root: string, script: string): Promise<string> {
  await mkdir(join(root, "build"), { recursive: true });
  return mkdtemp(join(root, "build", `${script}-`));
}

/** Checkout, npm packages and wrangler's bundling: everything before the cloud is touched. */
async function build(store: LocalCloudStore, target: DeployTarget, environment: string | undefined): Promise<Built> {
  const dir = await buildDir(store.root, target.script);
  try {
    const commit = await checkout(target.repository, target.branch, dir, target.gitEnv);
    await prepareCheckout(dir, join(store.root, "packages"));
    const configFile = target.config ?? configFileIn(dir);
    if (!configFile) throw new Error(`no wrangler config in ${target.repository}`);
    const bundle = await buildBundle(dir, configFile, join(dir, ".fleet-dist"));
    const spec = specFromConfig(parseWranglerConfig(await readFile(join(dir, configFile), "utf8"), configFile), environment);
    const message = (await gitText(["log", "-1", "--format=%s", "HEAD"], { cwd: dir })).trim();
    return { commit, bundle, spec, message };
  } finally {
    // the bundle is in memory now
    await rm(dir, { recursive: true, force: true });
  }
}

/** Level of each target: 1 + the deepest of its dependencies among the targets. */
function levels(targets: DeployTarget[]): DeployTarget[][] {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const level = new Map<string, number>();
  const of = (t: DeployTarget): number => {
    if (level.has(t.id)) return level.get(t.id)!;
    level.set(t.id, 0); // a cycle was refused by validation; this only stops a loop
    const l = 1 + Math.max(0, ...t.dependsOn.map((d) => (byId.has(d) ? of(byId.get(d)!) : 0)));
    level.set(t.id, l);
    return l;
  };
  const out: DeployTarget[][] = [];
  for (const t of targets) (out[of(t) - 1] ??= []).push(t);
  return out.filter(Boolean);
}

/**
 * Builds run ahead, several at a time (they touch nothing shared); deploys go out level by level
 * in dependency order: every worker of a level whose dependencies came up healthy is deployed,
 * the runtime reloads once, and the level's /health checks run concurrently.
 */
export async function deployInOrder(store: LocalCloudStore, targets: DeployTarget[], options: DeployOptions): Promise<DeployOutcome[]> {
  const runtime = localRuntime(store);
  const fetcher = (url: string, init: { signal: AbortSignal }) => runtime.fetch(url, init);
  // Builds start in deploy order, a few at a time, and are awaited when their turn comes.
  const limit = limiter(options.buildConcurrency ?? Math.max(1, Math.min(4, availableParallelism())));
  const builds = new Map(targets.map((t) => [t.id, limit(() => build(store, t, options.environment))]));
  for (const b of builds.values()) b.catch(() => {}); // a failed build is reported at its turn
  const built = (id: string): Promise<Built> => builds.get(id)!;
  const outcomes = new Map<string, DeployOutcome>();
  try {
    for (const level of levels(targets)) {
      const deployed: { target: DeployTarget; result: DeployResult; host: string }[] = [];
      for (const target of level) {
        const failedDep = target.dependsOn.find((d) => outcomes.get(d) && outcomes.get(d)!.status !== "deployed");
        if (failedDep) {
          outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${failedDep} was not deployed healthy` });
          continue;
        }
        let unhealthy: string | undefined;
        for (const url of target.externalHealthUrls ?? []) {
          const health = await checkHealth(fetcher, url, options.health);
          if (health.state !== "up") unhealthy = `${url} (${health.error?.message ?? health.state})`;
        }
        if (unhealthy) {
          outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${unhealthy} never answered healthy` });
          continue;
        }
        try {
          const b = await built(target.id);
          options.onEvent?.(`deploying ${target.id}`);
          const result = await store.deploy(b.spec, b.bundle, { repository: target.repository, commit: b.commit, message: b.message }, { routes: "available" });
          // A worker answers on its hostname when it holds one (the platform answers only there), else on workers.dev.
          deployed.push({ target, result, host: result.routes[0] ?? `${result.script}.${WORKERS_DEV}` });
        } catch (error) {
          outcomes.set(target.id, { id: target.id, script: target.script, status: "failed", detail: (error as Error).message.split("\n").slice(0, 6).join(" ") });
        }
      }
      if (deployed.length === 0) continue;
      await runtime.reload();
      await Promise.all(
        deployed.map(async ({ target, result, host }) => {
          const probe = target.health ?? HEALTH_ENDPOINT;
          const health = await checkHealth(fetcher, probeUrl(host, probe), { ...options.health, expect: probe });
          outcomes.set(target.id, {
            id: target.id,
            script: result.script,
            status: health.state === "up" ? "deployed" : "failed",
            version: result.version,
            refusedRoutes: result.refused,
            health,
            ...(health.state === "up" ? {} : { detail: `deployed version ${result.version} but ${probe.path} is ${health.state}` }),
          });
        }),
      );
    }
  } finally {
    await Promise.allSettled(builds.values());
    await runtime.dispose();
  }
  return targets.map((t) => outcomes.get(t.id)!);
}

/** Runs at most `n` of the given tasks at once, in the order they were handed in. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
