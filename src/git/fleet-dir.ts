// Where fleet keeps its own state in a monorepo: `fleet/` under git's common directory — the same
// folder for the main work tree and every linked `git worktree` of it (in a linked work tree
// `.git` is a file pointing at the work tree's private git dir, whose `commondir` names the
// shared one). The one place that knows this.
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { git } from "./git.js";

/** `<common git dir>/fleet`, asked of git; undefined outside a git repository. */
export async function fleetDir(cwd: string): Promise<string | undefined> {
  const r = await git(["rev-parse", "--git-common-dir"], { cwd, okCodes: [128] });
  return r.code === 0 ? join(resolve(cwd, r.stdout.trim()), "fleet") : undefined;
}

/**
 * The same for a work tree's root, read from `.git` without starting git (the manifest cache
 * runs before anything else, where a process costs more than the lookup it saves). Undefined
 * when the folder has no `.git`.
 */
export function fleetDirOfWorkTree(root: string): string | undefined {
  const dotGit = join(root, ".git");
  let isDir: boolean;
  try {
    isDir = statSync(dotGit).isDirectory();
  } catch {
    return undefined;
  }
  if (isDir) return join(dotGit, "fleet");
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
  if (!pointer) return undefined;
  const gitDir = resolve(root, pointer[1]!);
  try {
    return join(resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim()), "fleet");
  } catch {
    return join(gitDir, "fleet"); // a submodule's or separate git dir: its own
  }
}
