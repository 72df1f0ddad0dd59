// A small worker repository written from its files and committed: what the deploy tests of single
// workers build on (a config, an entry, whatever else the case needs).
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { git } from "../../src/git/git.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

/** Writes `files` (path → content) under `dir`, without committing (a case may add a symlink first). */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** Makes `dir` a repository whose main holds everything in it. */
export async function commitAll(dir: string, message = "worker"): Promise<string> {
  await git(["init", "-q", "--initial-branch=main"], { cwd: dir });
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-qm", message], { cwd: dir, env: IDENTITY });
  return dir;
}

/** A committed worker repository of `files`. */
export async function workerFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<string> {
  return commitAll(await writeFiles(dir, files));
}
