// The tree of a rewritten commit, built the way git fast-import builds it: the first parent's
// tree plus the commit's changes. It is usually the filtered original tree, but not always
// (a pruned merge can map onto another parent), so it is tracked rather than derived.
import type { FileChange } from "./fast-export.js";

/** path → "mode id"; never mutated once stored. */
export type SplitTree = ReadonlyMap<string, string>;

export const EMPTY_TREE: SplitTree = new Map();

export function applyChanges(base: SplitTree, changes: readonly FileChange[]): SplitTree {
  const tree = new Map(base);
  for (const change of changes) {
    if (change.type === "deleteall") {
      tree.clear();
      continue;
    }
    const below = `${change.path}/`;
    for (const key of tree.keys()) if (key.startsWith(below)) tree.delete(key);
    if (change.type === "D") {
      tree.delete(change.path);
      continue;
    }
    // A file on the way to the new path becomes a directory.
    const parts = change.path.split("/");
    for (let i = 1; i < parts.length; i++) tree.delete(parts.slice(0, i).join("/"));
    tree.set(change.path, `${change.mode} ${change.id}`);
  }
  return tree;
}

/** A file or a folder at `path`. */
export function hasPath(tree: SplitTree, path: string): boolean {
  if (tree.has(path)) return true;
  const below = `${path}/`;
  for (const key of tree.keys()) if (key.startsWith(below)) return true;
  return false;
}
