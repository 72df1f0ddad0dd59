// One worker's view of the history, rewritten commit by commit exactly as git filter-repo 2.38
// rewrites it for `--path`/`--subdirectory-filter` (so the commit IDs are the same):
// changes are filtered, parents translated through pruned commits, redundant parents trimmed,
// commits that became empty and merges that became degenerate pruned.
// docs/HISTORY.md states the rules with their sources; tests compare with filter-repo itself.
import type { FileChange } from "./fast-export.js";
import { SplitTree } from "./split-tree.js";

/** A commit of the monorepo, numbered in stream order (parents always have smaller numbers). */
export interface SourceCommit {
  index: number;
  id: string;
  parents: number[];
  changes: FileChange[];
}

/** A commit the split keeps: its parents are indexes of kept commits of the same worker. */
export interface KeptCommit {
  index: number;
  parents: number[];
  changes: FileChange[];
}

/** Shared by every worker: the original graph and ids. */
export class SourceGraph {
  readonly parents: number[][] = [];
  private readonly ids: string[] = [];
  /** `pastId` answers for commits of an earlier run. */
  constructor(
    private readonly pastId: (index: number) => string = () => {
      throw new Error("no earlier run");
    },
  ) {}
  add(commit: SourceCommit): void {
    this.parents[commit.index] = commit.parents;
    this.ids[commit.index] = commit.id;
  }
  idOf(index: number): string {
    return this.ids[index] ?? this.pastId(index);
  }
}

/** Recomputes a commit's changes against another commit (`git diff-tree -r FROM TO`). */
export type DiffTree = (from: string, to: string) => FileChange[];

/**
 * What an earlier run left of this worker, for an incremental split: commits with an index
 * below `firstIndex` were processed then. Each lookup is lazy; most runs need one or two.
 */
export interface PastSplit {
  firstIndex: number;
  /** Kept index an earlier commit maps to, or -1 when nothing is left of it. */
  translate(index: number): number;
  /** Tree of an earlier kept commit. */
  tree(keptIndex: number): SplitTree;
  /** Ancestry among earlier commits: in the rewritten history, and in the original one. */
  isRewrittenAncestor(a: number, b: number): boolean;
  isOriginalAncestor(a: number, b: number): boolean;
}

const NONE = -1;
const UNSET = -2;

export class WorkerRewriter {
  /** original index → kept index it maps to, or NONE; UNSET before it is processed. */
  private translate = new Int32Array(1024).fill(UNSET);
  private skipped = new Uint8Array(1024);
  /** First index processed in this run; every later commit is processed, in order. */
  private readonly firstIndex: number;
  private next: number;
  /** Trees of kept commits a later commit may still build on (see keepTreesOf). */
  private readonly trees = new Map<number, SplitTree>();
  /**
   * The rewritten graph, for ancestry: kept index → translated (untrimmed) parents. Most commits
   * have one, kept in a typed array; merges keep the rest in a map.
   */
  private graphFirst = new Int32Array(1024).fill(NONE);
  private readonly graphMore = new Map<number, number[]>();
  kept = 0;

  constructor(
    private readonly source: SourceGraph,
    private readonly mapPath: (path: string) => string | undefined,
    private readonly diffTree: DiffTree,
    private readonly past?: PastSplit,
  ) {
    this.firstIndex = past?.firstIndex ?? 0;
    this.next = this.firstIndex;
  }

  /** Where `index` lands in the split: a kept index, or undefined when nothing is left. */
  imageOf(index: number): number | undefined {
    const t = this.translateOf(index);
    return t === NONE ? undefined : t;
  }

  /** Where every commit processed in this run landed (kept index or -1), from firstIndex on. */
  translations(): Int32Array {
    return this.translate.slice(this.firstIndex, this.next);
  }

  /** Makes room for `size` commits at once (the pass knows how many it reads): no doubling's slack. */
  reserve(size: number): void {
    if (size > this.translate.length) this.resize(size);
  }

  private resize(size: number): void {
    this.translate = grow(this.translate, size, UNSET);
    this.skipped = growBytes(this.skipped, size);
    this.graphFirst = grow(this.graphFirst, size, NONE);
  }

  /**
   * Lets go of every kept tree no open commit maps onto: `open` are the commits of this pass a
   * later commit may still name as a parent, and a commit's tree is only ever asked for through
   * the image of a parent. (A tree a later tree builds on stays reachable from it.)
   */
  keepTreesOf(open: ReadonlySet<number>): void {
    const wanted = new Set<number>();
    for (const index of open) {
      const image = this.translateOf(index);
      if (image !== NONE) wanted.add(image);
    }
    for (const kept of this.trees.keys()) if (!wanted.has(kept)) this.trees.delete(kept);
  }

  /** Trees held now (for tests of the memory bound). */
  get treesHeld(): number {
    return this.trees.size;
  }

  private record(index: number, image: number, skipped: boolean): void {
    if (index !== this.next) throw new Error(`commits must be processed in order: got ${index}, expected ${this.next}`);
    if (index >= this.translate.length) this.resize(Math.max(index + 1, this.translate.length * 2));
    this.translate[index] = image;
    this.skipped[index] = skipped ? 1 : 0;
    this.next++;
  }

  /** The tree of a kept commit (of this run or an earlier one). */
  treeAt(keptIndex: number): SplitTree {
    return this.treeOf(keptIndex);
  }

  private isPast(index: number): boolean {
    return this.past !== undefined && index < this.past.firstIndex;
  }

  private translateOf(index: number): number {
    if (this.isPast(index)) return this.past!.translate(index);
    const t = index < this.translate.length ? this.translate[index]! : UNSET;
    return t === UNSET ? NONE : t;
  }

  private wasSkipped(index: number): boolean {
    return this.isPast(index) ? this.past!.translate(index) !== index : this.skipped[index] === 1;
  }

  private treeOf(keptIndex: number): SplitTree {
    if (this.isPast(keptIndex)) return this.past!.tree(keptIndex);
    const tree = this.trees.get(keptIndex);
    if (!tree) throw new Error(`the split let go of the tree of commit ${keptIndex}, which a later commit builds on`);
    return tree;
  }

  /**
   * Processes the next commit; returns it when kept, undefined when pruned. `routed` is the
   * commit's changes already filtered for this worker (the splitter routes each change once).
   */
  process(commit: SourceCommit, routed?: FileChange[]): KeptCommit | undefined {
    const originalParents = commit.parents;
    const hadChanges = commit.changes.length > 0;
    let changes = routed ?? this.filter(commit.changes);
    if (changes.length === 0 && hadChanges && originalParents.length === 1) {
      // The common case by far: a commit elsewhere in the monorepo. It became empty.
      this.record(commit.index, this.translateOf(originalParents[0]!), true);
      return undefined;
    }
    const translated = originalParents.map((p) => this.translateOf(p));

    const first = translated[0] ?? NONE;
    const { parents, degenerateTo } = this.trimParents(originalParents, translated);
    if (parents.length > 0 && first !== parents[0]) {
      // The first parent changed, so the changes must be taken against the new one.
      changes = this.filter(this.diffTree(this.source.idOf(parents[0]!), commit.id));
    }

    if (this.prunable(parents, degenerateTo, hadChanges, originalParents, changes)) {
      this.record(commit.index, degenerateTo ?? parents[0] ?? NONE, true);
      return undefined;
    }
    this.record(commit.index, commit.index, false);
    const graphParents = translated.filter((p) => p !== NONE);
    if (graphParents.length > 0) this.graphFirst[commit.index] = graphParents[0]!;
    if (graphParents.length > 1) this.graphMore.set(commit.index, graphParents.slice(1));
    this.trees.set(commit.index, (parents.length ? this.treeOf(parents[0]!) : SplitTree.EMPTY).apply(changes));
    this.kept++;
    return { index: commit.index, parents, changes };
  }

  private filter(changes: readonly FileChange[]): FileChange[] {
    return filterChanges(changes, this.mapPath);
  }

  /** filter-repo's _trim_extra_parents with --prune-degenerate auto. */
  private trimParents(originalParents: number[], translated: number[]): { parents: number[]; degenerateTo?: number } {
    const rows = translated.map((p, i) => ({ p, op: originalParents[i]!, rewritten: this.wasSkipped(originalParents[i]!) })).filter((r) => r.p !== NONE);
    if (rows.length === 0) return { parents: [] };
    if (rows.length === 1) return { parents: [rows[0]!.p] };
    const all = rows.map((r) => r.p);
    const seen = new Set<number>();
    const unique = rows.filter((r) => {
      const keep = !seen.has(r.p) || !r.rewritten;
      seen.add(r.p);
      return keep;
    });
    if (unique.length < 2) return { parents: all, degenerateTo: unique[0]!.p };
    const removed = new Set<number>();
    unique.forEach((cur, i) => {
      if (!cur.rewritten) return;
      for (let j = 0; j < unique.length; j++) {
        if (i === j) continue;
        const other = unique[j]!;
        if (this.isAncestor("rewritten", cur.p, other.p) && !this.isAncestor("original", cur.op, other.op)) {
          removed.add(i);
          break;
        }
      }
    });
    const remaining = unique.filter((_, i) => !removed.has(i));
    if (remaining.length < 2) return { parents: all, degenerateTo: remaining[0]!.p };
    return { parents: remaining.map((r) => r.p) };
  }

  /** filter-repo's _prunable with --prune-empty auto. */
  private prunable(parents: number[], degenerateTo: number | undefined, hadChanges: boolean, originalParents: number[], changes: FileChange[]): boolean {
    if (parents.length >= 2 && degenerateTo === undefined) return false;
    if (parents.length < 2) {
      if (!hadChanges) {
        const lostParents = parents.length < originalParents.length || (originalParents.length === 1 && this.wasSkipped(originalParents[0]!));
        return changes.length === 0 && lostParents;
      }
      if (changes.length === 0) return true;
    }
    if (parents.length === 0) return false;
    const base = this.treeOf(degenerateTo ?? parents[0]!);
    for (const change of changes) {
      if (change.type === "deleteall") return false;
      if (!lsComparable(change.path)) return false;
      if (change.type === "D") {
        if (base.has(change.path)) return false;
      } else if (base.get(change.path) !== `${change.mode} ${change.id}` || change.mode === "160000") return false;
    }
    return true;
  }

  /**
   * Reflexive reachability; parents have smaller indexes, so the walk stops below `a`. Commits
   * of an earlier run are asked of the past (git itself answers there).
   */
  private isAncestor(which: "rewritten" | "original", a: number, b: number): boolean {
    const parentsOf = (n: number): readonly number[] => {
      if (which === "original") return this.source.parents[n] ?? [];
      const first = this.graphFirst[n] ?? NONE;
      return first === NONE ? [] : [first, ...(this.graphMore.get(n) ?? [])];
    };
    const seen = new Set<number>();
    const stack = [b];
    while (stack.length) {
      const n = stack.pop()!;
      if (n === a) return true;
      if (n < a || seen.has(n)) continue;
      seen.add(n);
      if (this.isPast(n)) {
        if (this.isPast(a) && (which === "rewritten" ? this.past!.isRewrittenAncestor(a, n) : this.past!.isOriginalAncestor(a, n))) return true;
        continue;
      }
      stack.push(...parentsOf(n));
    }
    return false;
  }
}

/**
 * filter-repo asks fast-import `ls` for each path and compares the whitespace-split reply, which
 * fast-import C-quotes; for paths that need quoting the comparison never matches, so such a
 * commit is never pruned by that check. Reproduced for identical results.
 */
function lsComparable(path: string): boolean {
  for (const byte of Buffer.from(path, "utf8")) {
    if (byte <= 0x20 || byte === 0x7f || byte === 0x22 || byte === 0x5c || byte >= 0x80) return false;
  }
  return true;
}

function grow(array: Int32Array, size: number, fill: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size).fill(fill);
  bigger.set(array);
  return bigger;
}

function growBytes(array: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(size);
  bigger.set(array);
  return bigger;
}

/** Filtered changes, one per new path, sorted by path (bytewise), as filter-repo orders them. */
export function filterChanges(changes: readonly FileChange[], mapPath: (path: string) => string | undefined): FileChange[] {
  let byPath: Map<string, FileChange> | undefined;
  for (const change of changes) {
    if (change.type === "deleteall") continue;
    const path = mapPath(change.path);
    if (path === undefined) continue;
    byPath ??= new Map();
    byPath.set(path, path === change.path ? change : { ...change, path });
  }
  if (!byPath) return NO_CHANGES;
  if (byPath.size === 1) return [...byPath.values()];
  return [...byPath.keys()].sort(compareBytes).map((p) => byPath.get(p)!);
}

const NO_CHANGES: FileChange[] = [];

/** Byte order of UTF-8 strings (what Python's sort of bytes gives). */
export function compareBytes(a: string, b: string): number {
  // UTF-16 order equals byte order except around surrogates; plain ASCII is the common case.
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
