// Reads many blobs through one `git cat-file --batch` instead of a process per file.
import { spawn } from "node:child_process";

export class CatFile {
  private readonly child;
  private buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (v: { type: string; content: Buffer } | undefined) => void; reject: (e: Error) => void }[] = [];

  /** `env`: over the process's environment (GIT_ALTERNATE_OBJECT_DIRECTORIES, say: see SharedObjectReader). */
  constructor(repo: string, env?: Record<string, string>) {
    this.child = spawn("git", ["cat-file", "--batch"], { cwd: repo, stdio: ["pipe", "pipe", "ignore"], ...(env ? { env: { ...process.env, ...env } } : {}) });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    this.child.on("error", (error) => this.waiting.splice(0).forEach((w) => w.reject(error)));
  }

  /** Contents of `rev:path` (or any object name), or undefined when it does not exist. */
  async read(object: string): Promise<Buffer | undefined> {
    return (await this.object(object))?.content;
  }

  /** A file's text at `rev:path`; undefined when there is no file there (nothing, or a folder). */
  async text(object: string): Promise<string | undefined> {
    const found = await this.object(object);
    return found?.type === "blob" ? found.content.toString("utf8") : undefined;
  }

  /** The object's type and contents, or undefined when it does not exist. */
  object(object: string): Promise<{ type: string; content: Buffer } | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${object}\n`);
    });
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const eol = this.buffer.indexOf(10);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const [, type = "", size = "0"] = header.split(" ");
      const length = Number(size);
      if (this.buffer.length < eol + 1 + length + 1) return;
      const content = this.buffer.subarray(eol + 1, eol + 1 + length);
      this.buffer = this.buffer.subarray(eol + 1 + length + 1);
      this.waiting.shift()!.resolve({ type, content: Buffer.from(content) });
    }
  }

  close(): void {
    this.child.stdin.end();
  }
}
