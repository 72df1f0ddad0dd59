// `fleet cutover --apply`: brings the cutover commit onto the monorepo's branch, fast-forward
// only. When that branch is checked out, git moves the work tree with it, so a work tree with
// uncommitted changes to tracked files is refused before anything is done.
import { UserError } from "../errors.js";
import { git, gitText } from "../git/git.js";

export async function checkedOut(repo: string, branch: string): Promise<boolean> {
  const head = await git(["symbolic-ref", "-q", "HEAD"], { cwd: repo, okCodes: [1] });
  return head.stdout.trim() === `refs/heads/${branch}`;
}

/** Another linked work tree that has `branch` checked out (moving the ref would leave it behind). */
async function checkedOutElsewhere(repo: string, branch: string): Promise<string | undefined> {
  if (await checkedOut(repo, branch)) return undefined;
  const { stdout } = await git(["worktree", "list", "--porcelain"], { cwd: repo });
  for (const block of stdout.split("\n\n")) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (path && block.includes(`\nbranch refs/heads/${branch}`)) return path;
  }
  return undefined;
}

/** Refuses (exit 2, nothing changed) when applying would have to touch uncommitted work. */
export async function requireCleanWorkTree(repo: string, branch: string): Promise<void> {
  const elsewhere = await checkedOutElsewhere(repo, branch);
  if (elsewhere) {
    throw new UserError(`${branch} is checked out in another work tree (${elsewhere}), so --apply will not move it from here`, {
      hint: `run the cutover with --apply there, or merge fleet/cutover/<worker> in that work tree`,
    });
  }
  if (!(await checkedOut(repo, branch))) return;
  const status = (await git(["status", "--porcelain", "--untracked-files=no"], { cwd: repo })).stdout;
  const files = status
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.slice(3));
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
