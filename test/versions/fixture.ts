// The example with worker repositories created and synced, and what a worker team does to one of
// them: a release as release-please's merged release PR leaves it (package.json at the version,
// a commit `chore(main): release X.Y.Z`, a tag vX.Y.Z), a later commit.
import type { WorkerVersion } from "../../src/api/versions.js";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

export const TEAM = { GIT_AUTHOR_NAME: "Team", GIT_AUTHOR_EMAIL: "team@chitty.cc", GIT_COMMITTER_NAME: "Team", GIT_COMMITTER_EMAIL: "team@chitty.cc" };
export const RELEASE_DATE = "2026-03-02T10:00:00+00:00";

/** One worker as `fleet versions --json` reports it. */
export type Version = WorkerVersion;

export async function ok(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const run = await runFleet([...args, "--cwd", dir], env);
  expect(run.code, `fleet ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

export async function versionsOf(dir: string, ids: string[], env: Record<string, string> = {}): Promise<Version[]> {
  return (JSON.parse(await ok(dir, ["versions", ...ids, "--json"], env)) as { workers: Version[] }).workers;
}

/** The router example with `workers`' repositories on the local forge, created and synced; and a clone of the first. */
export async function exampleWithRepositories(workers: string[]): Promise<{ dir: string; clone: string; forge: string }> {
  const root = await tempDir("fleet-versions-");
  const dir = join(root, "mono");
  await generateExample(dir, { layout: "router", commits: 8 });
  for (const args of [["init"], ["create", ...workers], ["sync", ...workers]]) await ok(dir, args);
  const forge = join(dir, ".fleet", "forge", "chittyos");
  const clone = join(root, "clone");
  await git(["clone", "-q", join(forge, `chittyos-${workers[0]}-worker.git`), clone], { cwd: root });
  return { dir, clone, forge };
}

/** What release-please's merged release PR leaves on main, pushed with its tag; returns the tagged commit. */
export async function release(clone: string, version: string, tag = `v${version}`): Promise<string> {
  const file = join(clone, "package.json");
  const pkg = JSON.parse(await readFile(file, "utf8")) as { version: string };
  await writeFile(file, `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
  const dated = { ...TEAM, GIT_AUTHOR_DATE: RELEASE_DATE, GIT_COMMITTER_DATE: RELEASE_DATE };
  await git(["commit", "-qam", `chore(main): release ${version}`], { cwd: clone, env: dated });
  await git(["tag", tag], { cwd: clone });
  await git(["push", "-q", "origin", "main", tag], { cwd: clone });
  return gitText(["rev-parse", "HEAD"], { cwd: clone });
}

/** A team's commit on main after the release, pushed; returns it. */
export async function commitAfter(clone: string, file: string, message: string): Promise<string> {
  await writeFile(join(clone, file), `${message}\n`);
  await git(["add", file], { cwd: clone });
  await git(["commit", "-qm", message], { cwd: clone, env: TEAM });
  await git(["push", "-q", "origin", "main"], { cwd: clone });
  return gitText(["rev-parse", "HEAD"], { cwd: clone });
}
