// Small monorepos written file by file, for tests that need one precise situation.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { git } from "../../src/git/git.js";
import { tempDir } from "./tmp.js";

/** Writes `files` into a new git repository (files left untracked but not ignored). */
export async function fixtureRepo(files: Record<string, string>): Promise<string> {
  const dir = await tempDir("fleet-fixture-");
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}
