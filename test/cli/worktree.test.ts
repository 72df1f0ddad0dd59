// Every command from a linked `git worktree` of the monorepo: there `.git` is a file, and fleet's
// state (manifest record, split cache, lock, filters) lives in the common git directory shared by
// every work tree — not beside the work tree, where writing `.git/fleet` fails with ENOTDIR.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { setManifest } from "../forge/github-fixture.js";

describe("fleet in a linked git worktree", () => {
  let main: string;
  let linked: string;

  beforeAll(async () => {
    const root = await tempDir("fleet-worktree-");
    main = join(root, "monorepo");
    linked = join(root, "linked");
    await generateExample(main, { layout: "router", commits: 30 });
    expect((await runFleet(["init", "--cwd", main])).code).toBe(0);
    await git(["add", "fleet.jsonc"], { cwd: main });
    await git(["commit", "-qm", "fleet manifest"], { cwd: main, env: IDENTITY });
    await git(["worktree", "add", "-q", "-b", "side", linked], { cwd: main });
  }, 120_000);

  it("plans, splits, creates, syncs, deploys and reports from the linked work tree, its state in the common git directory", async () => {
    for (const args of [["plan", "--json"], ["split", "registry"], ["create", "registry"], ["sync", "registry"], ["deploy", "registry"], ["status", "registry", "--json"]]) {
      const result = await runFleet([...args, "--cwd", linked], IDENTITY);
      expect(result.code, `fleet ${args.join(" ")}: ${result.stderr}`).toBe(0);
      expect(result.stderr).not.toContain("ENOTDIR");
    }
    // one place for both work trees: the main one's git directory
    for (const file of ["manifest.json", "filters.json", "split"]) expect(existsSync(join(main, ".git", "fleet", file)), file).toBe(true);
    const fromMain = await runFleet(["status", "registry", "--json", "--cwd", main], IDENTITY);
    expect(fromMain.code, fromMain.stderr).toBe(0);
    // with the manifest naming main, --apply from here would move main under the main work tree,
    // which has it checked out
    await setManifest(linked, ["monorepo", "branch"], "main");
    const head = await git(["rev-parse", "main"], { cwd: main });
    const apply = await runFleet(["cutover", "project-initiation", "--apply", "--cwd", linked], IDENTITY);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain(`main is checked out in another work tree (${main})`);
    expect((await git(["rev-parse", "main"], { cwd: main })).stdout).toBe(head.stdout);
  }, 240_000);
});
