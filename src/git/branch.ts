import { UserError } from "../errors.js";
import { git } from "./git.js";

/** Fails clearly when `dir` is not inside a git work tree (or git is missing). */
export async function requireGitRepo(dir: string): Promise<void> {
  const inside = await git(["rev-parse", "--is-inside-work-tree"], { cwd: dir, okCodes: [128] });
  if (inside.code !== 0 || inside.stdout.trim() !== "true") {
    throw new UserError(`${dir} is not a git repository`, { hint: "run fleet in the monorepo's work tree (its history is what gets split)" });
  }
}

/** The branch to read: the one configured, or the one checked out. */
export async function sourceBranch(repo: string, configured: string | undefined): Promise<string> {
  await requireGitRepo(repo);
  if (configured) {
    const found = await git(["rev-parse", "--verify", "-q", `refs/heads/${configured}^{commit}`], { cwd: repo, okCodes: [1] });
    if (found.code !== 0) throw new UserError(`branch ${configured} (monorepo.branch in fleet.jsonc) does not exist`);
    return configured;
  }
  const head = await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: repo, okCodes: [1] });
  if (head.code !== 0) {
    throw new UserError("HEAD is detached, so there is no branch to read the history of", {
      hint: 'check out the monorepo\'s main branch, or set "monorepo": { "branch": "main" } in fleet.jsonc',
    });
  }
  const branch = head.stdout.trim();
  const exists = await git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], { cwd: repo, okCodes: [1] });
  if (exists.code !== 0) throw new UserError(`branch ${branch} has no commits yet`);
  return branch;
}

/**
 * Refuses what cannot be split, before anything else is read: not a repository, no commits, or a
 * shallow clone (its history is cut off, and a split of it would be silently short).
 */
export async function requireFullHistory(repo: string): Promise<void> {
  await requireGitRepo(repo);
  const any = await git(["rev-list", "-n1", "--all"], { cwd: repo });
  if (!any.stdout.trim()) throw new UserError(`${repo} has no commits yet`, { hint: "commit the monorepo's code first; fleet splits its history" });
  const shallow = await git(["rev-parse", "--is-shallow-repository"], { cwd: repo });
  if (shallow.stdout.trim() === "true") {
    throw new UserError("the monorepo is a shallow clone, so its history is incomplete and the workers' histories would be cut short", {
      hint: "fetch the whole history first: git fetch --unshallow (in CI: actions/checkout with fetch-depth: 0)",
    });
  }
}
