// The fleet plan: deploy order, phases and weeks, and what each worker needs, as data.
// `fleet plan` prints it; the split takes each worker's paths from it (split-filters.ts), deploy
// each worker's runtime secrets, and the checklist (fleet status, migrate) what it observes.
import { analyzeWorker, packageVersions, type MonorepoContext } from "../discovery/analyze.js";
import { DEFAULT_ROUTER, readPlatformConfig } from "../discovery/platform-config.js";
import { SourceTree } from "../discovery/source-tree.js";
import { displayName, repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { hardCycleNote, softCycleNote } from "./graph.js";
import { fleetOrder } from "./order.js";
import type { BindingKind, WranglerConfig } from "../discovery/wrangler-config.js";
import { exportsOfFiles, objectMoves, platformProductionScript } from "../discovery/durable-objects.js";
import { filterRepoArgs, type SplitFilter } from "../history/path-filter.js";
import type { Resolution } from "../npm/workspace.js";
import type { CarriedPath, Uncarriable } from "../discovery/carry.js";
import { triggerCallsOf, type Trigger } from "../discovery/triggers.js";

export interface WorkerPlan {
  id: string;
  name: string;
  domain: string | null;
  /** Other hostnames it serves, and path prefixes the router sends it on any hostname. */
  aliases: string[];
  /** Wildcard routes it serves, as written (`*.sites.example.test/*`): patterns, not hostnames. */
  routes: string[];
  routedPaths: string[];
  phase: number;
  week: number | null;
  repository: string;
  external: string | null;
  dependsOn: string[];
  /** Workers it calls by URL (soft edges). */
  calls: string[];
  /** Every monorepo path the worker's split will contain, sorted. */
  paths: string[];
  filter: SplitFilter | null;
  /** The git filter-repo arguments that give the same split, commit for commit. */
  filterRepo: string | null;
  bindings: string[];
  bindingKinds: Record<string, BindingKind>;
  secrets: string[];
  npmDependencies: Record<string, string>;
  /** Workspace and catalog dependencies and how its repository gets each (carried, published version, catalog version). */
  workspace: Resolution[];
  /**
   * What a folder worker needs from outside its folder, carried in its split with history at the
   * same paths (its repository then keeps the monorepo's paths).
   */
  carried: CarriedPath[];
  /** What it needs that fleet cannot carry: `fleet create` and `fleet sync` refuse the worker (exit 2) until this is empty. */
  uncarriable: Uncarriable[];
  /**
   * Durable Object classes whose objects the platform holds until the worker's cutover, which
   * transfers them (router layout): the class and the platform's script it comes from.
   */
  transfers: { className: string; from: string }[];
  /** Crons, queues and email that run its code: entry points that move with it at cutover, like its hostnames. */
  triggers: Trigger[];
  warnings: string[];
}

export interface FleetPlan {
  /** Deploy order: dependencies first; among equals, earlier phase, then id. */
  order: string[];
  /**
   * The placeholder wave: workers deployed first as a placeholder (answering 503) because another
   * binds them before their turn — their service bindings go round in a cycle.
   */
  placeholders: { worker: string; boundBy: string }[];
  workers: WorkerPlan[];
  /** Folders that are shared packages, not workers (monorepo.shared). */
  shared: string[];
  /** Problems that concern the fleet rather than one worker. */
  warnings: string[];
}

export async function planFleet(manifest: Manifest, root: string, tree?: SourceTree): Promise<FleetPlan> {
  const source = tree ?? (await SourceTree.open(root));
  const warnings: string[] = [];
  const mono: MonorepoContext = { tree: source, rootPackages: await packageVersions(source, "package.json") };
  if (manifest.monorepo.layout === "router") {
    const config = await readPlatformConfig(source, manifest);
    mono.router = manifest.monorepo.router ?? DEFAULT_ROUTER;
    if (config) mono.platformConfig = config;
    else
      warnings.push(`no platform wrangler config${manifest.monorepo.wrangler ? ` at ${manifest.monorepo.wrangler}` : ""}: every env name counts as a secret`);
  }

  const ids = Object.keys(manifest.workers).sort();
  const { order, dropped, placeholders } = fleetOrder(manifest, ids);
  if (dropped.length) warnings.push(softCycleNote(dropped));
  if (placeholders.length) warnings.push(hardCycleNote(placeholders));
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
      aliases: worker.aliases ?? [],
      routes: worker.routes ?? [],
      routedPaths: worker.paths ?? [],
      phase: worker.phase,
      week: worker.week ?? null,
      repository: repoNameFor(manifest, id),
      external: worker.external ?? null,
      dependsOn: [...worker.dependsOn].sort(),
      calls: [...(worker.calls ?? [])].sort(),
      paths: analysis.paths,
      filter: worker.source ? analysis.filter : null,
      filterRepo: worker.source
        ? filterRepoArgs(analysis.filter)
            .map((a) => (/^[\w./:@-]+$/.test(a) ? a : JSON.stringify(a)))
            .join(" ")
        : null,
      bindings: analysis.bindings,
      bindingKinds: analysis.bindingKinds,
      secrets: analysis.secrets,
      npmDependencies: analysis.npmDependencies,
      workspace: analysis.workspace ?? [],
      carried: analysis.carried ?? [],
      uncarriable: analysis.uncarriable,
      // only a worker that binds a Durable Object has one to move (its modules are read for classes then)
      transfers:
        mono.platformConfig && worker.source?.file && Object.values(analysis.bindingKinds).includes("durable-object")
          ? await transfersOf(source, mono.platformConfig, analysis.runtimeFiles)
          : [],
      triggers: analysis.triggers,
      warnings: [...lateWarnings, ...analysis.warnings],
    });
  }
  if (mono.router) warnings.push(...(await strayTriggerCalls(source, mono.router, manifest)));
  return { order, placeholders: placeholders.map(([boundBy, worker]) => ({ worker, boundBy })), workers, shared: manifest.monorepo.shared ?? [], warnings };
}

/** The classes the platform defines that the worker's service module defines too: they move to it at cutover. */
async function transfersOf(tree: SourceTree, platform: WranglerConfig, files: readonly string[]): Promise<WorkerPlan["transfers"]> {
  const from = platformProductionScript(platform);
  // read for their facts (the exports), as analysis reads modules: a change that keeps them keeps the split filters
  return objectMoves(platform, await exportsOfFiles((f) => tree.read(f, "facts"), files)).map((m) => ({ className: m.className, from }));
}

/** Calls of the router's trigger handlers into a module that is no worker's service module: they stay with the platform. */
async function strayTriggerCalls(tree: SourceTree, router: string, manifest: Manifest): Promise<string[]> {
  if (!tree.has(router)) return [];
  const files = new Set(Object.values(manifest.workers).flatMap((w) => (w.source?.file ? [w.source.file] : [])));
  return (await triggerCallsOf(tree, router))
    .filter((c) => !files.has(c.file) && !(c.via && files.has(c.via)))
    .map((c) => {
      const chosen = c.selector ? ` for ${c.handler === "scheduled" ? `the cron "${c.selector}"` : `the queue ${c.selector}`}` : "";
      return `${router}: its ${c.handler} handler calls ${c.export} (${c.file})${chosen}, which is no worker's service module: it stays with the platform`;
    });
}
