// Every split must be commit-for-commit what git filter-repo makes of the same history.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitText } from "../../src/git/git.js";
import { splitFleet, type SplitTarget } from "../../src/history/split.js";
import { ScriptedRepo } from "../helpers/history.js";
import { filterRepoTip } from "../helpers/oracle.js";

/** A history with each shape the rules treat specially. */
async function trickyHistory(): Promise<ScriptedRepo> {
  const repo = await ScriptedRepo.create();
  await repo.commit("chore: root commit outside every worker", { "README.md": "hello\n" });
  await repo.commit("feat(api): first version", { "workers/api/index.js": "v1\n", "src/services/api.js": "a1\n", "src/lib/util.js": "u1\n" });
  await repo.commit("chore: an empty commit");
  await repo.commit("docs: touch only docs", { "docs/guide.md": "g1\n" });
  await repo.commit("chore: empty after a pruned commit");
  // a side branch that only touches docs: its merge becomes degenerate for the workers
  await repo.checkout("docs-side", true);
  await repo.commit("docs: side change", { "docs/guide.md": "g2\n" });
  await repo.checkout("main");
  await repo.commit("feat(api): v2", { "workers/api/index.js": "v2\n" });
  await repo.merge("docs-side", "Merge branch 'docs-side'");
  // a real merge: both sides touch the worker
  await repo.checkout("feature", true);
  await repo.commit("feat(api): feature work", { "workers/api/feature.js": "f1\n", "src/services/api.js": "a2\n" });
  await repo.checkout("main");
  await repo.commit("fix(api): hotfix", { "workers/api/index.js": "v3\n", "src/lib/util.js": "u2\n" });
  await repo.merge("feature", "Merge branch 'feature'");
  // renames into and out of the paths
  await repo.commit("refactor: move helper into the worker", { "shared/helper.js": null, "workers/api/helper.js": "h1\n" });
  await repo.commit("refactor: move a file out of the worker", { "workers/api/feature.js": null, "archive/feature.js": "f1\n" });
  await repo.commit("refactor: rename the service", { "src/services/api.js": null, "src/services/api-v2.js": "a2\n" });
  // a fast-forward-able merge: main did nothing for the worker since the fork
  await repo.checkout("ff", true);
  await repo.commit("feat(api): on a branch", { "workers/api/index.js": "v4\n" });
  await repo.checkout("main");
  await repo.commit("docs: meanwhile on main", { "docs/guide.md": "g3\n" });
  await repo.merge("ff", "Merge branch 'ff'");
  // a merge that keeps main's side only (-s ours) of a branch that changed the worker
  await repo.checkout("discarded", true);
  await repo.commit("feat(api): an idea", { "workers/api/index.js": "idea\n" });
  await repo.checkout("main");
  await repo.commit("docs: more", { "docs/guide.md": "g4\n" });
  await repo.merge("discarded", "Merge branch 'discarded'", ["-s", "ours"]);
  // an evil merge: both sides only touch docs, the merge itself edits the worker
  await repo.checkout("evil", true);
  await repo.commit("docs: evil side", { "docs/evil.md": "e\n" });
  await repo.checkout("main");
  await repo.commit("docs: main side", { "docs/guide.md": "g5\n" });
  await repo.mergeWithEdit("evil", "Merge evil with an edit", { "workers/api/index.js": "evil\n", "src/lib/util.js": "u-evil\n" });
  // an unrelated history merged in
  await repo.orphan("imported");
  await repo.commit("feat: imported project", { "vendor/lib.js": "l1\n", "workers/api/vendored.js": "x1\n" });
  await repo.commit("feat: imported change", { "vendor/lib.js": "l2\n" });
  await repo.checkout("main");
  await repo.merge("imported", "Merge imported project");
  await repo.commit("feat(api): after the import", { "workers/api/index.js": "v5\n", "src/lib/util.js": "u3\n", "file with space.js": "s\n" });
  await repo.commit("chore: an empty commit at the tip");
  return repo;
}

const HAND_TARGETS: SplitTarget[] = [
  { id: "api-dir", filter: { subdirectory: "workers/api" } },
  { id: "api-paths", filter: { paths: ["src/services/api.js", "src/services/api-v2.js", "src/lib/util.js"] } },
  { id: "docs", filter: { paths: ["docs"] } },
  { id: "vendor", filter: { paths: ["vendor/lib.js", "file with space.js"] } },
  { id: "shared", filter: { paths: ["shared", "archive"] } },
  { id: "nothing", filter: { paths: ["does/not/exist.js"] } },
];

describe("fleet split against git filter-repo, hand-built histories", () => {
  let repo: ScriptedRepo;
  let splits: Awaited<ReturnType<typeof splitFleet>>;
  beforeAll(async () => {
    repo = await trickyHistory();
    splits = await splitFleet(repo.dir, HAND_TARGETS, { branch: "main" });
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

  it("keeps authors, committers, dates and messages byte for byte", async () => {
    const split = splits.find((s) => s.id === "api-dir")!;
    const log = await gitText(["log", "--format=%an|%ae|%ad|%cn|%cd|%s", "--date=raw", split.commit!], { cwd: repo.dir });
    expect(log).toContain("Ada Lovelace|ada@chitty.cc|");
    expect(log).toContain("|Grace Hopper|");
    expect(log).toMatch(/\+0200\|feat\(api\): first version/);
  });
});
