// Lookups into an earlier split run for an incremental one: the cache answers what it stored,
// git answers ancestry and trees of older split commits (rarely needed: merges, old bases).
import { spawnSync } from "node:child_process";
import type { FileChange } from "./fast-export.js";
import type { DiffTree, PastSplit } from "./rewrite.js";
import type { SplitCache } from "./split-cache.js";
import { SplitTree } from "./split-tree.js";

function gitSync(repo: string, args: string[], okCodes: number[] = [0]) {
  const result = spawnSync("git", args, { cwd: repo, encoding: "buffer", maxBuffer: 1 << 30 });
  if (!okCodes.includes(result.status ?? -1)) throw new Error(`git ${args.join(" ")} failed: ${result.stderr.toString()}`);
  return result;
}

export function pastFromCache(repo: string, cache: SplitCache, id: string): PastSplit {
  const entry = cache.state.workers[id]!;
  const trees = new Map<number, SplitTree>([[entry.tipImage, SplitTree.of(entry.tree)]]);
  const isAncestor = (a: string, b: string) => gitSync(repo, ["merge-base", "--is-ancestor", a, b], [0, 1]).status === 0;
  return {
    firstIndex: cache.state.count,
    translate: (index) => cache.translate(id, index),
    tree: (kept) => {
      let tree = trees.get(kept);
      if (!tree) {
        tree = lsTree(repo, cache.keptSha(id, kept));
        trees.set(kept, tree);
      }
      return tree;
    },
    isRewrittenAncestor: (a, b) => isAncestor(cache.keptSha(id, a), cache.keptSha(id, b)),
    isOriginalAncestor: (a, b) => isAncestor(cache.idAt(a), cache.idAt(b)),
  };
}

function lsTree(repo: string, commit: string): SplitTree {
  const out = gitSync(repo, ["ls-tree", "-r", "-z", "--full-tree", commit]).stdout.toString("utf8");
  const entries: [string, string][] = [];
  for (const entry of out.split("\0")) {
    if (!entry) continue;
    const tab = entry.indexOf("\t");
    const [mode, , id] = entry.slice(0, tab).split(" ") as [string, string, string];
    entries.push([entry.slice(tab + 1), `${mode} ${id}`]);
  }
  return SplitTree.of(entries);
}

/** `git diff-tree -r` between two original commits, for the rare commit whose first parent changed. */
export function diffTreeIn(repo: string): DiffTree {
  return (from, to) => {
    const parts = gitSync(repo, ["diff-tree", "-r", "-z", "--no-renames", from, to]).stdout.toString("utf8").split("\0");
    const changes: FileChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const info = parts[i]!;
      if (!info.startsWith(":")) continue;
      const [, newMode, , newId, status] = info.slice(1).split(" ") as [string, string, string, string, string];
      const path = parts[i + 1]!; // -z: never quoted
      changes.push(status === "D" ? { type: "D", path } : { type: "M", mode: newMode, id: newId, path });
    }
    return changes;
  };
}
