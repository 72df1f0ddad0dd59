// The worker's own history as its CHANGELOG lists it: the commits of its split
// (refs/fleet/split/<id>), newest first, merges left out (the commits they bring are listed).
import { git, gitText } from "../git/git.js";
import { SPLIT_REF_PREFIX } from "../history/pass.js";

/** How many commits a CHANGELOG lists at most; older ones are counted, not listed. */
export const CHANGELOG_COMMITS = 300;

export interface HistoryCommit {
  hash: string;
  /** The author's date, YYYY-MM-DD. */
  date: string;
  subject: string;
  body: string;
}

export interface WorkerHistory {
  /** The split's tip: where the CHANGELOG's first release stands in the repository's history. */
  tip: string;
  /** The newest commits (at most `CHANGELOG_COMMITS`), newest first. */
  commits: HistoryCommit[];
  /** Commits of the history that are not listed (older than the last one listed). */
  omitted: number;
}

/** The worker's split history in the monorepo `repo`, or undefined when it has not been split. */
export async function workerHistory(repo: string, id: string, limit = CHANGELOG_COMMITS, splitTip?: string): Promise<WorkerHistory | undefined> {
  let tip = splitTip;
  if (!tip) {
    const found = await git(["rev-parse", "-q", "--verify", `${SPLIT_REF_PREFIX}${id}^{commit}`], { cwd: repo, okCodes: [1] });
    if (found.code !== 0) return undefined;
    tip = found.stdout.trim();
  }
  // one more than is listed tells whether any are left out; only then are they counted (one process for most workers)
  const listed = await gitText(["log", "--no-merges", `--max-count=${limit + 1}`, "--date=short", "--format=%H%x00%ad%x00%s%x00%b%x1e", tip], { cwd: repo });
  const all = listed
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter(Boolean)
    .map((record) => {
      const [hash, date, subject, body] = record.split("\0") as [string, string, string, string?];
      return { hash, date, subject, body: (body ?? "").trim() };
    });
  if (all.length <= limit) return { tip, commits: all, omitted: 0 };
  const count = Number(await gitText(["rev-list", "--no-merges", "--count", tip], { cwd: repo }));
  return { tip, commits: all.slice(0, limit), omitted: count - limit };
}
