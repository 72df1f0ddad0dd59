// The split's new commits as a worker repository takes them once a hotfix of its own has come back
// through the monorepo. The split holds the monorepo's copy of that hotfix (trailer Fleet-Back);
// the repository already holds the original. So the copy becomes a merge of the original into the
// split's line (the copy's tree, the original as second parent, a message of its own), and each
// later split commit is written again on the parents the repository holds (same tree, authors,
// dates and message):
//
//   split:       S1 ── F' ── S2        F' is the copy of the repository's F
//   repository:  S1 ── J ── S2*        J joins F (already on main, once); S2* = S2 on J
//                     /
//                    F
//
// so each later commit's diff is its own change, and blame finds the fix in F.
// Stateless: where the repository stands in the split is the newest sync merge's second parent
// (the split itself while nothing was ever remapped), and the rewriting is deterministic, so the
// same range maps to the same commits on every machine.
import { git, gitText } from "../git/git.js";

export interface Remapped {
  /** What the sync merges: the split's tip, or its rewritten copy. */
  commit: string;
  /** Split commits the repository gets (the range less the dropped copies). */
  kept: number;
  /** Copies of the repository's own commits left out. */
  dropped: number;
}

/**
 * Maps the split range `from..to` onto the repository: `boundary` is what the repository holds for
 * `from`, `returned` the copies in the range (copy → original) whose originals main holds.
 */
export async function remapSplit(
  repo: string,
  range: { from: string | null; boundary: string | null; to: string; commits: number },
  returned: ReadonlyMap<string, string>,
): Promise<Remapped> {
  // the usual sync: nothing ever came back; the split is merged as it is (its size already counted)
  if (returned.size === 0 && range.boundary === range.from) return { commit: range.to, kept: range.commits, dropped: 0 };
  const revs = range.from ? [range.to, `^${range.from}`] : [range.to];
  const listed = (await gitText(["rev-list", "--reverse", "--topo-order", "--parents", ...revs], { cwd: repo })).split("\n").filter(Boolean);
  const mapped = new Map<string, string>();
  if (range.from && range.boundary) mapped.set(range.from, range.boundary);
  const map = (commit: string) => mapped.get(commit) ?? commit;
  let dropped = 0;
  for (const line of listed) {
    const [commit, ...parents] = line.split(" ") as [string, ...string[]];
    if (returned.has(commit) && parents.length > 0) {
      mapped.set(commit, await joinOriginal(repo, commit, map(parents[0]!), returned.get(commit)!));
      dropped++;
      continue;
    }
    // the monorepo's merge of the back branch (git merge --no-ff), which brings nothing but the copy
    const copyMerged = parents.length > 1 ? parents.find((p) => returned.has(p)) : undefined;
    if (copyMerged && (await sameTree(repo, commit, copyMerged))) {
      mapped.set(commit, map(copyMerged));
      dropped++;
      continue;
    }
    let next = [...new Set(parents.map(map))];
    if (next.length === parents.length && next.every((p, i) => p === parents[i])) continue; // untouched: itself
    if (next.length > 1) next = await withoutAncestors(repo, next);
    if (parents.length > 1 && next.length === 1 && (await sameTree(repo, commit, next[0]!))) {
      // a merge that only joined a dropped copy back in: nothing of its own is left
      mapped.set(commit, next[0]!);
      dropped++;
      continue;
    }
    mapped.set(commit, await withParents(repo, commit, next));
  }
  return { commit: map(range.to), kept: listed.length - dropped, dropped };
}

/** The copy of the repository's own commit, as a merge of that commit into the split's line. */
async function joinOriginal(repo: string, copy: string, parent: string, original: string): Promise<string> {
  // its subject is not repeated: the repository's log names the hotfix once, in its own commit
  const message = [
    `Join ${original.slice(0, 12)}, made here, as the monorepo holds it now`,
    "",
    `The monorepo took that commit of the worker repository (as ${copy.slice(0, 12)}, with a Fleet-Back trailer);`,
    "the worker repository keeps its own commit, once, and the monorepo's history goes on from here.",
    "",
  ].join("\n");
  return withParents(repo, copy, [parent, original], message);
}

/** Parents less those another of them descends from (a merge of a dropped copy would be degenerate). */
async function withoutAncestors(repo: string, parents: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const p of parents) {
    let ancestor = false;
    for (const q of parents) {
      if (q === p) continue;
      if ((await git(["merge-base", "--is-ancestor", p, q], { cwd: repo, okCodes: [1] })).code === 0) ancestor = true;
    }
    if (!ancestor) kept.push(p);
  }
  return kept;
}

async function sameTree(repo: string, a: string, b: string): Promise<boolean> {
  const trees = (await gitText(["rev-parse", `${a}^{tree}`, `${b}^{tree}`], { cwd: repo })).split("\n");
  return trees[0] === trees[1];
}

/** The commit object again with other parents (and message): every other header as it was (a signature dropped: it no longer holds). */
async function withParents(repo: string, commit: string, parents: string[], message?: string): Promise<string> {
  const raw = (await git(["cat-file", "commit", commit], { cwd: repo })).stdout;
  const end = raw.indexOf("\n\n");
  const header = raw.slice(0, end).split("\n");
  const kept: string[] = [];
  let inSignature = false;
  for (const line of header) {
    if (inSignature && line.startsWith(" ")) continue;
    inSignature = line.startsWith("gpgsig ") || line.startsWith("gpgsig-sha256 ");
    if (inSignature || line.startsWith("parent ")) continue;
    kept.push(line);
    if (line.startsWith("tree ")) kept.push(...parents.map((p) => `parent ${p}`));
  }
  const body = message === undefined ? raw.slice(end) : `\n\n${message}`;
  return gitText(["hash-object", "-w", "-t", "commit", "--stdin"], { cwd: repo, input: kept.join("\n") + body });
}
