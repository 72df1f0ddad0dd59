// Which commits of a split's pass a later commit can still name as a parent. A worker's split
// keeps the tree of each commit it kept, because a later commit builds on its parent's tree; at
// 100k commits times dozens of workers those trees are most of the split's memory, and almost
// none is ever asked for again. `git rev-list --children`, run beside fast-export, says how many
// children each commit has in the range; once a commit's last child is processed its tree can
// go, unless another open commit still maps onto it.
import { git } from "../git/git.js";

export interface ChildCounts {
  /** Commits in the range. */
  commits: number;
  /** Commits whose number of children in the range is not 1 (branch points, the tip). */
  notOne: Map<string, number>;
}

/** Children of each commit reachable from `tip` (one process; ~0.2–0.8 s at 100k commits). */
export async function childCounts(repo: string, tip: string): Promise<ChildCounts> {
  const { stdout } = await git(["rev-list", "--children", tip], { cwd: repo });
  const notOne = new Map<string, number>();
  let commits = 0;
  for (let at = 0; at < stdout.length;) {
    const end = stdout.indexOf("\n", at);
    const line = stdout.slice(at, end < 0 ? undefined : end);
    at = end < 0 ? stdout.length : end + 1;
    if (!line) continue;
    commits++;
    const fields = line.split(" ");
    if (fields.length !== 2) notOne.set(fields[0]!, fields.length - 1);
  }
  return { commits, notOne };
}

export class Frontier {
  /** Children still to come, by index − base (known once the counts are). */
  private left = new Int32Array(1024);
  /** Children processed before the counts were known. */
  private seen = new Int32Array(1024);
  private counts: ChildCounts | undefined;
  private readonly open = new Set<number>();
  private processedUpTo: number;

  /** `base`: the first index of this pass (commits below it belong to an earlier split). */
  constructor(
    private readonly base: number,
    private readonly tip: string,
  ) {
    this.processedUpTo = base;
  }

  get ready(): boolean {
    return this.counts !== undefined;
  }

  /** Commits a later commit may still name as a parent (only once the counts are known). */
  openCommits(): ReadonlySet<number> {
    return this.open;
  }

  /** After commit `index` (id `id`, parents `parents`) was processed by every worker. */
  processed(index: number, id: string, parents: readonly number[]): void {
    this.ensure(index - this.base + 1);
    for (const p of parents) {
      if (p < this.base) continue;
      const at = p - this.base;
      if (!this.counts) this.seen[at] = this.seen[at]! + 1;
      else {
        this.left[at] = this.left[at]! - 1;
        if (this.left[at] === 0) this.open.delete(p);
      }
    }
    if (this.counts) this.openUp(index, id);
    this.processedUpTo = index + 1;
  }

  /** The counts arrived: every commit processed so far learns how many children it still has. */
  learn(counts: ChildCounts, idOf: (index: number) => string): void {
    this.counts = counts;
    this.ensure(counts.commits);
    for (let index = this.base; index < this.processedUpTo; index++) {
      this.left[index - this.base] = -this.seen[index - this.base]!;
      this.openUp(index, idOf(index));
    }
    this.seen = new Int32Array(0);
  }

  private openUp(index: number, id: string): void {
    // The tip has no child, but the split's answer is its tree: it stays open.
    const children = id === this.tip ? 1 : (this.counts!.notOne.get(id) ?? 1);
    const at = index - this.base;
    this.left[at] = this.left[at]! + children;
    if (this.left[at]! > 0) this.open.add(index);
  }

  private ensure(size: number): void {
    if (size <= this.left.length) return;
    const grown = new Int32Array(Math.max(size, this.left.length * 2));
    grown.set(this.left);
    this.left = grown;
    if (this.seen.length) {
      const seen = new Int32Array(grown.length);
      seen.set(this.seen);
      this.seen = seen;
    }
  }
}
