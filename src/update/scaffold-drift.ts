// Whether a worker repository's scaffold is behind the template: the scaffold fleet renders now
// against the newest rendering its main holds (what `fleet update` would merge from). Read-only;
// compared by blob id, computed here, so no object is written.
import { createHash } from "node:crypto";
import { gitText } from "../git/git.js";
import { treeEntries } from "../git/write-commit.js";
import { SCAFFOLD_TRAILER } from "../repos/scaffold-commit.js";
import { renderScaffold } from "../scaffold/render.js";
import type { ScaffoldInput } from "../scaffold/input.js";
import type { Rendering } from "./template-merge.js";

export interface ScaffoldDrift {
  /** current: main holds the template as fleet renders it now; behind: `fleet update` has changes; unknown: no rendering of fleet's in main. */
  state: "current" | "behind" | "unknown";
  /** The files the template changed since the rendering main holds. */
  files: string[];
}

/** The scaffold as `fleet update` renders it: everything but what sync derives and what the monorepo owns. */
export function renderingFor(input: ScaffoldInput, date: string): Rendering {
  const { files } = renderScaffold(input, { date });
  const keep = new Set(["package.json", "package-lock.json", ...input.ownedPaths, ...(input.carriedContext ? [input.carriedContext.path] : [])]);
  return { files, keep };
}

/** fleet's renderings main holds, newest first, each with its date (YYYY-MM-DD). */
export async function renderingsWithDates(cwd: string, main: string, env: Record<string, string> = {}): Promise<{ commit: string; date: string }[]> {
  const listed = await gitText(["log", "--topo-order", `--grep=^${SCAFFOLD_TRAILER}: `, "--format=%H %ad", "--date=short", main], { cwd, env });
  return listed
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [commit, date] = line.split(" ") as [string, string];
      return { commit, date };
    });
}

/** Compares the scaffold fleet renders now with the newest rendering `main` holds, in the git directory `cwd`. */
export async function scaffoldDrift(cwd: string, main: string, input: ScaffoldInput, env: Record<string, string> = {}): Promise<ScaffoldDrift> {
  const renderings = await renderingsWithDates(cwd, main, env);
  if (renderings.length === 0) return { state: "unknown", files: [] };
  // the CHANGELOG's first release is the day fleet created the repository, in every rendering
  const rendered = renderingFor(input, renderings.at(-1)!.date);
  const base = new Map(treeEntries(await gitText(["ls-tree", "-r", "-z", renderings[0]!.commit], { cwd, env })).map((e) => [e.path, e.id]));
  const files: string[] = [];
  for (const [path, content] of rendered.files) if (!rendered.keep.has(path) && base.get(path) !== blobId(content)) files.push(path);
  for (const path of base.keys()) if (!rendered.files.has(path) && !rendered.keep.has(path)) files.push(path);
  return { state: files.length ? "behind" : "current", files: files.sort() };
}

/** The object id git gives a file with this content (SHA-1 repositories). */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
