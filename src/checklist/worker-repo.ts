// A worker repository as the probes read it: main's tip, its files, a file's text, and the last
// sync's trailers. Read in place (the local forge's bare repository), so probing changes nothing.
import { git } from "../git/git.js";
import { SOURCE_TRAILER, SPLIT_TRAILER } from "../sync/worker-state.js";

export interface RepoSnapshot {
  tip: string | null;
  files: Set<string>;
  lastSync: { commit: string; source: string; split: string } | null;
  text(path: string): Promise<string | undefined>;
}

export async function snapshot(gitDir: string, env: Record<string, string> = {}): Promise<RepoSnapshot> {
  const run = (args: string[], okCodes: number[] = []) => git(args, { cwd: gitDir, env, okCodes });
  const tip = (await run(["rev-parse", "-q", "--verify", "refs/heads/main^{commit}"], [1])).stdout.trim() || null;
  if (!tip) return { tip: null, files: new Set(), lastSync: null, text: async () => undefined };
  const [tree, log] = await Promise.all([
    run(["ls-tree", "-r", "-z", "--name-only", tip]),
    run(["log", "--first-parent", "-n1", `--grep=^${SPLIT_TRAILER}: `, `--format=%H%x00%(trailers:key=${SOURCE_TRAILER},valueonly,separator=%x2C)%x00%(trailers:key=${SPLIT_TRAILER},valueonly,separator=%x2C)`, tip]),
  ]);
  const [commit, source, split] = log.stdout.trim().split("\0");
  return {
    tip,
    files: new Set(tree.stdout.split("\0").filter(Boolean)),
    lastSync: commit && source && split ? { commit, source: source.split(",").pop()!.trim(), split: split.split(",").pop()!.trim() } : null,
    async text(path) {
      const r = await run(["cat-file", "blob", `${tip}:${path}`], [128]);
      return r.code === 0 ? r.stdout : undefined;
    },
  };
}
