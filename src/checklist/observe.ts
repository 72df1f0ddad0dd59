// Gathers what the checklist's probes look at — the monorepo, the forge and each worker
// repository, the cloud, the registry, the workers' /health — once per run, concurrently and
// read-only, then lets every probe judge its step from it.
import { LocalCloudStore, type CloudState, type VersionRecord } from "../cloud/store.js";
import { localRuntime, WORKERS_DEV, type LocalRuntime } from "../cloud/runtime.js";
import { readRouter, type RouterMap } from "../discovery/router.js";
import { SourceTree } from "../discovery/source-tree.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { DEFAULT_ROUTER, readPlatformConfig } from "../discovery/platform-config.js";
import { WORKERS_DOC } from "../docs/workers-doc.js";
import type { Forge, Repository } from "../forge/forge.js";
import { forgeFor } from "../forge/select.js";
import { fileAt } from "../git/commit-files.js";
import { git, gitText } from "../git/git.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { planFleet, type WorkerPlan } from "../plan/plan.js";
import { RegistryClient, type RegistryEntry, type RegistryFetch } from "../registry/client.js";
import { LOCAL_REGISTRY_URL } from "../registry/local.js";
import { REGISTRY_SCRIPT } from "../registry/worker-source.js";
import { boundedMap } from "../repos/clone.js";
import { snapshot, type RepoSnapshot } from "./worker-repo.js";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { probeOf, probeUrl } from "../health/probe.js";

export interface FleetFacts {
  monorepo: string;
  manifest: Manifest;
  branch: string;
  /** The branch's tip when observed. */
  tip: string;
  plans: Map<string, WorkerPlan>;
  forge: Forge;
  repos: Map<string, Repository>;
  snapshots: Map<string, RepoSnapshot>;
  cloud: CloudState;
  active: Map<string, VersionRecord>;
  registry: { entries: Map<string, RegistryEntry> } | { error: string };
  health: Map<string, HealthResult>;
  docs: { text: string | undefined; committed: string | undefined };
  router: { map: RouterMap; services: Map<string, string> } | { error: string } | null;
  /** Files at the branch tip, for marker lookups. */
  hasFile(path: string): Promise<string | undefined>;
  /** Commits on the branch since `commit` that touch `paths` (null: commit unknown here). */
  commitsSince(commit: string, paths: string[]): Promise<number | null>;
  cutoverBranches: Set<string>;
}

export interface ObserveOptions {
  /** Health check settings, or false to leave health unobserved (its step then reads as missing). */
  health: { timeoutMs: number; retries: number; backoffMs: number } | false;
  concurrency: number;
  env: NodeJS.ProcessEnv;
  onProgress?: (what: string) => void;
}

export async function observeFleet(monorepo: string, manifest: Manifest, branch: string, ids: string[], options: ObserveOptions): Promise<FleetFacts> {
  const tip = await gitText(["rev-parse", `refs/heads/${branch}`], { cwd: monorepo });
  const forge = forgeFor(manifest, monorepo, options.env);
  const store = LocalCloudStore.at(monorepo);
  // The registry's entries live in the persisted KV; where nothing was ever persisted, run
  // without persistence so that observing creates nothing.
  const runtime = localRuntime(store, { persist: existsSync(join(store.root, "data")) });
  try {
    options.onProgress?.("reading the monorepo");
    const tree = await SourceTree.atCommit(monorepo, `refs/heads/${branch}`);
    let plans: Map<string, WorkerPlan>;
    let router: FleetFacts["router"] = null;
    try {
      plans = new Map((await planFleet(manifest, monorepo, tree)).workers.map((w) => [w.id, w]));
      if (manifest.monorepo.layout === "router") router = await readRouterFacts(tree, manifest);
    } finally {
      tree.close();
    }

    options.onProgress?.("reading the forge");
    const repos = new Map((await forge.list()).map((r) => [r.name, r]));
    const snapshots = new Map<string, RepoSnapshot>();
    await boundedMap(ids, options.concurrency, async (id) => {
      const repo = repos.get(repoNameFor(manifest, id));
      if (repo && !manifest.workers[id]!.external) snapshots.set(id, await snapshot(repo.url, forge.gitEnv(), monorepo, id));
    });

    options.onProgress?.("reading the cloud");
    const cloud = await store.state();
    const active = new Map<string, VersionRecord>();
    for (const [script, entry] of Object.entries(cloud.workers)) active.set(script, await store.version(script, entry.active));
    const registry = await readRegistry(manifest, cloud, runtime, options.env);

    const health = new Map<string, HealthResult>();
    const healthOptions = options.health;
    if (healthOptions) {
      options.onProgress?.("checking health");
      // workerd starts on the first request: start it first, so latencies are the workers' own
      await runtime.fetch("https://warm-up.invalid/").catch(() => undefined);
      await boundedMap(ids, options.concurrency, async (id) => {
        const url = healthUrl(manifest, cloud, id);
        if (url) health.set(id, await checkHealth((u, init) => runtime.fetch(u, init), url, { ...healthOptions, expect: probeOf(manifest.workers[id]) }));
      });
    }

    const docsText = await readFile(join(monorepo, WORKERS_DOC), "utf8").catch(() => undefined);
    const { stdout: branches } = await git(["for-each-ref", "--format=%(refname:lstrip=4)", "refs/heads/fleet/cutover/"], { cwd: monorepo });
    return {
      monorepo,
      manifest,
      branch,
      tip,
      plans,
      forge,
      repos,
      snapshots,
      cloud,
      active,
      registry,
      health,
      docs: { text: docsText, committed: await fileAt(monorepo, tip, WORKERS_DOC) },
      router,
      hasFile: (path) => fileAt(monorepo, tip, path),
      async commitsSince(commit, paths) {
        const known = await git(["cat-file", "-e", `${commit}^{commit}`], { cwd: monorepo, okCodes: [1, 128] });
        if (known.code !== 0) return null;
        return Number(await gitText(["rev-list", "--count", tip, `^${commit}`, "--", ...paths], { cwd: monorepo }));
      },
      cutoverBranches: new Set(branches.split("\n").filter(Boolean)),
    };
  } finally {
    await runtime.dispose();
  }
}

/**
 * Where a worker's own /health is: its hostname once it holds the route, else its
 * <script>.workers.dev name (before cutover the hostname is still answered by the platform).
 * External workers are checked on their hostname.
 */
export function healthUrl(manifest: Manifest, cloud: CloudState, id: string): string | undefined {
  const worker = manifest.workers[id]!;
  const probe = probeOf(worker);
  if (worker.external) return worker.domain ? probeUrl(worker.domain, probe) : undefined;
  const script = repoNameFor(manifest, id);
  if (!cloud.workers[script]) return undefined;
  if (worker.domain && cloud.routes[worker.domain] === script) return probeUrl(worker.domain, probe);
  return probeUrl(`${script}.${WORKERS_DEV}`, probe);
}

async function readRouterFacts(tree: SourceTree, manifest: Manifest): Promise<FleetFacts["router"]> {
  try {
    const map = await readRouter(tree, manifest.monorepo.router ?? DEFAULT_ROUTER);
    const services = (await readPlatformConfig(tree, manifest))?.services ?? new Map<string, string>();
    return { map, services };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function readRegistry(manifest: Manifest, cloud: CloudState, runtime: LocalRuntime, env: NodeJS.ProcessEnv): Promise<FleetFacts["registry"]> {
  const provider = manifest.providers.registry;
  let client: RegistryClient;
  if (provider === "local") {
    if (!cloud.workers[REGISTRY_SCRIPT]) return { error: "the local registry is not running yet (fleet registry sync starts it)" };
    client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => runtime.fetch(url, init as never)) as RegistryFetch);
  } else {
    client = new RegistryClient(provider, fetch, env.FLEET_REGISTRY_TOKEN);
  }
  try {
    return { entries: new Map((await client.list()).map((e) => [e.serviceId, e])) };
  } catch (error) {
    return { error: `cannot read the registry: ${(error as Error).message}` };
  }
}
