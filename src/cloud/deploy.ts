// Deploys workers to a cloud (local or Cloudflare) in dependency order: each is checked out from
// its repository, and before it goes out its dependencies must answer healthy (each check
// retried with backoff); after, its own health is checked and an unhealthy new version is rolled
// back. One worker failing does not stop independent ones; its dependants are skipped, naming
// the dependency that never came up. Builds (checkout, npm packages, the local cloud's wrangler
// bundling) run ahead in parallel; the cloud changes strictly in dependency order.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { git, gitText } from "../git/git.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { configFileIn, packageCacheIn, prepareCheckout } from "./build.js";
import { availableParallelism } from "node:os";
import { limiter } from "../concurrency/bounded.js";
import type { Cloud, CloudVersion, Deployed, Prepared } from "./cloud.js";
import type { WorkerSpec } from "./spec.js";
import { checkResources, inDeployOrder } from "./resources/preflight.js";
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
  /** What its health check asks and accepts (default: /health, a 200 saying ok). */
  health?: HealthProbe;
  /** Hostnames of external dependencies to wait for (they are not deployed here). */
  externalHealthUrls?: string[];
  /** The wrangler config to deploy with, relative to the repository (default: wrangler.{jsonc,json,toml}). */
  config?: string;
  /** Runtime secrets to go up with the version (Cloudflare; the local cloud keeps none). */
  secrets?: Record<string, string>;
}

export interface DeployOutcome {
  id: string;
  script: string;
  status: "deployed" | "failed" | "skipped";
  /** The version deployed (still live unless it was rolled back). */
  version?: CloudVersion;
  /** Its package.json's `version` at the commit deployed, when it has one. */
  packageVersion?: string;
  /** The version made live again when the new one was unhealthy. */
  rolledBackTo?: CloudVersion;
  /** Scripts deployed as placeholders before it: it binds them, and they were not deployed yet. */
  placeholders?: string[];
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
  /**
   * Script names of the fleet's workers: a target binding one of them that is not deployed yet
   * gets a placeholder of it first (another script is left for the cloud to refuse, named).
   */
  fleetScripts?: ReadonlySet<string>;
  /** Each version that went out, with the config it was deployed with (fleet's releases record it). */
  onDeployed?: (deployed: { id: string; script: string; version: CloudVersion; spec: WorkerSpec; packageVersion?: string }) => void;
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
  /** The build directory (a checkout of the repository), removed once deployed. */
  dir: string;
  commit: string;
  message: string;
  prepared: Prepared;
  packageVersion?: string;
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

/** Checkout, npm packages, and whatever the cloud does before it is touched (the local cloud bundles). */
async function build(cloud: Cloud, target: DeployTarget, environment: string | undefined): Promise<Built> {
  const dir = await buildDir(cloud.workDir, target.script);
  try {
    const commit = await checkout(target.repository, target.branch, dir, target.gitEnv);
    await prepareCheckout(dir, packageCacheIn(cloud.workDir));
    const configFile = target.config ?? configFileIn(dir);
    if (!configFile) throw new Error(`no wrangler config in ${target.repository}`);
    const prepared = await cloud.prepare(dir, configFile, environment);
    const message = (await gitText(["log", "-1", "--format=%s", "HEAD"], { cwd: dir })).trim();
    const packageVersion = await packageVersionIn(dir);
    return { dir, commit, message, prepared, ...(packageVersion ? { packageVersion } : {}) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The checkout's package.json `version`, if it has one (a worker without package.json has none). */
async function packageVersionIn(dir: string): Promise<string | undefined> {
  try {
    const version = (JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { version?: unknown }).version;
    return typeof version === "string" && version ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Level of each target: 1 + the deepest of its dependencies among the targets. */
function levels(targets: DeployTarget[]): DeployTarget[][] {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const level = new Map<string, number>();
  const of = (t: DeployTarget): number => {
    if (level.has(t.id)) return level.get(t.id)!;
    level.set(t.id, 0); // only a guard: the order broke any cycle (its target deploys as a placeholder)
    const l = 1 + Math.max(0, ...t.dependsOn.map((d) => (byId.has(d) ? of(byId.get(d)!) : 0)));
    level.set(t.id, l);
    return l;
  };
  const out: DeployTarget[][] = [];
  for (const t of targets) (out[of(t) - 1] ??= []).push(t);
  return out.filter(Boolean);
}

/**
 * The one deploy loop, for every cloud. Builds run ahead, several at a time (they touch nothing
 * shared); deploys go out level by level in dependency order: every worker of a level whose
 * dependencies came up healthy is deployed, the cloud settles once, and the level's health
 * checks run concurrently. A new version that does not answer healthy is rolled back to the
 * version that was live before it (a first deploy has none and stays, reported failed).
 */
export async function deployInOrder(cloud: Cloud, targets: DeployTarget[], options: DeployOptions): Promise<DeployOutcome[]> {
  // Builds start in deploy order, a few at a time, and are awaited when their turn comes. A build
  // is mostly wrangler loading itself (about 1.5 s of CPU): one more build than cores keeps the
  // cores busy while another waits on its files (34 workers: 33 s at 2, 29 s at 3 on 2 cores).
  const limit = limiter(options.buildConcurrency ?? Math.max(1, Math.min(4, availableParallelism() + 1)));
  const builds = new Map(targets.map((t) => [t.id, limit(() => build(cloud, t, options.environment))]));
  for (const b of builds.values()) b.catch(() => {}); // a failed build is reported at its turn
  const outcomes = new Map<string, DeployOutcome>();
  const placed = new Set<string>();
  try {
    // a bound resource the cloud lacks stops the run before anything deploys: every build is
    // awaited first, so all of them are looked up at once (a build that failed is reported at its turn)
    if (cloud.missingResources) await checkResources(cloud, await inDeployOrder(levels(targets).flat(), builds, options.fleetScripts));
    for (const level of levels(targets)) {
      const deployed: { target: DeployTarget; result: Deployed; before: CloudVersion | undefined; placeholders: string[]; packageVersion?: string }[] = [];
      for (const target of level) {
        const failedDep = target.dependsOn.find((d) => outcomes.get(d) && outcomes.get(d)!.status !== "deployed");
        if (failedDep) {
          outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${failedDep} was not deployed healthy` });
          continue;
        }
        let unhealthy: string | undefined;
        for (const url of target.externalHealthUrls ?? []) {
          const health = await checkHealth(cloud.fetch, url, options.health);
          if (health.state !== "up") unhealthy ??= `${url} (${health.error?.message ?? health.state})`;
        }
        if (unhealthy) {
          outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${unhealthy} never answered healthy` });
          continue;
        }
        let dir: string | undefined;
        try {
          const b = await builds.get(target.id)!;
          dir = b.dir;
          const before = await cloud.live(b.prepared.spec.script);
          const placeholders = await placeholdersFor(cloud, b.prepared.spec, options, placed);
          options.onEvent?.(`deploying ${target.id}`);
          const result = await cloud.deploy(b.prepared, { repository: target.repository, commit: b.commit, message: b.message }, target.secrets);
          const packageVersion = b.packageVersion;
          options.onDeployed?.({
            id: target.id,
            script: result.script,
            version: result.version,
            spec: b.prepared.spec,
            ...(packageVersion ? { packageVersion } : {}),
          });
          deployed.push({ target, result, before, placeholders, ...(packageVersion ? { packageVersion } : {}) });
        } catch (error) {
          outcomes.set(target.id, {
            id: target.id,
            script: target.script,
            status: "failed",
            detail: (error as Error).message.split("\n").slice(0, 6).join(" "),
          });
        } finally {
          if (dir) await rm(dir, { recursive: true, force: true });
        }
      }
      if (deployed.length === 0) continue;
      await cloud.settle();
      let rolledBack = false;
      await Promise.all(
        deployed.map(async ({ target, result, before, placeholders, packageVersion }) => {
          const probe = target.health ?? HEALTH_ENDPOINT;
          const health = await checkHealth(cloud.fetch, probeUrl(result.host, probe), { ...options.health, expect: probe });
          const outcome: DeployOutcome = {
            id: target.id,
            script: result.script,
            status: health.state === "up" ? "deployed" : "failed",
            version: result.version,
            ...(packageVersion ? { packageVersion } : {}),
            refusedRoutes: result.refused,
            health,
            ...(placeholders.length ? { placeholders } : {}),
          };
          if (health.state !== "up") {
            outcome.detail = `deployed v${result.version.number} but ${probe.path} on ${result.host} is ${health.state}`;
            if (before) {
              try {
                await cloud.rollback(result.script, before.id, `fleet: ${probe.path} was ${health.state} after deploying v${result.version.number}`);
                outcome.detail += `; rolled back to v${before.number}`;
                outcome.rolledBackTo = before;
                rolledBack = true;
              } catch (error) {
                outcome.detail += `; the rollback to v${before.number} failed: ${(error as Error).message}`;
              }
            }
          }
          outcomes.set(target.id, outcome);
        }),
      );
      if (rolledBack) await cloud.settle();
    }
  } finally {
    // builds never deployed (skipped, or after a failure) still hold a directory
    await Promise.all(
      [...builds.values()].map((b) =>
        b.then(
          (x) => rm(x.dir, { recursive: true, force: true }),
          () => undefined,
        ),
      ),
    );
  }
  return targets.map((t) => outcomes.get(t.id)!);
}

/**
 * Placeholders of the fleet's workers a target binds that are not deployed yet (a binding cycle,
 * or a worker deployed before one it binds), each deployed once per run.
 */
async function placeholdersFor(cloud: Cloud, spec: WorkerSpec, options: DeployOptions, placed: Set<string>): Promise<string[]> {
  const out: string[] = [];
  for (const bound of [...new Set(Object.values(spec.services))].sort()) {
    if (bound === spec.script || placed.has(bound) || !options.fleetScripts?.has(bound)) continue;
    if (await cloud.live(bound)) continue;
    options.onEvent?.(`deploying a placeholder of ${bound} (answers 503): ${spec.script} binds it before its own deploy`);
    if (await cloud.placeholder(bound)) out.push(bound);
    placed.add(bound);
  }
  return out;
}
