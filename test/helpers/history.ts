// Hand-built git histories with fixed identities and dates, for exact commit-id comparisons.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "./tmp.js";

export class ScriptedRepo {
  private clock = 1_700_000_000;
  private constructor(readonly dir: string) {}

  static async create(): Promise<ScriptedRepo> {
    const dir = await tempDir("fleet-history-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    return new ScriptedRepo(dir);
  }

  private env(): Record<string, string> {
    this.clock += 60;
    const date = `${this.clock} +0200`;
    return {
      GIT_AUTHOR_NAME: "Ada Lovelace", GIT_AUTHOR_EMAIL: "ada@chitty.cc", GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: "Grace Hopper", GIT_COMMITTER_EMAIL: "grace@chitty.cc", GIT_COMMITTER_DATE: date,
      GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null",
    };
  }

  run(args: string[]) {
    return git(args, { cwd: this.dir, env: this.env() });
  }

  /** Writes (string) or deletes (null) files, then commits everything. */
  async commit(message: string, files: Record<string, string | null> = {}): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (content === null) await rm(full, { recursive: true, force: true });
      else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    await this.run(["add", "-A"]);
    await this.run(["commit", "-q", "--allow-empty", "-m", message]);
    return this.head();
  }

  async checkout(branch: string, create = false): Promise<void> {
    await this.run(create ? ["checkout", "-q", "-b", branch] : ["checkout", "-q", branch]);
  }

  async orphan(branch: string): Promise<void> {
    await this.run(["checkout", "-q", "--orphan", branch]);
    await this.run(["rm", "-rq", "--cached", "--ignore-unmatch", "."]);
    await this.run(["clean", "-fdq"]);
  }

  async merge(branch: string, message: string, extra: string[] = []): Promise<string> {
    await this.run(["merge", "-q", "--no-ff", "--allow-unrelated-histories", ...extra, "-m", message, branch]);
    return this.head();
  }

  /** A merge whose commit also changes files (an "evil" merge). */
  async mergeWithEdit(branch: string, message: string, files: Record<string, string>): Promise<string> {
    await this.run(["merge", "-q", "--no-ff", "--no-commit", branch]);
    return this.commit(message, files);
  }

  head(): Promise<string> {
    return gitText(["rev-parse", "HEAD"], { cwd: this.dir });
  }
}
