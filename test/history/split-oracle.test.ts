// Every split must be commit-for-commit what git filter-repo makes of the same history.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitText } from "../../src/git/git.js";
import { splitFleet } from "../../src/history/split.js";
import type { ScriptedRepo } from "../helpers/history.js";
import { HAND_TARGETS, trickyHistory } from "./tricky-history.js";
import { filterRepoTip } from "../helpers/oracle.js";

describe("fleet split against git filter-repo, hand-built histories", () => {
  let repo: ScriptedRepo;
  let splits: Awaited<ReturnType<typeof splitFleet>>["workers"];
  let treesHeld: number;
  beforeAll(async () => {
    repo = await trickyHistory();
    // every commit swept: a tree let go too early would fail the split or change an id
    const run = await splitFleet(repo.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    splits = run.workers;
    treesHeld = run.treesHeld;
  });

  for (const target of HAND_TARGETS) {
    it(`${target.id}: same tip commit id as filter-repo`, async () => {
      const expected = await filterRepoTip(repo.dir, "main", target.filter);
      const split = splits.find((s) => s.id === target.id)!;
      expect(split.commit ?? undefined).toBe(expected);
      if (split.commit) {
        expect(await gitText(["rev-parse", split.ref], { cwd: repo.dir })).toBe(split.commit);
        expect(Number(await gitText(["rev-list", "--count", split.commit], { cwd: repo.dir }))).toBe(split.commits);
      }
    });
  }

  it("holds at the end no tree but the tip's, every worker", () => {
    expect(treesHeld).toBeLessThanOrEqual(1);
    expect(Math.max(...splits.map((s) => s.commits))).toBeGreaterThan(3);
  });

  it("keeps authors, committers, dates and messages byte for byte", async () => {
    const split = splits.find((s) => s.id === "api-dir")!;
    const log = await gitText(["log", "--format=%an|%ae|%ad|%cn|%cd|%s", "--date=raw", split.commit!], { cwd: repo.dir });
    expect(log).toContain("Ada Lovelace|ada@chitty.cc|");
    expect(log).toContain("|Grace Hopper|");
    expect(log).toMatch(/\+0200\|feat\(api\): first version/);
  });
});
