// The split filter of each worker (its folder, or its files), computed from the branch's
// committed tree — what the split contains — and remembered per (manifest, tree): re-splitting
// after a commit that changes no path set needs no parsing at all.
import { fleetDir } from "../git/fleet-dir.js";
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";
import { gitText } from "../git/git.js";
import type { SplitFilter } from "../history/path-filter.js";
import type { Manifest } from "../manifest/schema.js";

/** How fleet reads code (parser, what facts it keeps): bumped when that changes, so remembered facts and filters are computed again. */
const FACTS_VERSION = "v4-carried-context";

export interface SplitFilters {
  filters: Record<string, SplitFilter>;
  /** Whether they were computed now (false: remembered from an earlier run). */
  computed: boolean;
}

export async function splitFilters(repo: string, manifest: Manifest, branch: string): Promise<SplitFilters> {
  const fleet = (await fleetDir(repo))!;
  const treeId = await gitText(["rev-parse", `refs/heads/${branch}^{tree}`], { cwd: repo });
  // FACTS_VERSION: how fleet reads code; a fleet that reads it differently computes again.
  const key = createHash("sha256").update(FACTS_VERSION).update(JSON.stringify(manifest)).update(treeId).digest("hex");
  const file = join(fleet, "filters.json");
  try {
    const saved = JSON.parse(await readFile(file, "utf8")) as { key: string; filters: Record<string, SplitFilter> };
    if (saved.key === key) return { filters: saved.filters, computed: false };
  } catch {
    // no record yet, or an unreadable one: compute
  }
  // Loaded only now: parsing the code is the expensive part this record exists to skip.
  const [{ SourceTree }, { planFleet }] = await Promise.all([import("../discovery/source-tree.js"), import("./plan.js")]);
  const tree = await SourceTree.atCommit(repo, `refs/heads/${branch}`);
  const factsFile = join(fleet, `module-facts-${FACTS_VERSION}.json`);
  tree.factsMemory = new Map(Object.entries(await readFile(factsFile, "utf8").then((t) => JSON.parse(t) as object, () => ({}))));
  const known = tree.factsMemory.size;
  try {
    const plan = await planFleet(manifest, repo, tree);
    const filters = Object.fromEntries(plan.workers.flatMap((w) => (w.filter ? [[w.id, w.filter]] : [])));
    await mkdir(fleet, { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ key, filters }));
    // Remember what was parsed, by blob id; keep it from growing without bound.
    if (tree.factsMemory.size !== known) {
      const recent = [...tree.factsMemory].slice(-20_000);
      await writeFileAtomic(factsFile, JSON.stringify(Object.fromEntries(recent)));
    }
    return { filters, computed: true };
  } finally {
    tree.close();
  }
}
