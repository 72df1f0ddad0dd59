// The example fleet, every worker of both layouts, against git filter-repo.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { splitFleet, type SplitTarget } from "../../src/history/split.js";
import { parseManifest } from "../../src/manifest/load.js";
import { planFleet } from "../../src/plan/plan.js";
import { filterRepoTip } from "../helpers/oracle.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

async function exampleTargets(layout: "router" | "directories"): Promise<{ dir: string; targets: SplitTarget[] }> {
  const dir = join(await tempDir(), layout);
  await generateExample(dir, { layout, commits: 300 });
  await runFleet(["init", "--cwd", dir]);
  const plan = await planFleet(parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8")), dir);
  return { dir, targets: plan.workers.flatMap((w) => (w.filter ? [{ id: w.id, filter: w.filter }] : [])) };
}

async function inPairs<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 2) await Promise.all(items.slice(i, i + 2).map(each));
}

for (const layout of ["router", "directories"] as const) {
  describe(`fleet split of the ${layout} example against git filter-repo`, () => {
    it("gives every worker the commit id filter-repo gives", async () => {
      const { dir, targets } = await exampleTargets(layout);
      expect(targets.length).toBeGreaterThanOrEqual(34);
      // swept after every commit: a tree let go too early would fail the split or change an id
      const { workers: splits, treesHeld } = await splitFleet(dir, targets, { branch: "main", sweepEvery: 1 });
      expect(treesHeld).toBeLessThanOrEqual(1);
      const mismatches: string[] = [];
      await inPairs(targets, async (target) => {
        const expected = await filterRepoTip(dir, "main", target.filter);
        const got = splits.find((s) => s.id === target.id)!.commit ?? undefined;
        if (got !== expected) mismatches.push(`${target.id}: fleet ${got}, filter-repo ${expected}`);
      });
      expect(mismatches).toEqual([]);
      expect(splits.every((s) => s.commits > 0)).toBe(true);
    }, 300_000);
  });
}
