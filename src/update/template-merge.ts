// A template update of one worker repository, made in the monorepo's object store (where its
// main is fetched and its scaffold was written), without a work tree:
//
//   S0 ── S1 ── S2        fleet's renderings, each the scaffold as fleet rendered it then
//    \      \      \      (a `Fleet-Scaffold` commit; S0 is the repository's first commit)
//   main ─ … ─ merge      the repository's main; `fleet/update` = merge(main, S_new)
//
// The newest rendering main holds is the base of a three-way merge (git merge-tree finds it
// as the merge base): the team's edits since then are "ours", the template's changes "theirs".
// Merged, the new rendering is in main's history and is the next update's base; a rendering
// left on an unmerged branch is not, so the next update starts from the one main holds.
import { git, gitText } from "../git/git.js";
import { treeEntries, writeCommit } from "../git/write-commit.js";
import { SCAFFOLD_TRAILER } from "../repos/scaffold-commit.js";

export const UPDATE_BRANCH = "fleet/update";
/** Names the repository a merge commit of `fleet update` brought the template to. */
export const UPDATE_TRAILER = "Fleet-Update";

export interface Rendering {
  /** Every file of the scaffold as fleet renders it now (path → content). */
  files: ReadonlyMap<string, string>;
  /**
   * Paths whose rendering is not the template's to change: files `fleet sync` derives itself
   * (package.json, package-lock.json, the carried context) and files the monorepo owns now.
   * The new rendering keeps them as the last rendering had them.
   */
  keep: ReadonlySet<string>;
  /**
   * Paths the template writes only where the last rendering lacks them (CHANGELOG.md,
   * release-please's manifest): afterwards the repository's release flow writes them.
   */
  once: ReadonlySet<string>;
}

export interface TemplateMerge {
  /** The newest rendering main holds (the merge's base). */
  base: string;
  /** The rendering made now (parent: base). */
  rendering: string;
  /** Whether the rendering differs from the base at all. */
  templateChanged: boolean;
  /** The merge's tree, and whether it differs from main's. */
  tree: string;
  changesMain: boolean;
  /** Files left with conflict markers. */
  conflicts: string[];
}

/**
 * Writes the new rendering on top of `base` (the newest one main holds) and merges it into main, in
 * `repo`'s object store. `mainRef` and `renderingRef` name main and the new rendering in the
 * conflict markers (merge-tree labels each side with the name it is given).
 */
export async function mergeTemplate(
  repo: string,
  id: string,
  at: { main: string; base: string; mainRef: string; renderingRef: string },
  rendered: Rendering,
  identity: { author: string; committer: string },
): Promise<TemplateMerge> {
  const { main, base, mainRef, renderingRef } = at;
  const before = treeEntries(await gitText(["ls-tree", "-r", "-z", base], { cwd: repo }));
  const had = new Set(before.map((e) => e.path));
  const deletes = [...had].filter((path) => !rendered.files.has(path) && !rendered.keep.has(path) && !rendered.once.has(path));
  const files = [...rendered.files].filter(([path]) => !rendered.keep.has(path) && !(rendered.once.has(path) && had.has(path)));
  const message = [
    `Render the scaffold of ${id} again from fleet.jsonc`,
    "",
    "The scaffold as worker-fleet renders it now; `fleet update` merges it into main.",
    "",
    `${SCAFFOLD_TRAILER}: ${id}`,
    "",
  ].join("\n");
  const rendering = await writeCommit(repo, { ref: `refs/fleet/rendering/${id}`, ...identity, message, from: base, deletes, files });
  const [baseTree, renderingTree, mainTree] = await Promise.all([base, rendering, main].map((c) => gitText(["rev-parse", `${c}^{tree}`], { cwd: repo })));
  await git(["update-ref", renderingRef, rendering], { cwd: repo });
  const merged = await git(["merge-tree", "--write-tree", "--name-only", "-z", mainRef, renderingRef], { cwd: repo, okCodes: [1] });
  const fields = merged.stdout.split("\0");
  const tree = fields[0]!;
  // after the tree: the conflicted paths, then an empty field before the messages
  const end = fields.indexOf("", 1);
  const conflicts = merged.code === 1 ? [...new Set(fields.slice(1, end < 0 ? undefined : end))].sort() : [];
  return { base, rendering, templateChanged: renderingTree !== baseTree, tree, changesMain: tree !== mainTree, conflicts };
}

/** The merge commit `fleet/update` points at: main and the new rendering, with the merged tree. */
export async function updateCommit(repo: string, id: string, main: string, merge: TemplateMerge, env: Record<string, string>): Promise<string> {
  const message = [
    `Update ${id}'s scaffold to the current template`,
    "",
    merge.conflicts.length
      ? `Both the template and this repository changed the same lines of: ${merge.conflicts.join(", ")}. Resolve the conflict markers before merging.`
      : "The template's changes since the last rendering, merged three ways with this repository's own edits.",
    "",
    `${UPDATE_TRAILER}: ${id}`,
    "",
  ].join("\n");
  return gitText(["commit-tree", merge.tree, "-p", main, "-p", merge.rendering, "-F", "-"], { cwd: repo, input: message, env });
}
