// Merges each worker's split into its repository's main and pushes, fast-forward only.
import { gitText } from "../git/git.js";
import { forgeFor } from "../forge/select.js";
import { forgeRemote } from "../sync/remote.js";
import { executeSync, planSync, sourceName, type SyncAction, type SyncOutcome, type SyncTarget } from "../sync/sync.js";
import { rememberedSyncs, sameAsSynced } from "../sync/remembered.js";
import { analyzeWorker, packageVersions, type MonorepoContext } from "../discovery/analyze.js";
import { DEFAULT_ROUTER, readPlatformConfig } from "../discovery/platform-config.js";
import type { Manifest } from "../manifest/schema.js";
import { SourceTree } from "../discovery/source-tree.js";
import { carriedContextFiles } from "../scaffold/carried-context.js";
import { readWorkspace, type Workspace } from "../npm/workspace.js";
import { keepsMonorepoPaths } from "../history/path-filter.js";
import { openSession, whileLocked, workersOf, type FleetOptions } from "./session.js";
import { refuseUncarriable } from "./carry-check.js";
import { splitIn } from "./split.js";

export interface SyncCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest; external ones are left out). */
  workers?: string[];
  /** Only workers whose split moved since fleet last synced them from this monorepo. */
  changed?: boolean;
  /** Decide what each worker would get; merge and push nothing. */
  dryRun?: boolean;
  /** Push the merges (default true); without, each merge is kept at `refs/fleet/sync/<id>`. */
  push?: boolean;
  onProgress?: (commitsRead: number) => void;
  /** Told when the split is done, before any worker repository is read. */
  onSplit?: (commitsRead: number) => void;
}

export interface SyncResult {
  /** Monorepo commits read by the split that came first. */
  commitsRead: number;
  /** Workers left out because they are external. */
  external: string[];
  /** What each worker would get (always given; the whole answer of a dry run). */
  actions: SyncAction[];
  /** What happened to each worker (empty on a dry run). */
  outcomes: SyncOutcome[];
}

/** Splits, then merges each split into its worker repository (one merge commit) and pushes. */
export async function sync(options: SyncCall = {}): Promise<SyncResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet sync (library)", async () => {
    const manifest = await session.manifest();
    const named = workersOf(manifest, options.workers).filter((id) => !manifest.workers[id]!.external);
    // code a worker needs that its split cannot carry would reach its repository broken: refused first
    await refuseUncarriable(session, named, "sync");
    const split = await splitIn(session, options.workers, options.onProgress);
    options.onSplit?.(split.commitsRead);
    const sourceCommit = await gitText(["rev-parse", `refs/heads/${split.branch}`], { cwd: session.cwd });
    // the router's context wrapper, carried into the workers it wraps, as the monorepo has it now
    const wrapped = split.workers.map((w) => w.id).filter((id) => manifest.workers[id]?.source?.style === "context");
    const folders = manifest.monorepo.layout === "directories";
    let carried = new Map<string, { path: string; content: string }>();
    let workspace: Workspace | undefined;
    let dependencies = new Map<string, Record<string, string>>();
    // the workers whose repository's package.json is fleet's: a router service's, and a folder
    // worker's that keeps the monorepo's paths (its own package.json stays in its folder)
    const fleetPackage = split.workers
      .map((w) => w.id)
      .filter((id) => manifest.workers[id]?.source?.file || (manifest.workers[id]?.source?.dir !== undefined && keepsMonorepoPaths(split.filters[id]!)));
    if (wrapped.length || folders || manifest.monorepo.layout === "router") {
      const tree = await SourceTree.atCommit(session.cwd, sourceCommit);
      try {
        if (wrapped.length) carried = await carriedContextFiles(tree, manifest, wrapped);
        // the packages its code imports at the monorepo's ranges: no package.json of its own at the split's root
        if (fleetPackage.length) dependencies = await fleetPackageDependencies(tree, manifest, fleetPackage);
        // catalog and workspace ranges as the synced commit has them
        if (folders) workspace = await readWorkspace(tree);
      } finally {
        tree.close();
      }
    }
    let workers: SyncTarget[] = split.workers.map((w) => ({
      id: w.id,
      split: w.commit,
      ...(carried.has(w.id) ? { carried: carried.get(w.id)! } : {}),
      ...(dependencies.has(w.id) ? { dependencies: dependencies.get(w.id)! } : {}),
    }));
    const remembered = await rememberedSyncs(session.cwd);
    // --changed: only the workers whose split, carried file or npm ranges moved since this clone
    // synced them (a clone that never did, such as a fresh CI checkout, reads every repository)
    if (options.changed) workers = workers.filter((w) => !sameAsSynced(w, remembered.get(w.id)));
    const result = { commitsRead: split.commitsRead, external: split.external };
    if (workers.length === 0) return { ...result, actions: [], outcomes: [] };
    // every repository's main in one pass; a worker synced from here whose repository has not moved
    // since is up to date without reading it again
    const remote = await forgeRemote(
      forgeFor(manifest, session.cwd, session.env, session.log),
      manifest,
      workers.map((w) => w.id),
    );
    const known = (w: SyncTarget) =>
      sameAsSynced(w, remembered.get(w.id)) && remote.main(w.id) !== undefined && remote.main(w.id) === remembered.get(w.id)?.worker;
    const planned = await planSync(
      session.cwd,
      remote,
      workers.filter((w) => !known(w)),
    );
    const byId = new Map(planned.map((a) => [a.id, a]));
    const actions = workers.map((w): SyncAction => byId.get(w.id) ?? { kind: "up-to-date", id: w.id, split: w.split!, remembered: true });
    if (options.dryRun) return { ...result, actions, outcomes: [] };
    const source = { name: await sourceName(session.cwd), commit: sourceCommit };
    const outcomes = await executeSync(session.cwd, remote, actions, {
      source,
      push: options.push !== false,
      ...(manifest.npm?.overrides ? { npmOverrides: manifest.npm.overrides } : {}),
      ...(workspace ? { workspace } : {}),
      env: session.env,
    });
    return { ...result, actions, outcomes };
  });
}

/** What each worker's code imports from npm, at the ranges of its own or the monorepo's package.json (as `fleet plan` says). */
async function fleetPackageDependencies(tree: SourceTree, manifest: Manifest, ids: string[]): Promise<Map<string, Record<string, string>>> {
  const mono: MonorepoContext = { tree, rootPackages: await packageVersions(tree, "package.json"), router: manifest.monorepo.router ?? DEFAULT_ROUTER };
  const config = await readPlatformConfig(tree, manifest);
  if (config) mono.platformConfig = config;
  const out = new Map<string, Record<string, string>>();
  for (const id of ids) {
    const worker = manifest.workers[id];
    if (worker) out.set(id, (await analyzeWorker(mono, id, worker)).npmDependencies);
  }
  return out;
}
