// A hand-built history with each shape filter-repo's rules treat specially.
import type { SplitTarget } from "../../src/history/split.js";
import { ScriptedRepo } from "../helpers/history.js";

/** A history with each shape the rules treat specially. */
export async function trickyHistory(checkpoint: (repo: ScriptedRepo) => Promise<void> = async () => {}): Promise<ScriptedRepo> {
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
  // a branch that forks here and is merged after the checkpoint
  await repo.checkout("feature", true);
  await repo.commit("feat(api): feature work", { "workers/api/feature.js": "f1\n", "src/services/api.js": "a2\n" });
  await repo.checkout("main");
  await checkpoint(repo);
  // a real merge: both sides touch the worker
  await repo.checkout("feature2", true);
  await repo.commit("feat(api): more feature work", { "workers/api/feature2.js": "f2\n" });
  await repo.checkout("main");
  await repo.commit("fix(api): hotfix", { "workers/api/index.js": "v3\n", "src/lib/util.js": "u2\n" });
  await repo.merge("feature", "Merge branch 'feature'");
  await repo.merge("feature2", "Merge branch 'feature2'");
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

export const HAND_TARGETS: SplitTarget[] = [
  { id: "api-dir", filter: { subdirectory: "workers/api" } },
  { id: "api-paths", filter: { paths: ["src/services/api.js", "src/services/api-v2.js", "src/lib/util.js"] } },
  { id: "docs", filter: { paths: ["docs"] } },
  { id: "vendor", filter: { paths: ["vendor/lib.js", "file with space.js"] } },
  { id: "shared", filter: { paths: ["shared", "archive"] } },
  { id: "nothing", filter: { paths: ["does/not/exist.js"] } },
  // a folder worker carrying packages it needs: its folder becomes the root, theirs keep their path
  { id: "api-carrying", filter: { paths: ["workers/api/", "shared/", "src/lib/"], renames: [["workers/api/", ""]] } },
  { id: "api-carrying-moved", filter: { paths: ["workers/api/", "src/lib/"], renames: [["workers/api/", ""], ["src/lib/", "packages/lib/"]] } },
];
