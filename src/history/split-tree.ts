// The tree of a rewritten commit, built the way git fast-import builds it: the first parent's
// tree plus the commit's changes. It is usually the filtered original tree, but not always
// (a pruned merge can map onto another parent), so it is tracked rather than derived.
//
// Memory matters at 100k commits times dozens of workers: a tree is its parent plus its
// changes (a few bytes), with a full snapshot every SNAPSHOT_EVERY generations so a lookup walks
// at most that far.
import type { FileChange } from "./fast-export.js";

const SNAPSHOT_EVERY = 32;

export class SplitTree {
  private constructor(
    private readonly base: SplitTree | undefined,
    private readonly changes: readonly FileChange[],
    private readonly snapshot: ReadonlyMap<string, string> | undefined,
    private readonly depth: number,
  ) {}

  static readonly EMPTY = new SplitTree(undefined, [], new Map(), 0);

  static of(entries: Iterable<[string, string]>): SplitTree {
    return new SplitTree(undefined, [], new Map(entries), 0);
  }

  /** This tree with `changes` applied, as fast-import applies them. */
  apply(changes: readonly FileChange[]): SplitTree {
    if (this.depth + 1 >= SNAPSHOT_EVERY) return new SplitTree(undefined, [], applyTo(new Map(this.entries()), changes), 0);
    return new SplitTree(this, changes, undefined, this.depth + 1);
  }

  /** "mode id" of the file at `path`, or undefined. */
  get(path: string): string | undefined {
    for (let tree: SplitTree | undefined = this; tree; tree = tree.base) {
      if (tree.snapshot) return tree.snapshot.get(path);
      for (let i = tree.changes.length - 1; i >= 0; i--) {
        const change = tree.changes[i]!;
        if (change.type === "deleteall") return undefined;
        if (change.path === path) return change.type === "M" ? `${change.mode} ${change.id}` : undefined;
        // a folder above it was replaced or deleted, or it was replaced by a folder
        if (path.startsWith(`${change.path}/`) || (change.type === "M" && change.path.startsWith(`${path}/`))) return undefined;
      }
    }
    return undefined;
  }

  /** A file or a folder at `path`. */
  has(path: string): boolean {
    const below = `${path}/`;
    for (const [key] of this.entries()) if (key === path || key.startsWith(below)) return true;
    return false;
  }

  entries(): Map<string, string> {
    if (this.snapshot) return new Map(this.snapshot);
    return applyTo(this.base!.entries(), this.changes);
  }
}

function applyTo(tree: Map<string, string>, changes: readonly FileChange[]): Map<string, string> {
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
    // A file on the way to the new path becomes a folder.
    const parts = change.path.split("/");
    for (let i = 1; i < parts.length; i++) tree.delete(parts.slice(0, i).join("/"));
    tree.set(change.path, `${change.mode} ${change.id}`);
  }
  return tree;
}
