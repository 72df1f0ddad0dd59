// The split filter of each worker (its folder, or its files), computed from the branch's
// committed tree — what the split contains — and remembered with the commit it was computed
// from and the files that computation read. A later commit that adds or removes no file, and
// changes only files not read or modules whose facts (imports, env reads) stay the same, keeps
// the filters: the usual commit (a fix inside one worker) costs one `git diff-tree`, no parsing
// of the fleet. The facts each module had are remembered by blob id, so even a new tree parses
// only its changed files.
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Uncarriable } from "../discovery/carry.js";
import type { ModuleFacts } from "../discovery/js-module.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { fleetDir } from "../git/fleet-dir.js";
import type { SplitFilter } from "../history/path-filter.js";
import type { Manifest } from "../manifest/schema.js";
import { changedSince } from "./tree-changes.js";

/** How fleet reads code (parser, what facts it keeps): bumped when that changes, so remembered facts and filters are computed again. */
const FACTS_VERSION = "v6-carried";
/** Parsed module facts kept across runs (by blob id): enough for a fleet's code and its recent past. */
const FACTS_KEPT = 20_000;

export interface SplitFilters {
  filters: Record<string, SplitFilter>;
  /** What each worker needs that its split cannot carry (only workers with something): create and sync refuse them. */
  uncarriable: Record<string, Uncarriable[]>;
  /** Whether they were computed now (false: remembered from an earlier run). */
  computed: boolean;
}

/** What `filters.json` holds. */
interface FiltersRecord {
  /** The fleet's way of reading code and the manifest the filters were computed with. */
  context: string;
  /** The commit whose tree they were computed from. */
  commit: string;
  filters: Record<string, SplitFilter>;
  uncarriable: Record<string, Uncarriable[]>;
  /** Each file the computation read: for its text, or only for its module's facts. */
  inputs: Record<string, "text" | "facts">;
}

/** The filters of `manifest`'s workers at `commit` (the tip of the branch being split). */
export async function splitFilters(repo: string, manifest: Manifest, commit: string): Promise<SplitFilters> {
  const fleet = (await fleetDir(repo))!;
  const context = createHash("sha256").update(FACTS_VERSION).update(JSON.stringify(manifest)).digest("hex");
  const file = join(fleet, "filters.json");
  const factsFile = join(fleet, `module-facts-${FACTS_VERSION}.json`);
  const saved = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as Partial<FiltersRecord>,
    () => undefined,
  );
  if (saved?.context === context && saved.commit === commit && saved.filters)
    return { filters: saved.filters, uncarriable: saved.uncarriable ?? {}, computed: false };
  const facts = await readFile(factsFile, "utf8").then(
    (text) => new Map(Object.entries(JSON.parse(text) as Record<string, ModuleFacts>)),
    () => new Map<string, ModuleFacts>(),
  );
  const known = facts.size;
  const rememberFacts = async () => {
    if (facts.size !== known) await writeFileAtomic(factsFile, JSON.stringify(Object.fromEntries([...facts].slice(-FACTS_KEPT))));
  };
  if (saved?.context === context && saved.commit && saved.filters && saved.inputs) {
    const record = saved as FiltersRecord;
    if (!(await changedSince(repo, record.commit, commit, record.inputs, facts))) {
      await writeFileAtomic(file, JSON.stringify({ ...record, commit }));
      await rememberFacts();
      return { filters: record.filters, uncarriable: record.uncarriable ?? {}, computed: false };
    }
  }
  // Loaded only now: parsing the code is the expensive part this record exists to skip.
  const [{ SourceTree }, { planFleet }] = await Promise.all([import("../discovery/source-tree.js"), import("./plan.js")]);
  const tree = await SourceTree.atCommit(repo, commit);
  tree.factsMemory = facts;
  try {
    const plan = await planFleet(manifest, repo, tree);
    const filters = Object.fromEntries(plan.workers.flatMap((w) => (w.filter ? [[w.id, w.filter]] : [])));
    const uncarriable = Object.fromEntries(plan.workers.flatMap((w) => (w.uncarriable.length ? [[w.id, w.uncarriable]] : [])));
    await mkdir(fleet, { recursive: true });
    const record: FiltersRecord = { context, commit, filters, uncarriable, inputs: Object.fromEntries([...tree.inputs].sort(([a], [b]) => (a < b ? -1 : 1))) };
    await writeFileAtomic(file, JSON.stringify(record));
    await rememberFacts();
    return { filters, uncarriable, computed: true };
  } finally {
    tree.close();
  }
}
