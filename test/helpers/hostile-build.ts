// A team's custom build step that writes its whole environment to a file, pushed to a worker
// repository as anyone with write access could: what a deploy by the platform team would hand it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { git } from "../../src/git/git.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { tempDir } from "./tmp.js";

/** Adds `build.command` (env appended to `dump`, then a marker line) to the repository's wrangler.jsonc and pushes it. */
export async function pushHostileBuild(repository: string, dump: string): Promise<void> {
  const clone = join(await tempDir("fleet-hostile-push-"), "repo");
  await git(["clone", "-q", repository, clone], { cwd: join(clone, "..") });
  const config = join(clone, "wrangler.jsonc");
  const command = `sh -c 'env >> ${dump}; echo ${BUILD_RAN} >> ${dump}'`;
  await writeFile(config, (await readFile(config, "utf8")).replace("{", `{\n  "build": { "command": ${JSON.stringify(command)} },`));
  await git(["commit", "-qam", "build: a custom build step"], { cwd: clone, env: IDENTITY });
  await git(["push", "-q", "origin", "HEAD:main"], { cwd: clone });
}

/** The line the build writes after the environment each time it runs. */
export const BUILD_RAN = "===fleet-build-ran===";

/** What the dump holds: how many times the build ran, and the variable names it saw. */
export async function readDump(dump: string): Promise<{ runs: number; names: string[]; text: string }> {
  const text = await readFile(dump, "utf8");
  return { runs: text.split(BUILD_RAN).length - 1, names: text.split("\n").map((l) => l.split("=")[0]!), text };
}
