// `fleet cutover --apply`: brings the cutover commit onto the monorepo's branch, fast-forward
// only. When that branch is checked out, git moves the work tree with it, so a work tree with
// uncommitted changes to tracked files is refused before anything is done.
import { UserError } from "../errors.js";
import { git, gitText } from "../git/git.js";

export async function checkedOut(repo: string, branch: string): Promise<boolean> {
  const head = await git(["symbolic-ref", "-q", "HEAD"], { cwd: repo, okCodes: [1] });
  return head.stdout.trim() === `refs/heads/${branch}`;
}

/** Refuses (exit 2, nothing changed) when applying would have to touch uncommitted work. */
export async function requireCleanWorkTree(repo: string, branch: string): Promise<void> {
  if (!(await checkedOut(repo, branch))) return;
  const status = (await git(["status", "--porcelain", "--untracked-files=no"], { cwd: repo })).stdout;
  const files = status.split("\n").filter((l) => l.trim()).map((l) => l.slice(3));
  if (files.length) {
    throw new UserError(`the work tree has uncommitted changes, so --apply will not move ${branch}`, {
      problems: files.slice(0, 10),
      hint: "commit or stash them, then run the cutover with --apply again (without --apply the cutover stays on its own branch)",
    });
  }
}

/** Fast-forwards `branch` to `commit`; returns false when it already contains it. */
export async function fastForward(repo: string, branch: string, commit: string): Promise<boolean> {
  const tip = await gitText(["rev-parse", `refs/heads/${branch}`], { cwd: repo });
  if ((await git(["merge-base", "--is-ancestor", commit, tip], { cwd: repo, okCodes: [1] })).code === 0) return false;
  if ((await git(["merge-base", "--is-ancestor", tip, commit], { cwd: repo, okCodes: [1] })).code !== 0) {
    throw new UserError(`${branch} moved since the cutover commit was made; run the cutover again to make it on the new tip`);
  }
  if (await checkedOut(repo, branch)) await git(["merge", "--ff-only", "--quiet", commit], { cwd: repo });
  else await git(["update-ref", `refs/heads/${branch}`, commit, tip], { cwd: repo });
  return true;
}
