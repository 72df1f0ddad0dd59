// The example fleet carved out for real: generated monorepo, fleet init, create --all, sync --all.
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { generateExample, type ExampleLayout, type GeneratedExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

export const IDENTITY = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc" };

export async function carvedFleet(layout: ExampleLayout, commits = 300): Promise<{ dir: string; example: GeneratedExample; create: Awaited<ReturnType<typeof runFleet>>; sync: Awaited<ReturnType<typeof runFleet>> }> {
  const dir = join(await tempDir(), layout);
  const example = await generateExample(dir, { layout, commits });
  await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
  const init = await runFleet(["init", "--cwd", dir]);
  if (init.code !== 0) throw new Error(init.stderr);
  const create = await runFleet(["create", "--all", "--cwd", dir], IDENTITY);
  const sync = await runFleet(["sync", "--all", "--cwd", dir], IDENTITY);
  return { dir, example, create, sync };
}

export async function cloneWorker(dir: string, repo: string): Promise<string> {
  const clone = join(await tempDir("fleet-clone-"), repo);
  await git(["clone", "-q", join(dir, ".fleet", "forge", "chittyos", `${repo}.git`), clone], { cwd: dir });
  return clone;
}
