// Streams commits into one `git fast-import`. Input is buffered in modest chunks and written
// with backpressure, so a 100k-commit history never sits in memory as one string.
import { once } from "node:events";
import type { Writable } from "node:stream";

/** Who and when, in fast-import's raw date format. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** Offset such as "+0530". */
  tz: string;
}

export interface FileChange {
  path: string;
  /** New content, or null to delete the path. */
  content: string | null;
}

export interface ImportCommit {
  ref: string;
  mark: number;
  author: Signature;
  committer: Signature;
  message: string;
  /** Parent mark when the commit does not continue its ref's current tip. */
  from?: number;
  /** Second parent mark, for merges. */
  merge?: number;
  files: FileChange[];
}

const FLUSH_BYTES = 256 * 1024;

export class FastImportWriter {
  private chunks: string[] = [];
  private pending = 0;
  private failure: Promise<never>;

  /** `exited` settles when the fast-import process ends; an early end aborts writing. */
  constructor(
    private readonly stdin: Writable,
    exited: Promise<void>,
  ) {
    this.failure = exited.then(() => {
      throw new Error("git fast-import exited before its input ended");
    });
    // Rejections surface through the awaited race below or the caller's own await.
    this.failure.catch(() => {});
    stdin.on("error", () => {});
  }

  async commit(commit: ImportCommit): Promise<void> {
    const lines = [
      `commit ${commit.ref}\n`,
      `mark :${commit.mark}\n`,
      `author ${signature(commit.author)}\n`,
      `committer ${signature(commit.committer)}\n`,
      data(commit.message),
    ];
    if (commit.from !== undefined) lines.push(`from :${commit.from}\n`);
    if (commit.merge !== undefined) lines.push(`merge :${commit.merge}\n`);
    for (const file of commit.files) {
      if (file.content === null) lines.push(`D ${file.path}\n`);
      else lines.push(`M 100644 inline ${file.path}\n`, data(file.content));
    }
    lines.push("\n");
    await this.push(lines.join(""));
  }

  /** Removes a ref that was only needed while importing. */
  async deleteRef(ref: string): Promise<void> {
    await this.push(`reset ${ref}\nfrom ${"0".repeat(40)}\n\n`);
  }

  /** Writes the `done` terminator and closes the stream. */
  async end(): Promise<void> {
    await this.push("done\n");
    await this.flush();
    this.stdin.end();
  }

  private async push(text: string): Promise<void> {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join("");
    this.chunks = [];
    this.pending = 0;
    if (!this.stdin.write(text)) {
      await Promise.race([once(this.stdin, "drain"), this.failure]);
    }
  }
}

function signature(who: Signature): string {
  return `${who.name} <${who.email}> ${who.time} ${who.tz}`;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}
