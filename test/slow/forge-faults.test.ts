// A forge that fails on purpose (the GitHub stand-in): a worker repository git cannot reach is
// named and the others are synced. fleet create's retries (real backoff, tens of seconds) are
// tried in the slow suite (test/slow/forge-retries.test.ts).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { git } from "../../src/git/git.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import type { GitHubStandIn } from "../forge/github-stand-in.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { FAULTY_FORGE_ENV, faultyForge } from "../reliability/faulty-forge.fixture.js";

describe("a forge that fails on purpose", () => {
  let github: GitHubStandIn;
  let dir: string;
  const env = FAULTY_FORGE_ENV;
  beforeAll(async () => {
    ({ github, dir } = await faultyForge());
    const create = await runFleet(["create", "canon", "docs", "registry", "--cwd", dir], env);
    expect(create.code, create.stderr).toBe(0);
  }, 120_000);
  afterAll(() => github.stop());

  it("a worker repository git cannot reach: fleet sync merges the others, names it, exits 1; the re-run finishes it", async () => {
    // unreachable each time git asks: when sync reads every repository's main, and when it reads this one again
    const unreachable = { match: /^GET \/chittyos\/chittyos-docs-worker\.git\/info\/refs$/, status: 503 as const };
    github.gitFaults.push(unreachable, unreachable);
    const first = await runFleet(["sync", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(first.code, first.stderr).toBe(1);
    const workers = JSON.parse(first.stdout).workers as { id: string; status: string; detail?: string }[];
    expect(workers.map((w) => [w.id, w.status])).toEqual([["canon", "merged"], ["docs", "failed"], ["registry", "merged"]]);
    expect(workers[1]!.detail, workers[1]!.detail).toMatch(/could not read the worker repository: git ls-remote .*chittyos-docs-worker.git .*failed.*; run fleet sync again/);
    const second = await runFleet(["sync", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout).workers as { id: string; status: string }[]).map((w) => [w.id, w.status])).toEqual([["canon", "up-to-date"], ["docs", "merged"], ["registry", "up-to-date"]]);
  }, 180_000);

  it("after a commit touching one worker, sync reads each repository's main and nothing more from the others; only that worker's repository is pushed to", async () => {
    const manifest = parseJsonc(await readFile(join(dir, "fleet.jsonc"), "utf8")) as { workers: Record<string, { source: { file: string } }> };
    const file = join(dir, manifest.workers.canon!.source.file);
    await writeFile(file, `${await readFile(file, "utf8")}// once more\n`);
    await git(["commit", "-qam", "fix(canon): a comment"], { cwd: dir, env: IDENTITY });
    const from = github.requests.length;
    const result = await runFleet(["sync", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout).workers as { id: string; status: string }[]).map((w) => [w.id, w.status])).toEqual([["canon", "merged"], ["docs", "up-to-date"], ["registry", "up-to-date"]]);
    const gitCalls = (repo: string, what: string) => github.requests.slice(from).filter((r) => r.method === "POST" && r.path === `/chittyos/chittyos-${repo}-worker.git/${what}`).length;
    // one git-upload-pack request reads a repository's main (ls-remote); a fetch would make more
    expect(["canon", "docs", "registry"].map((id) => [id, gitCalls(id, "git-upload-pack"), gitCalls(id, "git-receive-pack")])).toEqual([
      ["canon", 1, 1],
      ["docs", 1, 0],
      ["registry", 1, 0],
    ]);
  }, 120_000);
});
