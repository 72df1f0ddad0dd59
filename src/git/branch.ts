// The checks before fleet reads a monorepo's history, and the branch it reads: from the git
// directories (asked of git once) and their files, so that they cost next to nothing.
import { UserError } from "../errors.js";
import { git } from "./git.js";
import { branchCommit, gitDirs, isShallow, readHead, type GitDirs } from "./repository.js";

/** Fails clearly when `dir` is not inside a git work tree (or git is missing). */
export async function requireGitRepo(dir: string): Promise<GitDirs> {
  const dirs = await gitDirs(dir);
  if (!dirs) throw new UserError(`${dir} is not a git repository`, { hint: "run fleet in the monorepo's work tree (its history is what gets split)" });
  return dirs;
}

/** The branch to read: the one configured, or the one checked out. */
export async function sourceBranch(repo: string, configured: string | undefined): Promise<string> {
  const dirs = await requireGitRepo(repo);
  if (configured) {
    if ((await branchCommit(repo, dirs, configured)) === null) throw new UserError(`branch ${configured} (monorepo.branch in fleet.jsonc) does not exist`);
    return configured;
  }
  const head = await readHead(repo, dirs);
  if ("detached" in head) {
    throw new UserError("HEAD is detached, so there is no branch to read the history of", {
      hint: 'check out the monorepo\'s main branch, or set "monorepo": { "branch": "main" } in fleet.jsonc',
    });
  }
  if (head.commit === null) throw new UserError(`branch ${head.branch} has no commits yet`);
  return head.branch;
}

/**
 * Refuses what cannot be split, before anything else is read: not a repository, no commits, or a
 * shallow clone (its history is cut off, and a split of it would be silently short).
 */
export async function requireFullHistory(repo: string): Promise<void> {
  const dirs = await requireGitRepo(repo);
  const head = await readHead(repo, dirs);
  // HEAD's branch has commits, or else any ref does (one process, only then)
  const hasCommits = ("commit" in head && head.commit !== null) || Boolean((await git(["rev-list", "-n1", "--all"], { cwd: repo })).stdout.trim());
  if (!hasCommits) throw new UserError(`${repo} has no commits yet`, { hint: "commit the monorepo's code first; fleet splits its history" });
  if (isShallow(dirs)) {
    throw new UserError("the monorepo is a shallow clone, so its history is incomplete and the workers' histories would be cut short", {
      hint: "fetch the whole history first: git fetch --unshallow (in CI: actions/checkout with fetch-depth: 0)",
    });
  }
}
