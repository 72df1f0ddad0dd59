// Splits the whole fleet in one pass: one `git fast-export` of the branch, every change routed
// to every worker whose paths it touches, every worker's commits written through one
// `git fast-import` into the monorepo's own object store (existing blobs referenced by id).
// Refs are updated together in one transaction at the end: a crash leaves the old refs.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, gitStream, gitText } from "../git/git.js";
import { FastExportParser, type ExportedCommit, type FileChange } from "./fast-export.js";
import { ImportStream } from "./import-stream.js";
import { filterFingerprint, pathMapper, type SplitFilter } from "./path-filter.js";
import { SourceGraph, WorkerRewriter, type DiffTree } from "./rewrite.js";

export interface SplitTarget {
  id: string;
  filter: SplitFilter;
}

export interface WorkerSplit {
  id: string;
  ref: string;
  /** The split's tip, or null when none of the worker's paths ever existed on the branch. */
  commit: string | null;
  /** Commits in the split. */
  commits: number;
  /** Why the worker was (re-)split from the start, when it was. */
  fromStart?: "first split" | "paths changed" | "cache missing" | "history rewritten";
}

export interface SplitOptions {
  /** Branch whose history is split (a short name or a full ref). */
  branch: string;
  onProgress?: (commits: number) => void;
}

export const SPLIT_REF_PREFIX = "refs/fleet/split/";
const WORK_REF = "refs/fleet/split-work";

/** filter-repo's fast-export flags, so the stream (order, message bytes) is the one it sees. */
const EXPORT_FLAGS = [
  "fast-export", "--show-original-ids", "--signed-tags=strip", "--tag-of-filtered-object=rewrite", "--fake-missing-tagger",
  "--reference-excluded-parents", "--no-data", "--use-done-feature", "--mark-tags", "--reencode=yes",
];

export async function splitFleet(repo: string, targets: readonly SplitTarget[], options: SplitOptions): Promise<WorkerSplit[]> {
  const ref = options.branch.startsWith("refs/") ? options.branch : `refs/heads/${options.branch}`;
  const tip = await gitText(["rev-parse", "--verify", "-q", `${ref}^{commit}`], { cwd: repo });
  const before = await currentSplitRefs(repo, targets);

  const scratch = await mkdtemp(join(tmpdir(), "fleet-split-"));
  const marksFile = join(scratch, "marks");
  try {
    const source = new SourceGraph();
    const diffTree = diffTreeIn(repo);
    const workers = targets.map((t) => ({ target: t, rewriter: new WorkerRewriter(source, pathMapper(t.filter), diffTree), marks: new Map<number, number>() }));
    const importer = gitStream(["-c", "core.ignorecase=false", "fast-import", "--quiet", "--date-format=raw-permissive", `--export-marks=${marksFile}`], { cwd: repo });
    const exporter = gitStream([...EXPORT_FLAGS, ref], { cwd: repo });
    const out = new ImportStream(importer.stdin);
    const parser = new FastExportParser();
    const indexOfMark = new Map<string, number>();
    let nextMark = 1;
    let count = 0;
    let tipIndex = -1;

    const handle = (commit: ExportedCommit) => {
      const index = count++;
      indexOfMark.set(commit.mark, index);
      if (commit.id === tip) tipIndex = index;
      const parents = commit.parents.map((p) => {
        const i = indexOfMark.get(p);
        if (i === undefined) throw new Error(`fast-export referenced ${p} before exporting it`);
        return i;
      });
      const sourceCommit = { index, id: commit.id, parents, changes: commit.changes };
      source.add(sourceCommit);
      for (const worker of workers) {
        const kept = worker.rewriter.process(sourceCommit);
        if (!kept) continue;
        const mark = nextMark++;
        worker.marks.set(kept.index, mark);
        out.commit(WORK_REF, mark, commit, kept.parents.map((p) => `:${worker.marks.get(p)!}`), kept.changes);
      }
    };

    for await (const chunk of exporter.stdout as AsyncIterable<Buffer>) {
      for (const commit of parser.push(chunk)) handle(commit);
      options.onProgress?.(count);
      await out.maybeFlush();
    }
    parser.end();
    await exporter.done;
    await out.end();
    await importer.done;

    const shaOfMark = parseMarks(await readFile(marksFile, "utf8"));
    const results: WorkerSplit[] = workers.map(({ target, rewriter, marks }) => {
      const image = tipIndex < 0 ? undefined : rewriter.imageOf(tipIndex);
      const commit = image === undefined ? null : shaOfMark.get(marks.get(image)!)!;
      return {
        id: target.id,
        ref: SPLIT_REF_PREFIX + target.id,
        commit,
        commits: rewriter.kept,
        fromStart: before.get(target.id) ? "cache missing" : "first split",
      };
    });
    await updateRefs(repo, results, before);
    return results;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Current split refs of the targets (id → commit), to update them only if unchanged. */
async function currentSplitRefs(repo: string, targets: readonly SplitTarget[]): Promise<Map<string, string>> {
  const { stdout } = await git(["for-each-ref", "--format=%(refname) %(objectname)", SPLIT_REF_PREFIX], { cwd: repo });
  const refs = new Map<string, string>();
  for (const line of stdout.split("\n").filter(Boolean)) {
    const [name, sha] = line.split(" ") as [string, string];
    refs.set(name.slice(SPLIT_REF_PREFIX.length), sha);
  }
  return new Map(targets.flatMap((t) => (refs.has(t.id) ? [[t.id, refs.get(t.id)!] as const] : [])));
}

/** One atomic transaction: every split ref moves, or none does. */
async function updateRefs(repo: string, results: readonly WorkerSplit[], before: ReadonlyMap<string, string>): Promise<void> {
  const zero = "0".repeat(40);
  const lines = ["start"];
  for (const r of results) {
    const old = before.get(r.id);
    if (r.commit) lines.push(`update ${r.ref} ${r.commit} ${old ?? zero}`);
    else if (old) lines.push(`delete ${r.ref} ${old}`);
  }
  lines.push(`delete ${WORK_REF}`, "prepare", "commit", "");
  await git(["update-ref", "--stdin"], { cwd: repo, input: lines.join("\n") });
}

function parseMarks(text: string): Map<number, string> {
  const marks = new Map<number, string>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [mark, sha] = line.split(" ") as [string, string];
    marks.set(Number(mark.slice(1)), sha);
  }
  return marks;
}

/** `git diff-tree -r` between two original commits, for the rare commit whose first parent changed. */
function diffTreeIn(repo: string): DiffTree {
  return (from, to) => {
    const result = spawnSync("git", ["diff-tree", "-r", "-z", "--no-renames", from, to], { cwd: repo, encoding: "buffer", maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`git diff-tree ${from} ${to} failed: ${result.stderr.toString()}`);
    const parts = result.stdout.toString("utf8").split("\0");
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

export { filterFingerprint };
