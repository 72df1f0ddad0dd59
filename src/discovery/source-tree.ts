// The monorepo's files as discovery sees them: the paths git tracks (plus untracked files that
// are not ignored), read from the work tree. Paths are repository-relative with forward slashes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { CatFile } from "../git/cat-file.js";
import { git, GitError, gitText } from "../git/git.js";

export class SourceTree {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  private constructor(
    readonly root: string,
    readonly files: ReadonlySet<string>,
    private readonly reader: (path: string) => Promise<string | undefined> = (path) => readFile(join(root, path), "utf8").catch(() => undefined),
    /** The commit read, when the tree is a commit's rather than the work tree. */
    readonly commit?: string,
    /** Blob id of each file, when the tree is a commit's. */
    private readonly blobs?: ReadonlyMap<string, string>,
  ) {}

  /** The file's blob id, when known: content-addressed facts can be remembered across runs. */
  blobId(path: string): string | undefined {
    return this.blobs?.get(path);
  }

  /**
   * The tree of a commit, as committed: what a split of that commit contains, whatever the
   * work tree holds. Call close() when done.
   */
  static async atCommit(root: string, rev: string): Promise<SourceTree> {
    // A commit id read from a ref already is one: no process to ask git again.
    const commit = /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(rev) ? rev : await gitText(["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root });
    const { stdout } = await git(["ls-tree", "-r", "-z", "--full-tree", commit], { cwd: root });
    const blobs = new Map<string, string>();
    for (const entry of stdout.split("\0")) {
      const tab = entry.indexOf("\t");
      if (tab > 0) blobs.set(entry.slice(tab + 1), entry.slice(0, tab).split(" ")[2]!);
    }
    const cat = new CatFile(root);
    const tree = new SourceTree(root, new Set(blobs.keys()), async (path) => (await cat.read(blobs.get(path)!))?.toString("utf8"), commit, blobs);
    tree.closers.push(() => cat.close());
    return tree;
  }

  private readonly closers: (() => void)[] = [];

  close(): void {
    this.closers.splice(0).forEach((close) => close());
  }

  /** Opens the git work tree at `root`; a folder that is not a git repository is a user error. */
  static async open(root: string): Promise<SourceTree> {
    try {
      // .fleet/ holds fleet's own local forge and cloud state, never the monorepo's code.
      const { stdout } = await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".", ":(exclude).fleet"], { cwd: root });
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

  /** Facts of modules by blob id, kept across runs by whoever sets it (see plan/split-filters). */
  factsMemory?: Map<string, import("./js-module.js").ModuleFacts>;

  /** Computes something about the tree once (a module's parsed facts, say). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /**
   * Every file read so far, and how: for its text, or only for the facts of its module (imports,
   * env reads). A later tree whose only changes are to files not read, or to modules whose facts
   * are the same, gives the same result (see plan/split-filters). Which paths exist is a
   * dependency of everything, so adding or removing a file always counts as a change.
   */
  readonly inputs = new Map<string, "text" | "facts">();

  /** Records that only `path`'s module facts were used (remembered by blob id, so not read). */
  usedFacts(path: string): void {
    if (!this.inputs.has(path)) this.inputs.set(path, "facts");
  }

  /** Contents of a tracked file, or undefined when it is not in the tree; `facts`: read only to parse the module's facts. */
  read(path: string, use: "text" | "facts" = "text"): Promise<string | undefined> {
    if (!this.files.has(path)) return Promise.resolve(undefined);
    if (use === "text") this.inputs.set(path, "text");
    else this.usedFacts(path);
    let pending = this.cache.get(path);
    if (!pending) {
      pending = this.reader(path);
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
