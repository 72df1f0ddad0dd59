// Where a work tree's git directories are, asked of git once per folder and process (they do not
// move while fleet runs), and what can be read from their files without another process: whether
// the clone is shallow (git's own marker, `<common dir>/shallow`) and what HEAD is. The checks
// every writing command makes before it starts cost one git process, not eight.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { branchFromFiles } from "./ref-files.js";
import { git } from "./git.js";

export interface GitDirs {
  /** The work tree's own git directory (a linked work tree's private one). */
  gitDir: string;
  /** The directory shared by every work tree of the repository (refs, objects, fleet's state). */
  commonDir: string;
  /** The top of the work tree. */
  topLevel: string;
}

const known = new Map<string, GitDirs>();

/** The git directories of the work tree `cwd` is in; undefined outside a work tree (a bare repository, no repository). */
export async function gitDirs(cwd: string): Promise<GitDirs | undefined> {
  const key = resolve(cwd);
  const hit = known.get(key);
  if (hit) return hit;
  const fromFiles = await dirsFromFiles(key);
  if (fromFiles) {
    known.set(key, fromFiles);
    return fromFiles;
  }
  const r = await git(["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--show-toplevel"], { cwd: key, okCodes: [128] });
  const [gitDir, commonDir, topLevel] = r.stdout.trim().split("\n");
  if (r.code !== 0 || !gitDir || !commonDir || !topLevel) return undefined; // not remembered: it may become one
  const dirs = { gitDir, commonDir, topLevel };
  known.set(key, dirs);
  return dirs;
}

/**
 * The common case read from the files, with no process: `cwd` is the top of a work tree, its
 * `.git` a folder (or, in a linked work tree, a file naming its git directory, whose `commondir`
 * names the shared one), and nothing in the environment points git elsewhere. Anything else is
 * asked of git (undefined here).
 */
async function dirsFromFiles(top: string): Promise<GitDirs | undefined> {
  if (GIT_LOCATION_ENV.some((name) => process.env[name])) return undefined;
  const dotGit = resolve(top, ".git");
  if (existsSync(resolve(dotGit, "HEAD")) && existsSync(resolve(dotGit, "objects"))) return { gitDir: dotGit, commonDir: dotGit, topLevel: top };
  const link = /^gitdir: (.+)$/m.exec(await readFile(dotGit, "utf8").catch(() => ""));
  if (!link) return undefined;
  const gitDir = resolve(top, link[1]!.trim());
  const common = (await readFile(resolve(gitDir, "commondir"), "utf8").catch(() => "")).trim();
  if (!common || !existsSync(resolve(gitDir, "HEAD"))) return undefined;
  const commonDir = resolve(gitDir, common);
  return existsSync(resolve(commonDir, "objects")) ? { gitDir, commonDir, topLevel: top } : undefined;
}

/** Variables with which git finds its repository somewhere other than the work tree's `.git`. */
const GIT_LOCATION_ENV = ["GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_INDEX_FILE", "GIT_CEILING_DIRECTORIES"];

/** Whether the clone's history is cut off (`git clone --depth`): git marks it with a `shallow` file. */
export function isShallow(dirs: GitDirs): boolean {
  return existsSync(resolve(dirs.commonDir, "shallow"));
}

export type Head = { branch: string; commit: string | null } | { detached: true };

/** What HEAD is: a branch (with its commit, null before the first), or detached. */
export async function readHead(cwd: string, dirs: GitDirs): Promise<Head> {
  const text = (await readFile(resolve(dirs.gitDir, "HEAD"), "utf8").catch(() => "")).trim();
  const symbolic = /^ref: refs\/heads\/(.+)$/.exec(text);
  if (!symbolic) {
    if (/^[0-9a-f]{40,64}$/.test(text)) return { detached: true };
    // something this reader does not know: ask git
    const head = await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd, okCodes: [1] });
    if (head.code !== 0) return { detached: true };
    return { branch: head.stdout.trim(), commit: await branchCommit(cwd, dirs, head.stdout.trim()) };
  }
  return { branch: symbolic[1]!, commit: await branchCommit(cwd, dirs, symbolic[1]!) };
}

/** A branch's commit, from the ref files when they say, else from git; null when it does not exist. */
export async function branchCommit(cwd: string, dirs: GitDirs, branch: string): Promise<string | null> {
  const fromFiles = await branchFromFiles(dirs.commonDir, branch);
  if (fromFiles !== undefined) return fromFiles;
  const r = await git(["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`], { cwd, okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : null;
}
