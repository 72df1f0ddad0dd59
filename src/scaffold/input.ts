// Everything the scaffold of one worker repository is rendered from, gathered from the manifest
// and the monorepo's committed tree. Rendering (the other files here) is pure.
import { posix } from "node:path";
import { analyzeWorker, packageVersions, type WorkerAnalysis } from "../discovery/analyze.js";
import { DEFAULT_ROUTER, readPlatformConfig } from "../discovery/platform-config.js";
import { fleetOrder } from "../plan/order.js";
import { handlerEntry, routerOf } from "../discovery/router.js";
import type { SourceTree } from "../discovery/source-tree.js";
import { bindingOf, WRANGLER_FILES, type Binding, type WranglerConfig } from "../discovery/wrangler-config.js";
import { displayName, repoNameFor, workerHostnames } from "../manifest/names.js";
import { workerPatterns } from "../manifest/routes.js";
import { SEMVER, type Manifest, type WorkerEntry } from "../manifest/schema.js";
import { probeOf, type HealthProbe } from "../health/probe.js";
import { accessOf } from "../manifest/access.js";
import { objectMoves, platformProductionScript } from "../discovery/durable-objects.js";
import { d1MigrationDirs, DEFAULT_MIGRATIONS_DIR, migrationFiles, type D1MigrationsDir } from "../discovery/d1-migrations.js";
import type { Trigger } from "../discovery/triggers.js";
import { testSetupOf, type TestSetup } from "./test-setup.js";
import { pathMapper } from "../history/path-filter.js";

export interface ScaffoldInput {
  id: string;
  name: string;
  description: string;
  org: string;
  zone: string;
  repo: string;
  domain: string | null;
  /** Its other hostnames (routed to it as custom domains too). */
  aliases: string[];
  /** Its wildcard routes as written (`*.sites.example.test/*`): patterns, shown as such. */
  routes: string[];
  /** How its health is checked: the generated test and the deploy workflow ask the same. */
  health: HealthProbe;
  /** The manifest's npm overrides, for every package.json fleet writes. */
  npmOverrides: Record<string, unknown>;
  layout: "router" | "directories";
  /** Router layout: the handler to adapt, and the router's context wrapper when it uses one. */
  handler?: { file: string; export: string; style: "fetch" | "context"; wrapper?: { name: string; file: string } };
  /** The router's own context wrapper, carried as a module of the worker (router layout). */
  carriedContext?: { path: string; code: string; router: string; names: string[] };
  /** The monorepo-owned paths, as they appear in the worker repository. */
  ownedPaths: string[];
  bindings: Binding[];
  secrets: string[];
  /** Durable Object classes this worker's own code exports (re-exported by the entry). */
  durableObjectClasses: { className: string; file: string }[];
  migrations: unknown[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  npmDependencies: Record<string, string>;
  dependsOn: { id: string; repo: string; domain: string | null; health: HealthProbe }[];
  /** Names of other workers' scripts, for Durable Objects defined elsewhere. */
  scriptNameOf: (className: string) => string | undefined;
  /**
   * Durable Object classes the worker's code defines whose namespace the platform holds until the
   * cutover (router layout): bound by `script_name` to the platform's script of each environment,
   * so the worker sees the same objects; the cutover transfers the namespace to the worker.
   */
  platformObjects: { className: string; scripts: { top: string; staging: string; production: string } }[];
  monorepoName: string;
  /** Its code owners (`@org/team` or `@login`), written to .github/CODEOWNERS when there are any. */
  owners: string[];
  /** The worker's own wrangler config, when it has one (directories layout). */
  ownConfig?: WranglerConfig;
  /** Where the repository has that config (a folder worker carrying files from outside its folder keeps its monorepo path). */
  ownConfigPath?: string;
  /** The version the repository starts at: the manifest's, its own package.json's, or 1.0.0. */
  version: string;
  /** Its package.json's name: its own, or `@<org>/<id>-worker` in the one fleet writes. */
  packageName: string;
  /** The D1 databases whose migrations the repository holds (folders as repository paths): its test applies them. */
  d1Migrations: D1MigrationsDir[];
  /** Router layout: the platform's crons and queues that run its code (the entry handles them; its config declares them only after its cutover). */
  triggers?: Trigger[];
  /** How its repository runs its tests: fleet's Vitest config, or the worker's own setup (which wins). */
  tests: TestSetup;
}

export const DEFAULT_COMPATIBILITY_DATE = "2025-09-01";

export async function scaffoldInput(
  manifest: Manifest,
  id: string,
  tree: SourceTree,
  monorepoName: string,
  analyses?: Map<string, WorkerAnalysis>,
): Promise<ScaffoldInput> {
  const worker = manifest.workers[id]!;
  const platformConfig = await readPlatformConfig(tree, manifest);
  const mono = {
    tree,
    rootPackages: await packageVersions(tree, "package.json"),
    ...(platformConfig ? { platformConfig } : {}),
    ...(manifest.monorepo.layout === "router" ? { router: manifest.monorepo.router ?? DEFAULT_ROUTER } : {}),
  };
  const analysisOf = async (wid: string) => analyses?.get(wid) ?? (await analyzeWorker(mono, wid, manifest.workers[wid]!));
  const analysis = await analysisOf(id);
  const config = analysis.config;
  const bindings = analysis.bindings.map((n) => bindingOf(config!, n)!).filter(Boolean);

  const exportsOf = async (file: string) =>
    tree.memo(`exports:${file}`, async () => {
      const code = await tree.read(file);
      if (code === undefined || !/\.[cm]?[jt]sx?$/.test(file)) return [] as string[];
      const { moduleFacts } = await import("../discovery/js-module.js");
      try {
        return moduleFacts(code, file).exports;
      } catch {
        return [];
      }
    }) as Promise<string[]>;
  const durableObjectClasses: ScaffoldInput["durableObjectClasses"] = [];
  for (const binding of bindings.filter((b) => b.kind === "durable-object")) {
    const className = String(binding.config.class_name ?? "");
    if (binding.config.script_name) continue;
    for (const file of analysis.runtimeFiles) {
      if ((await exportsOf(file)).includes(className)) {
        durableObjectClasses.push({ className, file });
        break;
      }
    }
  }

  let handler: ScaffoldInput["handler"];
  let carriedContext: ScaffoldInput["carriedContext"];
  const source = worker.source;
  if (source?.file) {
    const routerFile = manifest.monorepo.router ?? DEFAULT_ROUTER;
    const entry = handlerEntry(await routerOf(tree, routerFile), source.file, source.export);
    let wrapper: { name: string; file: string } | undefined;
    if (entry?.wrapper && entry.wrapperFile) wrapper = { name: entry.wrapper, file: entry.wrapperFile };
    else if (entry?.wrapper && entry.carried) {
      const carried = entry.carried;
      wrapper = { name: entry.wrapper, file: carried.path };
      carriedContext = { path: carried.path, code: carried.code, router: routerFile, names: carried.names };
    }
    handler = { file: source.file, export: source.export!, style: source.style ?? "fetch", ...(wrapper ? { wrapper } : {}) };
  }

  // where each monorepo path lands in the repository, as the split puts it: a folder worker's files
  // at its root, workspace packages it carries at their path — or, when it carries files from
  // outside its folder, every path where the monorepo has it
  const toRepository = pathMapper(analysis.filter);
  const strip = (p: string) => toRepository(p) ?? p;
  const classesElsewhere = new Map<string, string>();
  const scriptNameOf = (className: string) => classesElsewhere.get(className);
  if (platformConfig) {
    // A Durable Object class another worker defines is bound with that worker's script name.
    for (const [otherId, other] of Object.entries(manifest.workers)) {
      if (otherId === id || !other.source?.file) continue;
      for (const file of [other.source.file]) for (const name of await exportsOf(file)) classesElsewhere.set(name, repoNameFor(manifest, otherId));
    }
    // ... and one the platform router defines itself stays in the platform worker (its production name)
    if (manifest.monorepo.layout === "router") {
      const platformScript = platformConfig.environments.get("production")?.name ?? platformConfig.name;
      if (platformScript)
        for (const name of await exportsOf(manifest.monorepo.router ?? DEFAULT_ROUTER))
          if (!classesElsewhere.has(name)) classesElsewhere.set(name, platformScript);
    }
  }
  const platformObjects = platformConfig ? platformHeldObjects(platformConfig, durableObjectClasses) : [];
  // a worker with a package.json of its own starts from its version, under its name
  const ownPackagePath =
    analysis.paths.find((p) => strip(p) === "package.json") ?? analysis.paths.find((p) => source?.dir && p === `${source.dir}/package.json`);
  const ownPackage = ownPackagePath ? parsePackage(await tree.read(ownPackagePath)) : {};
  const rawMigrations = Array.isArray(config?.raw.migrations) ? (config!.raw.migrations as Record<string, unknown>[]) : [];
  const ownedPaths = analysis.paths.map(strip);
  // the worker's own test setup, read from its files as its repository will have them
  const monorepoPath = new Map(analysis.paths.map((p) => [strip(p), p]));
  const tests = await testSetupOf(ownedPaths, async (path) => (monorepoPath.has(path) ? tree.read(monorepoPath.get(path)!) : undefined));
  // a folder or config worker's own config binds every database it has; a router worker's only those its code reads
  const d1Migrations = (config ? d1MigrationDirs(config, source?.dir || source?.config ? undefined : analysis.bindings) : [])
    .map((m) => ({ ...m, dir: strip(`${m.dir}/`).replace(/\/$/, "") || "." }))
    .filter((m) => migrationFiles(ownedPaths, m.dir).length > 0);
  const ownClasses = new Set(durableObjectClasses.map((c) => c.className).filter((c) => !platformObjects.some((p) => p.className === c)));
  const migrations = rawMigrations.map((m) => filterMigration(m, ownClasses)).filter((m): m is Record<string, unknown> => m !== undefined);

  return {
    id,
    name: displayName(id, worker),
    description: worker.description ?? `${displayName(id, worker)} — a Cloudflare Worker of the ${manifest.org} fleet${servingNote(worker)}.`,
    org: manifest.org,
    zone: manifest.zone,
    repo: repoNameFor(manifest, id),
    domain: worker.domain ?? null,
    aliases: workerHostnames(worker).filter((h) => h !== worker.domain),
    routes: workerPatterns(worker),
    health: probeOf(worker),
    npmOverrides: manifest.npm?.overrides ?? {},
    layout: manifest.monorepo.layout,
    ...(handler ? { handler } : {}),
    ...(carriedContext ? { carriedContext } : {}),
    ownedPaths,
    bindings: source?.dir || source?.config ? bindings : withMigrationsDirs(bindings, d1Migrations),
    secrets: analysis.secrets,
    durableObjectClasses,
    migrations,
    compatibilityDate: manifest.compatibilityDate ?? config?.compatibilityDate ?? DEFAULT_COMPATIBILITY_DATE,
    compatibilityFlags: config?.compatibilityFlags ?? [],
    npmDependencies: analysis.npmDependencies,
    // what it waits for before a deploy: its dependencies, and the workers it calls where that
    // orders without a cycle (the fleet's deploy order)
    dependsOn: (fleetOrder(manifest).after.get(id) ?? []).map((d) => ({
      id: d,
      repo: repoNameFor(manifest, d),
      domain: manifest.workers[d]?.domain ?? null,
      health: probeOf(manifest.workers[d]),
    })),
    scriptNameOf,
    platformObjects,
    monorepoName,
    owners: accessOf(manifest, id).owners,
    ...((source?.dir || source?.config) && config ? { ownConfig: config, ownConfigPath: strip(config.file) } : {}),
    version: worker.version ?? (ownPackage.version && SEMVER.test(ownPackage.version) ? ownPackage.version : DEFAULT_VERSION),
    packageName: ownPackage.name ?? `@${manifest.org.toLowerCase()}/${id}-worker`,
    d1Migrations,
    ...(source?.file && analysis.triggers.length ? { triggers: analysis.triggers } : {}),
    tests,
  };
}

/**
 * The classes among `classes` (defined by the worker's code) that the platform's config binds as
 * its own (no `script_name`): their objects live in the platform's namespace until the cutover.
 */
function platformHeldObjects(platform: WranglerConfig, classes: readonly { className: string }[]): ScaffoldInput["platformObjects"] {
  const production = platformProductionScript(platform);
  const staging = platform.environments.has("staging") ? (platform.environments.get("staging")!.name ?? `${platform.name ?? "platform"}-staging`) : production;
  return objectMoves(
    platform,
    classes.map((c) => c.className),
  ).map((m) => ({ className: m.className, scripts: { top: production, staging, production } }));
}

/**
 * A router worker's wrangler.jsonc sits at its repository's root, where the platform's config may
 * not: a D1 binding names its migrations folder as the repository has it whenever wrangler's
 * default (`migrations`, beside the config) would miss it.
 */
function withMigrationsDirs(bindings: Binding[], d1: readonly D1MigrationsDir[]): Binding[] {
  return bindings.map((b) => {
    const dir = d1.find((m) => m.binding === b.name && b.kind === "d1")?.dir;
    if (!dir || dir === (b.config.migrations_dir ?? DEFAULT_MIGRATIONS_DIR)) return b;
    return { ...b, config: { ...b.config, migrations_dir: dir } };
  });
}

/** The version a repository starts at when neither the manifest nor a package.json of its own says. */
export const DEFAULT_VERSION = "1.0.0";

function parsePackage(text: string | undefined): { name?: string; version?: string } {
  try {
    const pkg = JSON.parse(text ?? "{}") as Record<string, unknown>;
    return {
      ...(typeof pkg.name === "string" && pkg.name ? { name: pkg.name } : {}),
      ...(typeof pkg.version === "string" ? { version: pkg.version } : {}),
    };
  } catch {
    return {};
  }
}

function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

/** A migration step narrowed to the classes this worker defines (or dropped when none remain). */
function filterMigration(step: Record<string, unknown>, classes: Set<string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = { tag: step.tag };
  let any = false;
  for (const key of ["new_classes", "new_sqlite_classes", "deleted_classes"]) {
    const list = Array.isArray(step[key]) ? (step[key] as string[]).filter((c) => classes.has(c)) : [];
    if (list.length) {
      out[key] = list;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The worker repository's wrangler config: its own (where the split leaves it), or the scaffold's. */
export function configPathOf(input: Pick<ScaffoldInput, "ownConfig" | "ownConfigPath">): string {
  if (!input.ownConfig) return "wrangler.jsonc";
  return input.ownConfigPath ?? input.ownConfig.file.split("/").pop() ?? "wrangler.toml";
}

/**
 * ` --config <file>` when wrangler would not find the config by itself (a config worker keeps
 * its name, such as wrangler-evidence.toml), else nothing.
 */
export function configFlag(input: Pick<ScaffoldInput, "ownConfig" | "ownConfigPath">): string {
  const path = configPathOf(input);
  return (WRANGLER_FILES as readonly string[]).includes(path) ? "" : ` --config ${path}`;
}

/** The worker's own test files (`*.test.*`, `*.spec.*`), which fleet's Vitest config runs too. */
export function ownTestFiles(input: Pick<ScaffoldInput, "ownedPaths">): string[] {
  return input.ownedPaths.filter((p) => /(^|\/)[^/]+\.(test|spec)\.[cm]?[jt]sx?$/.test(p) && !p.startsWith("node_modules/")).sort();
}

/** ", serving <domain>" — or its first wildcard route as written, a pattern — for the generated description. */
function servingNote(worker: Pick<WorkerEntry, "domain" | "routes">): string {
  const served = worker.domain ?? workerPatterns(worker)[0];
  return served ? `, serving ${served}` : "";
}
