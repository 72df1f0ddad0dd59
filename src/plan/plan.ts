// The fleet plan: deploy order, phases and weeks, and what each worker needs, as data.
// `fleet plan` prints it; later commands (split, create, deploy) consume it.
import { analyzeWorker, packageVersions, readWranglerIn, type MonorepoContext } from "../discovery/analyze.js";
import { SourceTree } from "../discovery/source-tree.js";
import { displayName, repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { topologicalOrder } from "./graph.js";
import type { BindingKind } from "../discovery/wrangler-config.js";

export interface WorkerPlan {
  id: string;
  name: string;
  domain: string | null;
  phase: number;
  week: number | null;
  repository: string;
  external: string | null;
  dependsOn: string[];
  /** Every monorepo path the worker's split will contain, sorted. */
  paths: string[];
  filter: { subdirectory: string } | { paths: string[] } | null;
  bindings: string[];
  bindingKinds: Record<string, BindingKind>;
  secrets: string[];
  npmDependencies: Record<string, string>;
  warnings: string[];
}

export interface FleetPlan {
  /** Deploy order: dependencies first; among equals, earlier phase, then id. */
  order: string[];
  workers: WorkerPlan[];
  /** Problems that concern the fleet rather than one worker. */
  warnings: string[];
}

export async function planFleet(manifest: Manifest, root: string, tree?: SourceTree): Promise<FleetPlan> {
  const source = tree ?? (await SourceTree.open(root));
  const warnings: string[] = [];
  const mono: MonorepoContext = { tree: source, rootPackages: await packageVersions(source, "package.json") };
  if (manifest.monorepo.layout === "router") {
    const wranglerPath = manifest.monorepo.wrangler;
    const dir = wranglerPath ? wranglerPath.split("/").slice(0, -1).join("/") : "";
    const config = await readWranglerIn(source, dir);
    if (config && (!wranglerPath || config.file === wranglerPath)) mono.platformConfig = config;
    else warnings.push(`no platform wrangler config at ${wranglerPath ?? "the monorepo root"}: every env name counts as a secret`);
  }

  const ids = Object.keys(manifest.workers).sort();
  const edges = new Map(ids.map((id) => [id, manifest.workers[id]!.dependsOn]));
  const order = topologicalOrder(edges, (id) => manifest.workers[id]!.phase);
  const workers: WorkerPlan[] = [];
  for (const id of order) {
    const worker = manifest.workers[id]!;
    const analysis = await analyzeWorker(mono, id, worker);
    const late = worker.dependsOn.filter((d) => manifest.workers[d]!.phase > worker.phase && !manifest.workers[d]!.external);
    const lateWarnings = late.map((d) => `depends on ${d}, which migrates in a later phase (${manifest.workers[d]!.phase} > ${worker.phase})`);
    workers.push({
      id,
      name: displayName(id, worker),
      domain: worker.domain ?? null,
      phase: worker.phase,
      week: worker.week ?? null,
      repository: repoNameFor(manifest, id),
      external: worker.external ?? null,
      dependsOn: [...worker.dependsOn].sort(),
      paths: analysis.paths,
      filter: worker.source ? analysis.filter : null,
      bindings: analysis.bindings,
      bindingKinds: analysis.bindingKinds,
      secrets: analysis.secrets,
      npmDependencies: analysis.npmDependencies,
      warnings: [...lateWarnings, ...analysis.warnings],
    });
  }
  return { order, workers, warnings };
}
