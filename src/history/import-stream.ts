// Writes rewritten commits to one `git fast-import`, buffered, with backpressure.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { ExportedCommit, FileChange } from "./fast-export.js";
import { quotePath } from "./quoting.js";

const FLUSH_BYTES = 512 * 1024;

export class ImportStream {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly stdin: Writable) {}

  /**
   * One commit on `ref`. Parents are marks (":12") or commit ids; with none, the ref is reset
   * first, because fast-import would otherwise continue from the ref's current tip.
   */
  commit(ref: string, mark: number, source: ExportedCommit, parents: string[], changes: readonly FileChange[]): void {
    const head: string[] = [];
    if (parents.length === 0) head.push(`reset ${ref}`);
    head.push(`commit ${ref}`, `mark :${mark}`);
    this.text(`${head.join("\n")}\n`);
    this.raw(Buffer.from("author "), source.author, Buffer.from("\ncommitter "), source.committer, Buffer.from("\n"));
    if (source.encoding) this.raw(Buffer.from("encoding "), source.encoding, Buffer.from("\n"));
    this.raw(Buffer.from(`data ${source.message.length}\n`), source.message, Buffer.from("\n"));
    const lines: string[] = [];
    parents.forEach((p, i) => lines.push(`${i === 0 ? "from" : "merge"} ${p}`));
    for (const change of changes) {
      if (change.type === "M") lines.push(`M ${change.mode} ${change.id} ${quotePath(change.path)}`);
      else if (change.type === "D") lines.push(`D ${quotePath(change.path)}`);
    }
    this.text(`${lines.join("\n")}${lines.length ? "\n" : ""}\n`);
  }

  text(s: string): void {
    this.raw(Buffer.from(s, "utf8"));
  }

  private raw(...parts: Buffer[]): void {
    for (const part of parts) {
      this.chunks.push(part);
      this.size += part.length;
    }
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
    if (!this.stdin.write(data)) await once(this.stdin, "drain");
  }

  async end(): Promise<void> {
    await this.flush();
    this.stdin.end();
  }
}
