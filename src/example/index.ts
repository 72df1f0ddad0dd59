// The deterministic example monorepo: the same options give the same commit ids on every run
// and machine, and `truth` says what discovery should find in it.
import { mkdir, readdir, stat } from "node:fs/promises";
import { devNull } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { git, GitError, gitStream, gitText } from "../git/git.js";
import { directoriesLayout } from "./directories-layout.js";
import { FastImportWriter } from "./fast-import-writer.js";
import { HistoryWriter, MAIN_REF } from "./history.js";
import { Random } from "./random.js";
import { routerLayout } from "./router-layout.js";
import type { ExampleLayout, ExampleTruth } from "./truth.js";

export type { ExampleLayout, ExampleTruth, TruthService } from "./truth.js";

export interface ExampleOptions {
  /** "router" (default): one platform worker; "directories": one folder per worker. */
  layout?: ExampleLayout;
  /** Commits to write, 1 to 100000 (default 3000). */
  commits?: number;
  /** Seed for every random choice (default 1). */
  seed?: number;
  /** Called as commits are written. */
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedExample {
  dir: string;
  /** Commit id of main. */
  head: string;
  /** Commits written. */
  commits: number;
  truth: ExampleTruth;
}

export const MAX_EXAMPLE_COMMITS = 100_000;

/** Creates the example monorepo in `dir`, which must not exist or be empty. */
export async function generateExample(dir: string, options: ExampleOptions = {}): Promise<GeneratedExample> {
  const layoutName = options.layout ?? "router";
  const commits = options.commits ?? 3000;
  const seed = options.seed ?? 1;
  if (layoutName !== "router" && layoutName !== "directories") {
    throw new UserError(`unknown example layout "${String(layoutName)}"`, { hint: "use router or directories" });
  }
  if (!Number.isInteger(commits) || commits < 1 || commits > MAX_EXAMPLE_COMMITS) {
    throw new UserError(`the example needs 1 to ${MAX_EXAMPLE_COMMITS} commits, not ${commits}`);
  }
  if (!Number.isInteger(seed)) throw new UserError(`the example seed must be a whole number, not ${seed}`);
  const target = resolve(dir);
  await prepareEmptyDir(target);

  // Only the repository we create may influence the result: no system or global config
  // (signing, hooks, default hash, autocrlf) and no GIT_DIR inherited from a caller.
  const env = {
    GIT_DIR: join(target, ".git"),
    GIT_WORK_TREE: target,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: devNull,
    GIT_CONFIG_COUNT: "0",
    GIT_CONFIG_PARAMETERS: "",
  };
  await git(["init", "--quiet", "--initial-branch=main", "--object-format=sha1"], { cwd: target, env });

  const rng = new Random(seed);
  const layout = layoutName === "router" ? routerLayout(rng) : directoriesLayout(rng);
  const importer = gitStream(["fast-import", "--quiet", "--done", "--date-format=raw"], { cwd: target, env });
  const writer = new FastImportWriter(importer.stdin, importer.done);
  let written: number;
  try {
    written = await new HistoryWriter(layout, writer, commits, rng, options.onProgress).run();
    await writer.end();
  } catch (error) {
    importer.child.kill();
    const failure = await importer.done.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    // git's own message explains more than a broken pipe does, unless we stopped it ourselves.
    throw failure instanceof GitError && failure.code !== -1 ? failure : error;
  }
  await importer.done;

  await git(["reset", "--hard", "--quiet", MAIN_REF], { cwd: target, env });
  const head = await gitText(["rev-parse", MAIN_REF], { cwd: target, env });
  return { dir: target, head, commits: written, truth: layout.truth() };
}

async function prepareEmptyDir(dir: string): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!info) {
    await mkdir(dir, { recursive: true });
    return;
  }
  if (!info.isDirectory()) {
    throw new UserError(`${dir} is a file, not a folder`, { hint: "choose a folder that does not exist yet or is empty" });
  }
  if ((await readdir(dir)).length > 0) {
    throw new UserError(`${dir} is not empty`, { hint: "choose a folder that does not exist yet or is empty" });
  }
}
