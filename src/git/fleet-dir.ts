// Where fleet keeps its own state in a monorepo: `fleet/` under git's common directory — the same
// folder for the main work tree and every linked `git worktree` of it (in a linked work tree
// `.git` is a file pointing at the work tree's private git dir, whose `commondir` names the
// shared one). The one place that knows this.
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gitDirs } from "./repository.js";

/** `<common git dir>/fleet`, asked of git (once per folder); undefined outside a git work tree. */
export async function fleetDir(cwd: string): Promise<string | undefined> {
  const dirs = await gitDirs(cwd);
  return dirs ? join(dirs.commonDir, "fleet") : undefined;
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
