// Writes rewritten commits to one `git fast-import`, buffered, with backpressure.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { ExportedCommit, FileChange } from "./fast-export.js";
import { quotePath } from "./quoting.js";

const FLUSH_BYTES = 256 * 1024;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

// The author, committer, encoding and message of a commit are the same bytes in every worker's
// split that keeps it: serialize them once.
const serialized = new WeakMap<ExportedCommit, Buffer>();

function identityAndMessage(source: ExportedCommit): Buffer {
  let bytes = serialized.get(source);
  if (!bytes) {
    const parts = [Buffer.from("author "), source.author, Buffer.from("\ncommitter "), source.committer, Buffer.from("\n")];
    if (source.encoding) parts.push(Buffer.from("encoding "), source.encoding, Buffer.from("\n"));
    parts.push(Buffer.from(`data ${source.message.length}\n`), source.message, Buffer.from("\n"));
    bytes = Buffer.concat(parts);
    serialized.set(source, bytes);
  }
  return bytes;
}

export class ImportStream {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly stdin: Writable) {}

  /**
   * One commit on `ref`. Parents are marks (":12") or commit ids; with none, the ref is reset
   * first, because fast-import would otherwise continue from the ref's current tip.
   */
  commit(ref: string, mark: number, source: ExportedCommit, parents: string[], changes: readonly FileChange[]): void {
    let text = parents.length === 0 ? `reset ${ref}\ncommit ${ref}\nmark :${mark}\n` : `commit ${ref}\nmark :${mark}\n`;
    this.text(text);
    this.raw(identityAndMessage(source));
    text = "";
    parents.forEach((p, i) => (text += `${i === 0 ? "from" : "merge"} ${p}\n`));
    for (const change of changes) {
      if (change.type === "M") text += `M ${change.mode} ${change.id} ${quotePath(change.path)}\n`;
      else if (change.type === "D") text += `D ${quotePath(change.path)}\n`;
    }
    this.text(`${text}\n`);
  }

  text(s: string): void {
    this.raw(Buffer.from(s, "utf8"));
  }

  private raw(part: Buffer): void {
    this.chunks.push(part);
    this.size += part.length;
  }

  /** Writes what is buffered once it is large; waits when fast-import is behind. */
  async maybeFlush(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    // Keep computing while fast-import works through what is queued; wait only when far ahead.
    this.stdin.write(data);
    if (this.stdin.writableLength > MAX_QUEUED_BYTES) await once(this.stdin, "drain");
  }

  async end(): Promise<void> {
    await this.flush();
    this.stdin.end();
  }
}
