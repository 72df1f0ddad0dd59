// A worker repository as the probes read it: main's tip, its files, a file's text, and the last
// sync's trailers. A repository on the local forge is read in place; one behind a URL is fetched
// first into the monorepo's refs/fleet/worker/<id> (fleet's own ref, which sync uses too).
import { isAbsolute } from "node:path";
import { CatFile } from "../git/cat-file.js";
import { git } from "../git/git.js";
import { branchFromFiles } from "../git/ref-files.js";
import type { SharedObjectReader } from "../git/shared-object-reader.js";
import { lastSyncAt } from "../sync/worker-state.js";

export interface RepoSnapshot {
  tip: string | null;
  /** The git directory `tip` is read in (the local forge's bare repository, or the monorepo), and git's environment for it. */
  git: { cwd: string; env: Record<string, string> } | null;
  files: Set<string>;
  lastSync: { commit: string; source: string; split: string } | null;
  /** A file's text at the tip (read through one `cat-file --batch` per repository, started on first use). */
  text(path: string): Promise<string | undefined>;
  /** Ends the repository's reader, if one was started. */
  close(): void;
}

/**
 * `shared`: a reader of many local repositories' files (fleet status reads two files of each);
 * without it, the repository gets a `cat-file` of its own when a file is first read.
 */
export async function snapshot(url: string, env: Record<string, string>, monorepo: string, id: string, shared?: SharedObjectReader): Promise<RepoSnapshot> {
  let cwd = url;
  let ref = "refs/heads/main";
  if (isAbsolute(url)) {
    // a bare repository of the local forge: main read from its files, its files read through the shared reader
    const main = await branchFromFiles(url, "main");
    if (main !== undefined) return main === null ? noCommits() : await snapshotAt(url, main, env, shared?.add(url));
  } else {
    cwd = monorepo;
    ref = `refs/fleet/worker/${id}`;
    const fetched = await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", url, `+refs/heads/main:${ref}`], { cwd, env, okCodes: [128] });
    if (fetched.code !== 0) await git(["update-ref", "-d", ref], { cwd });
  }
  const tip = (await git(["rev-parse", "-q", "--verify", `${ref}^{commit}`], { cwd, env, okCodes: [1] })).stdout.trim() || null;
  return tip ? snapshotAt(cwd, tip, env) : noCommits();
}

function noCommits(): RepoSnapshot {
  return { tip: null, git: null, files: new Set(), lastSync: null, text: async () => undefined, close: () => {} };
}

async function snapshotAt(
  cwd: string,
  tip: string,
  env: Record<string, string>,
  read?: (object: string) => Promise<string | undefined>,
): Promise<RepoSnapshot> {
  const [tree, lastSync] = await Promise.all([git(["ls-tree", "-r", "-z", "--name-only", tip], { cwd, env }), lastSyncAt(cwd, tip, env)]);
  let reader: CatFile | undefined;
  return {
    tip,
    git: { cwd, env },
    files: new Set(tree.stdout.split("\0").filter(Boolean)),
    lastSync: lastSync && lastSync.source ? lastSync : null,
    async text(path) {
      if (read) return read(`${tip}:${path}`);
      reader ??= new CatFile(cwd);
      return reader.text(`${tip}:${path}`);
    },
    close: () => reader?.close(),
  };
}
