// Each worker's own history, filtered out of the monorepo's branch in one pass.
import { requireFullHistory, sourceBranch } from "../git/branch.js";
import { branchCommit, gitDirs } from "../git/repository.js";
import { splitFleet, startSplit, type SplitTarget, type WorkerSplit } from "../history/split.js";
import type { SplitFilter } from "../history/path-filter.js";
import { splitFilters } from "../plan/split-filters.js";
import { openSession, whileLocked, workersOf, type FleetOptions, type Session } from "./session.js";

export interface SplitCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest). */
  workers?: string[];
  /** Monorepo commits read so far, as the pass goes. */
  onProgress?: (commitsRead: number) => void;
}

export interface SplitResult {
  /** The monorepo branch that was split. */
  branch: string;
  /** Whether only commits new since the last split were read. */
  incremental: boolean;
  commitsRead: number;
  engineMs: number;
  /** One entry per worker split: its ref `refs/fleet/split/<id>`, tip and commit count. */
  workers: WorkerSplit[];
  /** The filter each of those workers was split with. */
  filters: Record<string, SplitFilter>;
  /** Workers left out because they are external (they have no history in the monorepo). */
  external: string[];
}

/** Builds `refs/fleet/split/<worker>` for the workers: commit for commit what `git filter-repo` gives. */
export async function split(options: SplitCall = {}): Promise<SplitResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet split (library)", () => splitIn(session, options.workers, options.onProgress));
}

export async function splitIn(session: Session, named: string[] | undefined, onProgress?: (commitsRead: number) => void): Promise<SplitResult> {
  await requireFullHistory(session.cwd);
  const manifest = await session.manifest();
  const ids = workersOf(manifest, named);
  const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
  // sourceBranch made sure the branch has a commit
  const tip = (await branchCommit(session.cwd, (await gitDirs(session.cwd))!, branch))!;
  const filtersStarted = performance.now();
  let filtersMs = 0;
  // What the split starts from does not depend on the paths: both are read at the same time.
  const [{ filters, computed }, start] = await Promise.all([
    splitFilters(session.cwd, manifest, tip).finally(() => (filtersMs = performance.now() - filtersStarted)),
    startSplit(session.cwd, branch, tip),
  ]);
  session.log(`worker paths ${computed ? "computed from the branch's tree" : "remembered"}: ${filtersMs.toFixed(0)} ms`);
  const external = ids.filter((id) => manifest.workers[id]!.external);
  const wanted = new Set(ids.filter((id) => filters[id]));
  if (wanted.size === 0) {
    start.cache?.close();
    return { branch, incremental: true, commitsRead: 0, engineMs: 0, workers: [], filters: {}, external };
  }
  // The whole fleet is split even when some workers are named: one pass over the new commits costs
  // about the same for all as for one, and the split cache stays whole (split for a few, it would
  // forget the others, and the next split of the fleet would read the history from the start).
  const targets: SplitTarget[] = Object.keys(filters)
    .sort()
    .map((id) => ({ id, filter: filters[id]! }));
  const started = performance.now();
  const run = await splitFleet(session.cwd, targets, {
    branch,
    start,
    ...(onProgress ? { onProgress } : {}),
    onPhase: (name, ms) => session.log(`${name}: ${ms.toFixed(0)} ms`),
  });
  const engineMs = Math.round((performance.now() - started) * 10) / 10;
  const byId = new Map(run.workers.map((w) => [w.id, w]));
  const workers = ids.filter((id) => wanted.has(id)).map((id) => byId.get(id)!);
  const chosen = Object.fromEntries(workers.map((w) => [w.id, filters[w.id]!]));
  return { branch, incremental: run.incremental, commitsRead: run.commitsRead, engineMs, workers, filters: chosen, external };
}
