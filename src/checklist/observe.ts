// Gathers what the checklist's probes look at — the monorepo, the forge and each worker
// repository, the cloud, the registry, the workers' /health — once per run, concurrently and
// read-only, then lets every probe judge its step from it.
import type { Cloud, CloudKind, CloudVersion } from "../cloud/cloud.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import { cloudFor } from "../cloud/select.js";
import { readRouter, type RouterMap } from "../discovery/router.js";
import { SourceTree } from "../discovery/source-tree.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { DEFAULT_ROUTER, readPlatformConfig } from "../discovery/platform-config.js";
import { WORKERS_DOC } from "../docs/workers-doc.js";
import type { Forge, Repository } from "../forge/forge.js";
import { forgeFor } from "../forge/select.js";
import { CatFile } from "../git/cat-file.js";
import { SharedObjectReader } from "../git/shared-object-reader.js";
import { BATCH_SCRIPTS, inLocalBatches } from "../cloud/local-batches.js";
import { git, gitText } from "../git/git.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { planFleet, type WorkerPlan } from "../plan/plan.js";
import { RegistryClient, type RegistryEntry, type RegistryFetch } from "../registry/client.js";
import { LOCAL_REGISTRY_URL } from "../registry/local.js";
import { REGISTRY_SCRIPT } from "../registry/worker-source.js";
import { boundedMap } from "../concurrency/bounded.js";
import { snapshot, type RepoSnapshot } from "./worker-repo.js";
import { scaffoldInput, type ScaffoldInput } from "../scaffold/input.js";
import { DriftMemory } from "../update/scaffold-drift.js";
import { sourceName } from "../sync/sync.js";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { probeOf, probeUrl } from "../health/probe.js";
import { healthTargets } from "../health/where.js";
import { routePatternHost } from "../manifest/routes.js";

export interface FleetFacts {
  monorepo: string;
  manifest: Manifest;
  branch: string;
  /** The branch's tip when observed. */
  tip: string;
  plans: Map<string, WorkerPlan>;
  /** What each worker's scaffold is rendered from now (the template's drift compares it with its repository). */
  scaffolds: Map<string, ScaffoldInput>;
  /** Drift found by earlier runs, by repository main and rendering (saved by whoever probes). */
  driftMemory: DriftMemory;
  forge: Forge;
  repos: Map<string, Repository>;
  snapshots: Map<string, RepoSnapshot>;
  /** Reads the local forge's repositories' files for the snapshots, a few processes for all. */
  forgeFiles: SharedObjectReader;
  /** What the manifest's cloud holds: every hostname's holder, and each fleet script's live version. */
  cloud: { kind: CloudKind; hostnames: Map<string, string> } | { kind: CloudKind; error: string };
  active: Map<string, CloudVersion>;
  /** Runtime secret names of each deployed fleet script (the cloud's, never values). */
  runtimeSecrets: Map<string, string[]>;
  registry: { entries: Map<string, RegistryEntry> } | { error: string };
  health: Map<string, HealthResult>;
  docs: { text: string | undefined; committed: string | undefined };
  router: { map: RouterMap; services: Map<string, string> } | { error: string } | null;
  /** Files at the branch tip, for marker lookups. */
  hasFile(path: string): Promise<string | undefined>;
  /** Commits on the branch since `commit` that touch `paths` (null: commit unknown here). */
  commitsSince(commit: string, paths: string[]): Promise<number | null>;
  cutoverBranches: Set<string>;
  /** Ends the readers the facts keep open (the monorepo's and each worker repository's `cat-file`). */
  close(): void;
}

export interface ObserveOptions {
  /** Health check settings, or false to leave health unobserved (its step then reads as missing). */
  health: { timeoutMs: number; retries: number; backoffMs: number } | false;
  concurrency: number;
  env: NodeJS.ProcessEnv;
  onProgress?: (what: string) => void;
}

/** What a step can change, and so what observing again after it has to read. */
export type FactPart = "forge" | "cloud" | "registry" | "health" | "docs";

/**
 * Observes again only `parts`, for `ids`, keeping everything else of `previous` (the rest of the
 * fleet, and what the step that just ran cannot have changed): how `fleet migrate` checks a step
 * without reading the whole fleet after each one.
 */
export async function observeAgain(previous: FleetFacts, ids: string[], parts: ReadonlySet<FactPart>, options: ObserveOptions): Promise<FleetFacts> {
  const { monorepo, manifest, forge } = previous;
  const facts: FleetFacts = { ...previous, snapshots: new Map(previous.snapshots), health: new Map(previous.health) };
  if (parts.has("forge")) {
    facts.repos = new Map((await forge.list()).map((r) => [r.name, r]));
    await readSnapshots(facts, ids, options.concurrency);
  }
  if (parts.has("cloud") || parts.has("health") || parts.has("registry")) {
    const cloud = await cloudFor(manifest, monorepo, options.env, { persist: persistOf(monorepo) });
    const local = await registryCloud(monorepo, cloud);
    try {
      if (parts.has("cloud")) {
        const { facts: cloudFacts, active, runtimeSecrets } = await readCloud(cloud, manifest, ids, options.concurrency);
        facts.cloud = cloudFacts;
        facts.active = new Map([...previous.active, ...active]);
        for (const id of ids) if (!active.has(repoNameFor(manifest, id))) facts.active.delete(repoNameFor(manifest, id));
        facts.runtimeSecrets = new Map([...previous.runtimeSecrets, ...runtimeSecrets]);
      }
      if (parts.has("registry")) facts.registry = await readRegistry(manifest, local, options.env);
      if (parts.has("health") && options.health) await readHealth(facts, cloud, ids, options.health, options.concurrency);
    } finally {
      await cloud.dispose();
      if (local !== cloud) await local.dispose();
    }
  }
  if (parts.has("docs")) facts.docs = { ...previous.docs, text: await readFile(join(monorepo, WORKERS_DOC), "utf8").catch(() => undefined) };
  return facts;
}

/** Each worker repository of `ids` as the probes read it, into `facts.snapshots`. */
async function readSnapshots(facts: FleetFacts, ids: string[], concurrency: number): Promise<void> {
  const { manifest, repos, forge, monorepo } = facts;
  await boundedMap(ids, concurrency, async (id) => {
    const repo = repos.get(repoNameFor(manifest, id));
    facts.snapshots.get(id)?.close();
    if (repo && !manifest.workers[id]!.external) facts.snapshots.set(id, await snapshot(repo.url, forge.gitEnv(), monorepo, id, facts.forgeFiles));
    else facts.snapshots.delete(id);
  });
}

/** Each worker's /health of `ids` (where it is deployed), into `facts.health`. */
async function readHealth(
  facts: FleetFacts,
  cloud: Cloud,
  ids: string[],
  settings: { timeoutMs: number; retries: number; backoffMs: number },
  concurrency: number,
): Promise<void> {
  const { manifest } = facts;
  const urls = await boundedMap(ids, concurrency, async (id) => ({ id, url: await healthUrl(manifest, cloud, facts.cloud, facts.active, id) }));
  for (const { id } of urls.filter((u) => !u.url)) facts.health.delete(id);
  const targets = urls.flatMap(({ id, url }) => (url ? [{ id, url }] : []));
  const check = (fetch: Cloud["fetch"], t: { id: string; url: string }) => checkHealth(fetch, t.url, { ...settings, expect: probeOf(manifest.workers[t.id]) });
  if (cloud instanceof LocalCloud && !(await fitsOneRuntime(cloud))) {
    // a large local fleet is checked a batch of workers at a time (workerd holds all it loads)
    const results = await inLocalBatches(cloud.store, targets, check, { concurrency, persist: persistOf(facts.monorepo) });
    targets.forEach((t, i) => facts.health.set(t.id, results[i]!));
    return;
  }
  // the local cloud's workerd starts on the first request: start it first, so latencies are the workers' own
  if (cloud.kind === "local") await cloud.fetch("https://warm-up.invalid/", { signal: AbortSignal.timeout(60_000) }).catch(() => undefined);
  await boundedMap(targets, concurrency, async (t) => facts.health.set(t.id, await check(cloud.fetch, t)));
}

/** Whether the local cloud's deployed workers fit one workerd (see cloud/local-batches.ts). */
async function fitsOneRuntime(cloud: LocalCloud): Promise<boolean> {
  return Object.keys((await cloud.store.state()).workers).length <= BATCH_SCRIPTS;
}

/** The local registry's entries live in the persisted KV; where nothing was ever persisted, run without persistence so that observing creates nothing. */
function persistOf(monorepo: string): boolean {
  return existsSync(join(monorepo, ".fleet", "cloud", "data"));
}

/** The local cloud the registry is read through: the health checks' own when the fleet fits one workerd, else the registry worker alone. */
async function registryCloud(monorepo: string, cloud: Cloud): Promise<LocalCloud> {
  if (cloud instanceof LocalCloud && (await fitsOneRuntime(cloud))) return cloud;
  return LocalCloud.at(monorepo, { persist: persistOf(monorepo), only: new Set([REGISTRY_SCRIPT]) });
}

export async function observeFleet(monorepo: string, manifest: Manifest, branch: string, ids: string[], options: ObserveOptions): Promise<FleetFacts> {
  const tip = await gitText(["rev-parse", `refs/heads/${branch}`], { cwd: monorepo });
  const forge = forgeFor(manifest, monorepo, options.env);
  const cloud = await cloudFor(manifest, monorepo, options.env, { persist: persistOf(monorepo) });
  const local = await registryCloud(monorepo, cloud);
  try {
    // The monorepo, the forge and the cloud are read at the same time: the cloud's part waits
    // mostly on workerd starting (the local registry answers through it), the others on git.
    options.onProgress?.("reading the monorepo, the forge and the cloud");
    const readMonorepo = async () => {
      const tree = await SourceTree.atCommit(monorepo, `refs/heads/${branch}`);
      try {
        const plans = new Map((await planFleet(manifest, monorepo, tree)).workers.map((w) => [w.id, w]));
        return { plans, router: manifest.monorepo.layout === "router" ? await readRouterFacts(tree, manifest) : null, scaffolds: await scaffoldsOf(tree) };
      } finally {
        tree.close();
      }
    };
    const forgeFiles = new SharedObjectReader(monorepo);
    const readForge = async () => {
      const repos = new Map((await forge.list()).map((r) => [r.name, r]));
      const snapshots = new Map<string, RepoSnapshot>();
      await boundedMap(ids, options.concurrency, async (id) => {
        const repo = repos.get(repoNameFor(manifest, id));
        if (repo && !manifest.workers[id]!.external) snapshots.set(id, await snapshot(repo.url, forge.gitEnv(), monorepo, id, forgeFiles));
      });
      return { repos, snapshots };
    };
    const readCloudAndRegistry = async () => ({
      ...(await readCloud(cloud, manifest, ids, options.concurrency)),
      registry: await readRegistry(manifest, local, options.env),
    });
    const scaffoldsOf = async (tree: SourceTree) => {
      const monorepoName = await sourceName(monorepo);
      const inputs = new Map<string, ScaffoldInput>();
      // what the scaffold would be now, for the template's drift; a worker fleet cannot render has none to compare
      for (const id of ids.filter((i) => !manifest.workers[i]!.external))
        await scaffoldInput(manifest, id, tree, monorepoName).then(
          (input) => inputs.set(id, input),
          () => undefined,
        );
      return inputs;
    };
    const [{ plans, router, scaffolds }, { repos, snapshots }, { facts: cloudFacts, active, runtimeSecrets, registry }] = await Promise.all([
      readMonorepo(),
      readForge(),
      readCloudAndRegistry(),
    ]);

    const docsText = await readFile(join(monorepo, WORKERS_DOC), "utf8").catch(() => undefined);
    // the monorepo's files and commits as the probes ask for them, through one reader
    const reader = new CatFile(monorepo);
    const { stdout: branches } = await git(["for-each-ref", "--format=%(refname:lstrip=4)", "refs/heads/fleet/cutover/"], { cwd: monorepo });
    const facts: FleetFacts = {
      monorepo,
      manifest,
      branch,
      tip,
      plans,
      scaffolds,
      driftMemory: await DriftMemory.load(monorepo),
      forge,
      repos,
      snapshots,
      cloud: cloudFacts,
      active,
      runtimeSecrets,
      registry,
      health: new Map(),
      docs: { text: docsText, committed: await reader.text(`${tip}:${WORKERS_DOC}`) },
      router,
      hasFile: (path) => reader.text(`${tip}:${path}`),
      commitsSince: commitsCounter(monorepo, tip, reader),
      cutoverBranches: new Set(branches.split("\n").filter(Boolean)),
      forgeFiles,
      close(this: FleetFacts) {
        reader.close();
        this.forgeFiles.close();
        for (const s of this.snapshots.values()) s.close();
      },
    };
    if (options.health) {
      options.onProgress?.("checking health");
      await readHealth(facts, cloud, ids, options.health, options.concurrency);
    }
    return facts;
  } finally {
    await cloud.dispose();
    if (local !== cloud) await local.dispose();
  }
}

/** Every hostname's holder, and each fleet script's live version and runtime secret names. */
async function readCloud(
  cloud: Cloud,
  manifest: Manifest,
  ids: string[],
  concurrency: number,
): Promise<Pick<FleetFacts, "active" | "runtimeSecrets"> & { facts: FleetFacts["cloud"] }> {
  const active = new Map<string, CloudVersion>();
  const runtimeSecrets = new Map<string, string[]>();
  try {
    const hostnames = await cloud.hostnames();
    const scripts = [...new Set([...ids.filter((id) => !manifest.workers[id]!.external).map((id) => repoNameFor(manifest, id)), REGISTRY_SCRIPT])];
    await boundedMap(scripts, concurrency, async (script) => {
      const live = await cloud.live(script);
      if (!live) return;
      active.set(script, live);
      runtimeSecrets.set(script, await cloud.secretNames(script));
    });
    return { facts: { kind: cloud.kind, hostnames }, active, runtimeSecrets };
  } catch (error) {
    return { facts: { kind: cloud.kind, error: `cannot read the ${cloud.kind} cloud: ${(error as Error).message}` }, active, runtimeSecrets };
  }
}

/**
 * Where a worker's own /health is: its hostname once it holds the route — for a wildcard route it
 * holds, its probe host —, else its <script>.workers.dev name (before cutover the hostname is still
 * answered by the platform). External workers are checked on their hostname (or probe host).
 */
export async function healthUrl(
  manifest: Manifest,
  cloud: Cloud,
  facts: FleetFacts["cloud"],
  active: Map<string, CloudVersion>,
  id: string,
): Promise<string | undefined> {
  const worker = manifest.workers[id]!;
  const probe = probeOf(worker);
  if (worker.external) {
    const target = healthTargets(worker)[0];
    return target ? probeUrl(target.host, probe) : undefined;
  }
  const script = repoNameFor(manifest, id);
  if (!active.has(script)) return undefined;
  const held = "hostnames" in facts ? facts.hostnames : new Map<string, string>();
  if (worker.domain && held.get(worker.domain) === script) return probeUrl(worker.domain, probe);
  const pattern = healthTargets(worker).find((t) => t.via === "probe-host" && held.get(routePatternHost(t.route)) === script);
  if (pattern) return probeUrl(pattern.host, probe);
  return probeUrl(await cloud.workersDevHost(script), probe);
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

/** The registry the manifest names: fleet's registry worker in the local cloud, or a URL. */
async function readRegistry(manifest: Manifest, local: LocalCloud, env: NodeJS.ProcessEnv): Promise<FleetFacts["registry"]> {
  const provider = manifest.providers.registry;
  let client: RegistryClient;
  if (provider === "local") {
    if (!(await local.live(REGISTRY_SCRIPT))) return { error: "the local registry is not running yet (fleet registry sync starts it)" };
    client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => local.fetch(url, init as never)) as RegistryFetch);
  } else {
    client = new RegistryClient(provider, fetch, env.FLEET_REGISTRY_TOKEN);
  }
  try {
    return { entries: new Map((await client.list()).map((e) => [e.serviceId, e])) };
  } catch (error) {
    return { error: `cannot read the registry: ${(error as Error).message}` };
  }
}

/**
 * Counts the branch's commits since a worker's last sync that touch its paths. Every worker of a
 * fleet synced together has the same last sync, so the files changed since each such commit are
 * listed once (merges against each parent: a merge that changed a path differs from every parent
 * there); a worker none of whose paths is among them is 0 behind without a `rev-list` of its own.
 */
export function commitsCounter(monorepo: string, tip: string, reader: CatFile): FleetFacts["commitsSince"] {
  const changedSince = new Map<string, Promise<Set<string>>>();
  const GLOB = /[*?[\\]/;
  return async (commit, paths) => {
    if ((await reader.object(`${commit}^{commit}`))?.type !== "commit") return null;
    if (!paths.some((p) => GLOB.test(p))) {
      let pending = changedSince.get(commit);
      if (!pending) {
        // each changed file and every folder above it
        pending = git(["log", "-m", "--no-renames", "--format=", "--name-only", "-z", tip, `^${commit}`], { cwd: monorepo }).then(({ stdout }) => {
          const touched = new Set<string>();
          for (const file of stdout.split("\0").filter(Boolean)) {
            for (let at = file.length; at > 0; at = file.lastIndexOf("/", at - 1)) touched.add(file.slice(0, at));
          }
          return touched;
        });
        changedSince.set(commit, pending);
      }
      const touched = await pending;
      if (!paths.some((path) => touched.has(path.replace(/\/+$/, "")))) return 0;
    }
    return Number(await gitText(["rev-list", "--count", tip, `^${commit}`, "--", ...paths], { cwd: monorepo }));
  };
}
