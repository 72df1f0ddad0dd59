// Splits the whole fleet in one pass: one `git fast-export` of the branch, every change routed
// to every worker whose paths it touches, every worker's commits written through one
// `git fast-import` into the monorepo's own object store (existing blobs referenced by id).
// Incremental: with a valid cache only the commits since the last split are read.
// Refs move together in one transaction at the end, and the cache after them: a crash at any
// point leaves the old refs, or the new refs with a cache that is merely behind.
import { fleetDir } from "../git/fleet-dir.js";
import { join, resolve } from "node:path";
import { git, gitText } from "../git/git.js";
import { refsFromFiles } from "../git/ref-files.js";
import { gitDirs } from "../git/repository.js";
import { filterFingerprint } from "./path-filter.js";
import { SplitCache } from "./split-cache.js";
import { crashPoint } from "../fs/crash-points.js";
import { firstPass } from "./pass-thread.js";
import { rewrite, SPLIT_REF_PREFIX, WORK_REF, type FromStartReason, type PassOptions, type SplitTarget, type WorkerSplit } from "./pass.js";

export { SPLIT_REF_PREFIX, type FromStartReason, type SplitTarget, type WorkerSplit } from "./pass.js";

export interface SplitOptions extends PassOptions {
  /** Branch whose history is split (a short name or a full ref). */
  branch: string;
  /** The branch's tip commit, when the caller has read it already (no process to ask git again). */
  tip?: string;
  /** What startSplit read, when the caller read it already (beside working out the paths). */
  start?: SplitStart;
}

export interface SplitRun {
  workers: WorkerSplit[];
  /** Monorepo commits read in this run. */
  commitsRead: number;
  incremental: boolean;
  /** The most kept trees any worker still held at the end (the memory bound's measure). */
  treesHeld: number;
}

export async function cacheRoot(repo: string): Promise<string> {
  return join((await fleetDir(repo))!, "split");
}

/**
 * What a split starts from, none of which depends on the workers' paths: the branch's tip, the
 * split refs and cache left by the last split, and whether that split's tip is an ancestor of
 * this one. Read while the caller works out the paths (each costs a git process or a few files).
 */
export interface SplitStart {
  ref: string;
  tip: string;
  /** Every `refs/fleet/split/<id>` now, by worker id. */
  refs: Map<string, string>;
  /** Work refs an interrupted split left behind (deleted before this one writes). */
  leftovers: string[];
  root: string;
  cache: SplitCache | undefined;
  /** The cache was made from this branch at an ancestor of `tip`: new commits can be appended. */
  cacheContinues: boolean;
}

export async function startSplit(repo: string, branch: string, knownTip?: string): Promise<SplitStart> {
  const ref = branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
  const dirs = knownTip ? await gitDirs(repo) : undefined;
  const [commonDir, tip] =
    dirs && knownTip
      ? [dirs.commonDir, knownTip]
      : ((await gitText(["rev-parse", "--git-common-dir", "--verify", "-q", `${ref}^{commit}`], { cwd: repo })).split("\n") as [string, string]);
  const root = join(resolve(repo, commonDir), "fleet", "split");
  const [{ refs, leftovers }, cache] = await Promise.all([fleetRefs(repo, resolve(repo, commonDir)), SplitCache.load(root)]);
  const cacheContinues =
    cache !== undefined &&
    cache.state.branch === ref &&
    (cache.state.tip === tip || (await git(["merge-base", "--is-ancestor", cache.state.tip, tip], { cwd: repo, okCodes: [1, 128] })).code === 0);
  return { ref, tip, refs, leftovers, root, cache, cacheContinues };
}

export async function splitFleet(repo: string, targets: readonly SplitTarget[], options: SplitOptions): Promise<SplitRun> {
  const { ref, tip, refs, leftovers, root, cache, cacheContinues } = options.start ?? (await startSplit(repo, options.branch, options.tip));
  const before = new Map(targets.flatMap((t) => (refs.has(t.id) ? [[t.id, refs.get(t.id)!] as const] : [])));
  if (leftovers.length > 0) await git(["update-ref", "--stdin"], { cwd: repo, input: leftovers.map((r) => `delete ${r}\n`).join("") });
  const reasons = fromStartReasons(targets, before, cache, cacheContinues);
  const incremental = cache !== undefined && reasons.size === 0;
  try {
    if (incremental && cache.state.tip === tip) {
      const workers = targets.map((t) => cachedResult(cache, t.id));
      await updateRefs(repo, workers, before);
      return { workers, commitsRead: 0, incremental: true, treesHeld: 0 };
    }
    // A first pass reads the whole history: it runs in a thread whose memory is kept in bounds.
    const run = incremental ? await rewrite(repo, ref, tip, targets, cache, options) : await firstPass(repo, ref, tip, targets, options);
    const workers = run.results.map((r) => ({ ...r, ...(reasons.has(r.id) ? { fromStart: reasons.get(r.id)! } : {}) }));
    crashPoint("split:after-import");
    await updateRefs(repo, workers, before, run.wrote);
    crashPoint("split:after-refs");
    if (incremental) await cache.append(tip, run.newIds, run.deltas);
    else await SplitCache.writeFull(root, ref, tip, run.newIds, run.deltas);
    return { workers, commitsRead: run.newIds.length, incremental, treesHeld: run.treesHeld };
  } finally {
    cache?.close();
  }
}

function fromStartReasons(
  targets: readonly SplitTarget[],
  before: ReadonlyMap<string, string>,
  cache: SplitCache | undefined,
  cachedAncestor: boolean,
): Map<string, FromStartReason> {
  const reasons = new Map<string, FromStartReason>();
  for (const target of targets) {
    const entry = cache?.state.workers[target.id];
    if (!entry) reasons.set(target.id, before.has(target.id) ? "cache missing" : "first split");
    else if (entry.fingerprint !== filterFingerprint(target.filter)) reasons.set(target.id, "paths changed");
    else if (!cachedAncestor) reasons.set(target.id, "history rewritten");
  }
  // One pass for the fleet: if any worker starts over, all are read from the start with it.
  if (reasons.size > 0) for (const t of targets) if (!reasons.has(t.id)) reasons.set(t.id, "read with the fleet");
  return reasons;
}

function cachedResult(cache: SplitCache, id: string): WorkerSplit {
  const entry = cache.state.workers[id]!;
  return { id, ref: SPLIT_REF_PREFIX + id, commit: entry.tipImage < 0 ? null : cache.keptSha(id, entry.tipImage), commits: entry.kept };
}

/**
 * Current split refs of the targets (id → commit), to update them only if unchanged, and work
 * refs a killed run left behind.
 */
async function fleetRefs(repo: string, commonDir: string): Promise<{ refs: Map<string, string>; leftovers: string[] }> {
  const prefixes = [SPLIT_REF_PREFIX.slice(0, -1), WORK_REF];
  let found = refsFromFiles(commonDir, prefixes);
  if (!found) {
    const { stdout } = await git(["for-each-ref", "--format=%(refname) %(objectname)", ...prefixes], { cwd: repo });
    found = new Map(
      stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(" ") as [string, string]),
    );
  }
  const refs = new Map<string, string>();
  const leftovers: string[] = [];
  for (const [name, sha] of found) {
    if (name.startsWith(SPLIT_REF_PREFIX)) refs.set(name.slice(SPLIT_REF_PREFIX.length), sha);
    else leftovers.push(name);
  }
  return { refs, leftovers };
}

/** One atomic transaction: every split ref moves, or none does. */
async function updateRefs(repo: string, results: readonly WorkerSplit[], before: ReadonlyMap<string, string>, wrote: readonly string[] = []): Promise<void> {
  const zero = "0".repeat(40);
  const lines = ["start"];
  for (const r of results) {
    const old = before.get(r.id);
    if (r.commit && r.commit !== old) lines.push(`update ${r.ref} ${r.commit} ${old ?? zero}`);
    else if (!r.commit && old) lines.push(`delete ${r.ref} ${old}`);
  }
  for (const id of wrote) lines.push(`delete ${WORK_REF}/${id}`);
  lines.push("prepare", "commit", "");
  await git(["update-ref", "--stdin"], { cwd: repo, input: lines.join("\n") });
}
