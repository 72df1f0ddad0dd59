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

/** Fetches the worker repository's main into refs/fleet/worker/<id> and reads where it stands. */
export async function readWorkerState(repo: string, url: string, id: string, env: Record<string, string> = {}): Promise<WorkerState> {
  const local = `refs/fleet/worker/${id}`;
  const { stdout } = await git(["ls-remote", "--", url, "refs/heads/main"], { cwd: repo, env });
  const tip = stdout.split("\t")[0]?.trim() || null;
  if (!tip) {
    await git(["update-ref", "-d", local], { cwd: repo });
    return { tip: null, lastSync: null };
  }
  await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", url, `+refs/heads/main:${local}`], { cwd: repo, env });
  const line = await gitText(
    ["log", "--first-parent", "-n1", `--grep=^${SPLIT_TRAILER}: `, `--format=%H %(trailers:key=${SPLIT_TRAILER},valueonly,separator=%x2C)`, tip],
    { cwd: repo },
  );
  const [commit, split] = line.trim().split(" ");
  return { tip, lastSync: commit && split ? { commit, split: split.split(",").pop()!.trim() } : null };
}
