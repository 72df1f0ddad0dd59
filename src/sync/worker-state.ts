// Where a worker repository stands, read from the repository alone: the newest sync merge on
// its first-parent line carries the trailers Fleet-Source and Fleet-Split.
import { git, gitText } from "../git/git.js";

export const SOURCE_TRAILER = "Fleet-Source";
export const SPLIT_TRAILER = "Fleet-Split";

export interface WorkerState {
  /** The repository's main, or null when it has no commits. */
  tip: string | null;
  /** The newest sync commit on the first-parent line, and the split commit it merged. */
  lastSync: { commit: string; split: string } | null;
}

/**
 * Fetches the worker repository's main into refs/fleet/worker/<id> and reads where it stands.
 * `main`, when the caller already read it from the forge, spares the `ls-remote`; a main this
 * repository already holds at refs/fleet/worker/<id> is not fetched again.
 */
export async function readWorkerState(repo: string, url: string, id: string, env: Record<string, string> = {}, main?: string | null): Promise<WorkerState> {
  const local = `refs/fleet/worker/${id}`;
  const tip = main !== undefined ? main : (await git(["ls-remote", "--", url, "refs/heads/main"], { cwd: repo, env })).stdout.split("\t")[0]?.trim() || null;
  if (!tip) {
    await git(["update-ref", "-d", local], { cwd: repo });
    return { tip: null, lastSync: null };
  }
  const held = (await git(["rev-parse", "-q", "--verify", local], { cwd: repo, okCodes: [1] })).stdout.trim();
  // no automatic gc: several of these fetches run at once in the same repository
  if (held !== tip)
    await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--", url, `+refs/heads/main:${local}`], { cwd: repo, env });
  const last = await lastSyncAt(repo, tip);
  return { tip, lastSync: last ? { commit: last.commit, split: last.split } : null };
}

/**
 * The newest sync merge on `tip`'s first-parent line and its trailers: the monorepo commit it
 * came from (Fleet-Source) and the split it merged (Fleet-Split). The one reader of the trailers.
 */
export async function lastSyncAt(
  cwd: string,
  tip: string,
  env: Record<string, string> = {},
): Promise<{ commit: string; source: string; split: string } | null> {
  const format = `--format=%H%x00%(trailers:key=${SOURCE_TRAILER},valueonly,separator=%x2C)%x00%(trailers:key=${SPLIT_TRAILER},valueonly,separator=%x2C)`;
  const line = await gitText(["log", "--first-parent", "-n1", `--grep=^${SPLIT_TRAILER}: `, format, tip], { cwd, env });
  const [commit, source, split] = line.trim().split("\0");
  const last = (value: string | undefined) => value?.split(",").pop()?.trim() ?? "";
  return commit && last(split) ? { commit, source: last(source), split: last(split) } : null;
}
