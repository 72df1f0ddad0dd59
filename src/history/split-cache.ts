// The split cache under .git/fleet/split/: which split commit every monorepo commit became, per
// worker. Only an accelerator: deleted or stale, the next split recomputes the same ids.
//
//   state.json              branch, tip, commit count, per worker: path fingerprint, kept count,
//                           the tip's image and its tree; names the generation folder
//   <gen>/commits.bin       20-byte ids of the monorepo commits, in processing order
//   <gen>/<id>.translate    int32 per commit: index of the kept commit it maps to, or -1
//   <gen>/<id>.kept         per kept commit: int32 index + 20-byte id of the split commit
//
// Files are appended to; state.json, replaced atomically last, says how much of each is valid,
// so a crash in between leaves the old state readable.
import { appendFileSync, closeSync, existsSync, openSync, readSync, truncateSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";
import { crashPoint } from "../fs/crash-points.js";
import type { SplitTree } from "./split-tree.js";

const VERSION = 1;

export interface CachedWorker {
  fingerprint: string;
  kept: number;
  /** Index of the kept commit the tip maps to, or -1. */
  tipImage: number;
  /** The tree of the tip's image, so the next commit needs no git call. */
  tree: [string, string][];
}

export interface CacheState {
  version: number;
  branch: string;
  tip: string;
  count: number;
  generation: string;
  workers: Record<string, CachedWorker>;
}

export interface WorkerDelta {
  id: string;
  fingerprint: string;
  /** translate value of each commit processed this run, in index order. */
  translate: Int32Array;
  /** Kept commits of this run, in index order: int32 index + 20-byte split commit id each. */
  kept: Buffer;
  tipImage: number;
  tree: SplitTree;
  keptTotal: number;
}

export class SplitCache {
  private fds = new Map<string, number>();
  private commitIds?: Buffer;

  private constructor(
    readonly root: string,
    readonly state: CacheState,
  ) {}

  static async load(root: string): Promise<SplitCache | undefined> {
    try {
      const state = JSON.parse(await readFile(join(root, "state.json"), "utf8")) as CacheState;
      if (state.version !== VERSION || !existsSync(join(root, state.generation, "commits.bin"))) return undefined;
      return new SplitCache(root, state);
    } catch {
      return undefined;
    }
  }

  private file(name: string): string {
    return join(this.root, this.state.generation, name);
  }

  private fd(name: string): number {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      fd = openSync(this.file(name), "r");
      this.fds.set(name, fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** Index of a monorepo commit processed earlier, or undefined. */
  indexOf(sha: string): number | undefined {
    this.commitIds ??= readAll(this.fd("commits.bin"), this.state.count * 20);
    const needle = Buffer.from(sha, "hex");
    for (let at = this.commitIds.indexOf(needle); at >= 0; at = this.commitIds.indexOf(needle, at + 1)) {
      if (at % 20 === 0) return at / 20;
    }
    return undefined;
  }

  idAt(index: number): string {
    const buf = Buffer.alloc(20);
    readSync(this.fd("commits.bin"), buf, 0, 20, index * 20);
    return buf.toString("hex");
  }

  translate(id: string, index: number): number {
    const buf = Buffer.alloc(4);
    readSync(this.fd(`${id}.translate`), buf, 0, 4, index * 4);
    return buf.readInt32LE(0);
  }

  /** The split commit id of a kept commit (binary search over the kept records). */
  keptSha(id: string, keptIndex: number): string {
    const fd = this.fd(`${id}.kept`);
    const record = Buffer.alloc(24);
    let lo = 0;
    let hi = this.state.workers[id]!.kept - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      readSync(fd, record, 0, 24, mid * 24);
      const at = record.readInt32LE(0);
      if (at === keptIndex) return record.subarray(4).toString("hex");
      if (at < keptIndex) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new Error(`split cache has no kept commit ${keptIndex} for ${id}`);
  }

  /** Appends this run's commits and workers, then moves state.json forward. */
  async append(tip: string, newIds: string[], deltas: WorkerDelta[]): Promise<void> {
    const { state } = this;
    // Four small writes per worker, done synchronously: a few microseconds each, where the
    // thread pool's round trips cost the incremental split (which appends one commit) ~15 ms.
    truncateSync(this.file("commits.bin"), state.count * 20);
    appendFileSync(this.file("commits.bin"), Buffer.concat(newIds.map((id) => Buffer.from(id, "hex"))));
    crashPoint("split:during-cache");
    for (const delta of deltas) {
      const old = state.workers[delta.id]!;
      truncateSync(this.file(`${delta.id}.translate`), state.count * 4);
      appendFileSync(this.file(`${delta.id}.translate`), Buffer.from(delta.translate.buffer, delta.translate.byteOffset, delta.translate.byteLength));
      truncateSync(this.file(`${delta.id}.kept`), old.kept * 24);
      appendFileSync(this.file(`${delta.id}.kept`), delta.kept);
    }
    this.close();
    const next: CacheState = { ...state, tip, count: state.count + newIds.length, workers: workersOf(deltas) };
    await writeFileAtomic(join(this.root, "state.json"), JSON.stringify(next));
  }

  /** Writes a whole new generation (after a full split), then points state.json at it. */
  static async writeFull(root: string, branch: string, tip: string, ids: string[], deltas: WorkerDelta[]): Promise<void> {
    const generation = `g${Date.now().toString(36)}${process.pid.toString(36)}`;
    const dir = join(root, generation);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "commits.bin"), Buffer.concat(ids.map((id) => Buffer.from(id, "hex"))));
    crashPoint("split:during-cache");
    for (const delta of deltas) {
      await writeFile(join(dir, `${delta.id}.translate`), Buffer.from(delta.translate.buffer, delta.translate.byteOffset, delta.translate.byteLength));
      await writeFile(join(dir, `${delta.id}.kept`), delta.kept);
    }
    const state: CacheState = { version: VERSION, branch, tip, count: ids.length, generation, workers: workersOf(deltas) };
    await writeFileAtomic(join(root, "state.json"), JSON.stringify(state));
    for (const entry of await readdir(root)) {
      if (entry !== generation && entry !== "state.json" && !entry.endsWith(".tmp")) await rm(join(root, entry), { recursive: true, force: true });
    }
  }
}

function workersOf(deltas: WorkerDelta[]): Record<string, CachedWorker> {
  return Object.fromEntries(deltas.map((d) => [d.id, { fingerprint: d.fingerprint, kept: d.keptTotal, tipImage: d.tipImage, tree: [...d.tree.entries()] }]));
}

function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, done);
    if (n === 0) break;
    done += n;
  }
  return buf;
}
