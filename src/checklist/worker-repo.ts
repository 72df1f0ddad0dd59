// A worker repository as the probes read it: main's tip, its files, a file's text, and the last
// sync's trailers. A repository on the local forge is read in place; one behind a URL is fetched
// first into the monorepo's refs/fleet/worker/<id> (fleet's own ref, which sync uses too).
import { isAbsolute } from "node:path";
import { CatFile } from "../git/cat-file.js";
import { git } from "../git/git.js";
import { lastSyncAt } from "../sync/worker-state.js";

export interface RepoSnapshot {
  tip: string | null;
  files: Set<string>;
  lastSync: { commit: string; source: string; split: string } | null;
  /** A file's text at the tip (read through one `cat-file --batch` per repository, started on first use). */
  text(path: string): Promise<string | undefined>;
  /** Ends the repository's reader, if one was started. */
  close(): void;
}

export async function snapshot(url: string, env: Record<string, string>, monorepo: string, id: string): Promise<RepoSnapshot> {
  let cwd = url;
  let ref = "refs/heads/main";
  if (!isAbsolute(url)) {
    cwd = monorepo;
    ref = `refs/fleet/worker/${id}`;
    const fetched = await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", url, `+refs/heads/main:${ref}`], { cwd, env, okCodes: [128] });
    if (fetched.code !== 0) await git(["update-ref", "-d", ref], { cwd });
  }
  const run = (args: string[], okCodes: number[] = []) => git(args, { cwd, env, okCodes });
  const tip = (await run(["rev-parse", "-q", "--verify", `${ref}^{commit}`], [1])).stdout.trim() || null;
  if (!tip) return { tip: null, files: new Set(), lastSync: null, text: async () => undefined, close: () => {} };
  const [tree, lastSync] = await Promise.all([run(["ls-tree", "-r", "-z", "--name-only", tip]), lastSyncAt(cwd, tip, env)]);
  let reader: CatFile | undefined;
  return {
    tip,
    files: new Set(tree.stdout.split("\0").filter(Boolean)),
    lastSync: lastSync && lastSync.source ? lastSync : null,
    async text(path) {
      reader ??= new CatFile(cwd);
      return reader.text(`${tip}:${path}`);
    },
    close: () => reader?.close(),
  };
}
