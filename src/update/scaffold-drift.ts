// Whether a worker repository's scaffold is behind the template: the scaffold fleet renders now
// against the newest rendering its main holds (what `fleet update` would merge from). Read-only;
// compared by blob id, computed here, so no object is written.
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";
import { fleetDir } from "../git/fleet-dir.js";
import { git, gitText } from "../git/git.js";
import { treeEntries } from "../git/write-commit.js";
import { SCAFFOLD_TRAILER } from "../repos/scaffold-commit.js";
import { renderScaffold } from "../scaffold/render.js";
import type { ScaffoldInput } from "../scaffold/input.js";
import { bootstrapShaOf, RELEASE_CONFIG, WRITTEN_ONCE } from "../scaffold/release.js";
import type { Rendering } from "./template-merge.js";

export interface ScaffoldDrift {
  /** current: main holds the template as fleet renders it now; behind: `fleet update` has changes; unknown: no rendering of fleet's in main. */
  state: "current" | "behind" | "unknown";
  /** The files the template changed since the rendering main holds. */
  files: string[];
}

/**
 * The scaffold as `fleet update` renders it: everything but what sync derives and what the
 * monorepo owns; the files release-please writes only where the repository never had them.
 * `date` and `bootstrapSha` are the repository's own (its first rendering's day, the commit its
 * release-please config starts from), read back from its renderings.
 */
export function renderingFor(input: ScaffoldInput, repository: { date: string; bootstrapSha?: string | undefined }): Rendering {
  const { files } = renderScaffold(input, { date: repository.date, ...(repository.bootstrapSha ? { bootstrapSha: repository.bootstrapSha } : {}) });
  const keep = new Set(["package.json", "package-lock.json", ...input.ownedPaths, ...(input.carriedContext ? [input.carriedContext.path] : [])]);
  return { files, keep, once: new Set(WRITTEN_ONCE.filter((path) => !keep.has(path))) };
}

/** What a repository's renderings fix about the next one: the first one's day, and the bootstrap SHA the newest names. */
export async function repositoryRendering(
  cwd: string,
  renderings: { commit: string; date: string }[],
  env: Record<string, string> = {},
): Promise<{ date: string; bootstrapSha?: string | undefined }> {
  const shown = await git(["cat-file", "-p", `${renderings[0]!.commit}:${RELEASE_CONFIG}`], { cwd, env, okCodes: [128] });
  const config = shown.code === 0 ? shown.stdout : undefined;
  return { date: renderings.at(-1)!.date, bootstrapSha: bootstrapShaOf(config) };
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
  const rendered = renderingFor(input, await repositoryRendering(cwd, renderings, env));
  const base = new Map(treeEntries(await gitText(["ls-tree", "-r", "-z", renderings[0]!.commit], { cwd, env })).map((e) => [e.path, e.id]));
  const files: string[] = [];
  for (const [path, content] of rendered.files) {
    if (rendered.keep.has(path) || (rendered.once.has(path) && base.has(path))) continue;
    if (base.get(path) !== blobId(content)) files.push(path);
  }
  for (const path of base.keys()) if (!rendered.files.has(path) && !rendered.keep.has(path)) files.push(path);
  return { state: files.length ? "behind" : "current", files: files.sort() };
}

/** The object id git gives a file with this content (SHA-1 repositories). */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Drift results remembered across runs (`<fleet dir>/scaffold-drift.json`), each under a key of
 * the repository's main and the scaffold as rendered now: an unchanged repository and template
 * cost no git process (`fleet status` would otherwise start two per worker). Only an accelerator:
 * any change to either gives a new key, and an unreadable file is an empty memory.
 */
export class DriftMemory {
  private changed = false;
  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Map<string, { key: string; drift: ScaffoldDrift }>,
  ) {}

  static async load(monorepo: string): Promise<DriftMemory> {
    const dir = await fleetDir(monorepo);
    const file = dir ? join(dir, "scaffold-drift.json") : undefined;
    const saved = file
      ? await readFile(file, "utf8").then(
          (text) => JSON.parse(text) as Record<string, { key: string; drift: ScaffoldDrift }>,
          () => ({}),
        )
      : {};
    return new DriftMemory(file, new Map(Object.entries(saved)));
  }

  /** The drift of worker `id`'s repository at `main`, remembered or compared now. */
  async drift(id: string, cwd: string, main: string, input: ScaffoldInput, env: Record<string, string> = {}): Promise<ScaffoldDrift> {
    // the date and bootstrap SHA only come from the repository (its renderings), which `main` fixes
    const { files, keep } = renderingFor(input, { date: "0000-00-00" });
    const key = createHash("sha256")
      .update(main)
      .update(JSON.stringify([...files]))
      .update(JSON.stringify([...keep].sort()))
      .digest("hex");
    const known = this.entries.get(id);
    if (known?.key === key) return known.drift;
    const drift = await scaffoldDrift(cwd, main, input, env);
    this.entries.set(id, { key, drift });
    this.changed = true;
    return drift;
  }

  async save(): Promise<void> {
    if (!this.changed || !this.file) return;
    await mkdir(dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
    this.changed = false;
  }
}
