// The outside oracle for splits: git filter-repo on a fresh clone of the same history.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, gitText } from "../../src/git/git.js";
import { filterRepoArgs, type SplitFilter } from "../../src/history/path-filter.js";


/** The commit filter-repo makes of `branch` in `repo` under `filter`, or undefined if nothing is left. */
export async function filterRepoTip(repo: string, branch: string, filter: SplitFilter): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "fleet-oracle-"));
  try {
    await git(["clone", "-q", "--no-local", "--single-branch", "--no-tags", "--branch", branch, repo, dir], { cwd: tmpdir() });
    const args = filterRepoArgs(filter);
    await git(["filter-repo", "--force", "--quiet", ...args], { cwd: dir });
    const tip = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${branch}`], { cwd: dir, okCodes: [1] });
    return tip || undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
