// The monorepo's files as discovery sees them: the paths git tracks (plus untracked files that
// are not ignored), read from the work tree. Paths are repository-relative with forward slashes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { git, GitError } from "../git/git.js";

export class SourceTree {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  private constructor(
    readonly root: string,
    readonly files: ReadonlySet<string>,
  ) {}

  /** Opens the git work tree at `root`; a folder that is not a git repository is a user error. */
  static async open(root: string): Promise<SourceTree> {
    try {
      const { stdout } = await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root });
      return new SourceTree(root, new Set(stdout.split("\0").filter(Boolean)));
    } catch (error) {
      if (error instanceof GitError && /not a git repository/i.test(error.stderr)) {
        throw new UserError(`${root} is not a git repository`, {
          hint: "run fleet in the monorepo's work tree (its history is what gets split)",
          cause: error,
        });
      }
      throw error;
    }
  }

  /** For tests and tools that already know the file list. */
  static fromFiles(root: string, files: Iterable<string>): SourceTree {
    return new SourceTree(root, new Set(files));
  }

  private readonly memos = new Map<string, unknown>();

  /** Computes something about the tree once (a module's parsed facts, say). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** Contents of a tracked file, or undefined when it is not in the tree. */
  read(path: string): Promise<string | undefined> {
    if (!this.files.has(path)) return Promise.resolve(undefined);
    let pending = this.cache.get(path);
    if (!pending) {
      pending = readFile(join(this.root, path), "utf8").catch(() => undefined);
      this.cache.set(path, pending);
    }
    return pending;
  }

  /** Tracked files below `dir` (a folder path without trailing slash), sorted. */
  under(dir: string): string[] {
    const prefix = `${dir}/`;
    return [...this.files].filter((f) => f.startsWith(prefix)).sort();
  }
}
