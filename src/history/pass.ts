// One pass over the branch for the whole fleet: `git fast-export` read once, each commit routed to
// the workers whose paths it touches and rewritten for each as filter-repo would, the kept
// commits written to one `git fast-import`. split.ts decides what the pass starts from and what
// it leaves (refs, the cache); pass-worker.ts runs a first pass in a thread of its own.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitStream } from "../git/git.js";
import { FastExportParser, type ExportedCommit } from "./fast-export.js";
import { childCounts, Frontier, type ChildCounts } from "./frontier.js";
import { ImportStream } from "./import-stream.js";
import { filterFingerprint, pathMapper, type SplitFilter } from "./path-filter.js";
import { filterChanges, SourceGraph, WorkerRewriter } from "./rewrite.js";
import type { FileChange } from "./fast-export.js";
import type { SplitCache, WorkerDelta } from "./split-cache.js";
import { pastFromCache, diffTreeIn } from "./split-past.js";
import { SplitTree } from "./split-tree.js";

const NO_CHANGES: FileChange[] = [];

/** Commits between two sweeps of the trees no later commit can build on. */
const SWEEP_EVERY = 4096;

export interface SplitTarget {
  id: string;
  filter: SplitFilter;
}

export type FromStartReason = "first split" | "paths changed" | "cache missing" | "history rewritten" | "read with the fleet";

export interface WorkerSplit {
  id: string;
  ref: string;
  /** The split's tip, or null when none of the worker's paths ever existed on the branch. */
  commit: string | null;
  /** Commits in the split. */
  commits: number;
  /** Why the worker was split from the start, when it was. */
  fromStart?: FromStartReason;
}

export const SPLIT_REF_PREFIX = "refs/fleet/split/";
export const WORK_REF = "refs/fleet/split-work";

/**
 * fast-import allocates and frees large delta buffers for every tree it writes; with glibc's
 * defaults each one is a fresh mmap, and the page faults cost more than the work (3x the run
 * time on the machines measured). A higher mmap threshold keeps them in the heap.
 */
const FAST_IMPORT_MALLOC = "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824";

/** filter-repo's fast-export flags, so the stream (order, message bytes) is the one it sees. */
const EXPORT_FLAGS = [
  "fast-export",
  "--show-original-ids",
  "--signed-tags=strip",
  "--tag-of-filtered-object=rewrite",
  "--fake-missing-tagger",
  "--reference-excluded-parents",
  "--no-data",
  "--use-done-feature",
  "--mark-tags",
  "--reencode=yes",
];

export interface PassOptions {
  onProgress?: (commits: number) => void;
  /** Told when each phase ends, with its duration (for --verbose). */
  onPhase?: (phase: string, ms: number) => void;
  /**
   * Let go of trees no later commit can build on after every this many commits (default 4096).
   * Given, the children counts are awaited before the pass, so small histories are swept too (tests).
   */
  sweepEvery?: number;
}

export interface Rewritten {
  results: WorkerSplit[];
  newIds: string[];
  deltas: WorkerDelta[];
  /** Workers that wrote commits, so have a work ref to delete. */
  wrote: string[];
  treesHeld: number;
}

export async function rewrite(
  repo: string,
  ref: string,
  tip: string,
  targets: readonly SplitTarget[],
  cache: SplitCache | undefined,
  options: PassOptions,
): Promise<Rewritten> {
  const base = cache?.state.count ?? 0;
  const scratch = await mkdtemp(join(tmpdir(), "fleet-split-"));
  const marksFile = join(scratch, "marks");
  try {
    const source = new SourceGraph((i) => cache!.idAt(i));
    const diffTree = diffTreeIn(repo);
    const workers = targets.map((t) => {
      const past = cache ? pastFromCache(repo, cache, t.id) : undefined;
      const mapPath = pathMapper(t.filter);
      return { target: t, mapPath, rewriter: new WorkerRewriter(source, mapPath, diffTree, past), marks: new MarkTable(base) };
    });
    // Each monorepo path is matched against the fleet once: path → the workers that keep it.
    const routes = new Map<string, number[]>();
    const routeOf = (path: string) => {
      let hit = routes.get(path);
      if (!hit) {
        hit = [];
        workers.forEach((w, i) => {
          if (w.mapPath(path) !== undefined) hit!.push(i);
        });
        routes.set(path, hit);
      }
      return hit;
    };
    const importer = gitStream(
      // Level-0 zlib: the split pack is written twice as fast and about 15% larger; the next
      // `git gc` recompresses it with everything else. fast-import maps the pack it writes to read
      // trees back; git's default limit on mapped packs (8 GiB) let that count ~150 MB towards
      // its resident size at 100k commits: 64 MB of windows cost it no time.
      [
        "-c",
        "core.ignorecase=false",
        "-c",
        "core.packedGitLimit=64m",
        "-c",
        "core.packedGitWindowSize=8m",
        "-c",
        "pack.compression=0",
        "fast-import",
        "--quiet",
        "--date-format=raw-permissive",
        `--active-branches=${targets.length + 1}`,
        `--export-marks=${marksFile}`,
      ],
      { cwd: repo, env: { GLIBC_TUNABLES: FAST_IMPORT_MALLOC } },
    );
    // How many children each commit has, read beside the pass: the trees no later commit can
    // build on are let go every few thousand commits, and the typed arrays get their exact size.
    // Should the counts not come, every tree is kept, as before. An incremental pass reads the few
    // commits since the last split: it keeps its trees, and spares the command a process.
    const frontier = new Frontier(base, tip);
    let counts: ChildCounts | undefined;
    const lookahead = cache
      ? Promise.resolve()
      : childCounts(repo, tip).then(
          (c) => void (counts = c),
          () => undefined,
        );
    // Given a sweep interval (tests), the counts come first, so that a short history is swept too.
    // (Before the export starts: a child's output nobody reads yet is dropped when it exits.)
    if (options.sweepEvery !== undefined) await lookahead;
    const sweepEvery = options.sweepEvery ?? SWEEP_EVERY;
    const exporter = gitStream([...EXPORT_FLAGS, tip, ...(cache ? [`^${cache.state.tip}`] : [])], { cwd: repo });
    const out = new ImportStream(importer.stdin);
    const parser = new FastExportParser();
    const indexOfMark = new Map<string, number>();
    const newIds: string[] = [];
    let nextMark = 1;
    let tipIndex = -1;

    let sinceSweep = 0;
    const sweep = (index: number, id: string, parents: number[]) => {
      frontier.processed(index, id, parents);
      if (counts && !frontier.ready) {
        frontier.learn(counts, (i) => source.idOf(i));
        for (const worker of workers) {
          worker.rewriter.reserve(base + counts.commits);
          worker.marks.reserve(counts.commits);
        }
      }
      if (!frontier.ready || ++sinceSweep < sweepEvery) return;
      sinceSweep = 0;
      for (const worker of workers) worker.rewriter.keepTreesOf(frontier.openCommits());
    };

    const handle = (commit: ExportedCommit) => {
      const index = base + newIds.length;
      newIds.push(commit.id);
      indexOfMark.set(commit.mark, index);
      if (commit.id === tip) tipIndex = index;
      const parents = commit.parents.map((p) => {
        const i = p.startsWith(":") ? indexOfMark.get(p) : cache?.indexOf(p);
        if (i === undefined) throw new Error(`fast-export referenced ${p}, which neither this run nor the cache knows`);
        return i;
      });
      const sourceCommit = { index, id: commit.id, parents, changes: commit.changes };
      source.add(sourceCommit);
      const touched = new Set<number>();
      for (const change of commit.changes) if (change.type !== "deleteall") for (const w of routeOf(change.path)) touched.add(w);
      for (const [w, worker] of workers.entries()) {
        const routed = touched.has(w) ? filterChanges(commit.changes, worker.mapPath) : NO_CHANGES;
        const kept = worker.rewriter.process(sourceCommit, routed);
        if (!kept) continue;
        const mark = nextMark++;
        worker.marks.set(kept.index, mark);
        const parentRefs = kept.parents.map((p) => (p < base ? cache!.keptSha(worker.target.id, p) : `:${worker.marks.get(p)}`));
        // One work ref per worker: fast-import keeps each branch's tree in memory, so a commit
        // on top of the previous one does not read its tree back from the pack.
        out.commit(`${WORK_REF}/${worker.target.id}`, mark, commit, parentRefs, kept.changes);
      }
      sweep(index, commit.id, parents);
    };

    let phaseStart = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      options.onPhase?.(name, now - phaseStart);
      phaseStart = now;
    };
    for await (const chunk of exporter.stdout as AsyncIterable<Buffer>) {
      for (const commit of parser.push(chunk)) handle(commit);
      options.onProgress?.(newIds.length);
      await out.maybeFlush();
    }
    parser.end();
    await exporter.done;
    await lookahead;
    phase(`read and rewrote ${newIds.length} commits`);
    await out.end();
    await importer.done;
    phase("fast-import finished");
    if (tipIndex < 0) throw new Error(`fast-export did not export the tip ${tip}`);

    const marksBySha = parseMarks(await readFile(marksFile, "latin1"), nextMark);
    const results: WorkerSplit[] = [];
    const deltas: WorkerDelta[] = [];
    for (const { target, rewriter, marks } of workers) {
      const image = rewriter.imageOf(tipIndex);
      const shaOf = (kept: number) =>
        kept < base ? cache!.keptSha(target.id, kept) : marksBySha.subarray(marks.get(kept) * 20, marks.get(kept) * 20 + 20).toString("hex");
      const keptBefore = cache?.state.workers[target.id]?.kept ?? 0;
      results.push({
        id: target.id,
        ref: SPLIT_REF_PREFIX + target.id,
        commit: image === undefined ? null : shaOf(image),
        commits: keptBefore + rewriter.kept,
      });
      deltas.push({
        id: target.id,
        fingerprint: filterFingerprint(target.filter),
        translate: rewriter.translations(),
        kept: marks.records(marksBySha),
        tipImage: image ?? -1,
        tree: image === undefined ? SplitTree.EMPTY : rewriter.treeAt(image),
        keptTotal: keptBefore + rewriter.kept,
      });
    }
    const treesHeld = Math.max(0, ...workers.map((w) => w.rewriter.treesHeld));
    return { results, newIds, deltas, wrote: workers.filter((w) => w.marks.count > 0).map((w) => w.target.id), treesHeld };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** fast-import's marks file as 20-byte ids indexed by mark (compact: there can be millions). */
function parseMarks(text: string, count: number): Buffer {
  const ids = Buffer.alloc(count * 20);
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(" ", at);
    const end = text.indexOf("\n", space);
    const mark = Number(text.slice(at + 1, space));
    ids.write(text.slice(space + 1, end < 0 ? undefined : end), mark * 20, 20, "hex");
    at = end < 0 ? text.length : end + 1;
  }
  return ids;
}

/** A worker's fast-import marks by commit index, from `base` on. */
class MarkTable {
  private marks = new Int32Array(1024);
  private readonly order: number[] = [];
  constructor(private readonly base: number) {}
  /** Room for `size` commits of this pass at once. */
  reserve(size: number): void {
    if (size <= this.marks.length) return;
    const exact = new Int32Array(size);
    exact.set(this.marks);
    this.marks = exact;
  }
  set(index: number, mark: number): void {
    const at = index - this.base;
    if (at >= this.marks.length) {
      const bigger = new Int32Array(Math.max(at + 1, this.marks.length * 2));
      bigger.set(this.marks);
      this.marks = bigger;
    }
    this.marks[at] = mark;
    this.order.push(index);
  }
  get(index: number): number {
    return this.marks[index - this.base]!;
  }
  get count(): number {
    return this.order.length;
  }
  /** int32 index + 20-byte id per kept commit, in index order (the cache's record format). */
  records(ids: Buffer): Buffer {
    const out = Buffer.alloc(this.order.length * 24);
    this.order.forEach((index, i) => {
      out.writeInt32LE(index, i * 24);
      ids.copy(out, i * 24 + 4, this.get(index) * 20, this.get(index) * 20 + 20);
    });
    return out;
  }
}
