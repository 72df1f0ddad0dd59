// What one worker needs, derived from the monorepo: the paths its split contains, the bindings
// and secrets its code reads, its npm dependencies, and the problems worth a warning.
// Nothing here is stored in the manifest; it is recomputed from the code each time.
import { posix } from "node:path";
import type { WorkerEntry } from "../manifest/schema.js";
import { CODE_FILE } from "./ast.js";
import { TEST_FILE } from "./file-kinds.js";
import { moduleClosure, type Closure } from "./closure.js";
import { moduleFacts } from "./js-module.js";
import type { SplitFilter } from "../history/path-filter.js";
import { carriedDirs, readWorkspace, workspaceResolutions, type Resolution } from "../npm/workspace.js";
import { handlerEntry, routerOf, type CarriedWrapper } from "./router.js";
import { readPackageJson } from "./package-json.js";
import type { SourceTree } from "./source-tree.js";
import { ownTriggers, triggerCallsOf, triggersOf, type Trigger } from "./triggers.js";
import { bindingOf, parseWranglerConfig, WRANGLER_FILES, type BindingKind, type WranglerConfig } from "./wrangler-config.js";
import { runsElsewhere, workerEnvReads } from "./worker-env.js";
import { d1MigrationDirs } from "./d1-migrations.js";
import { danglingImports, outsideNeeds, refusedImport, type CarriedPath, type Uncarriable } from "./carry.js";

export interface WorkerAnalysis {
  id: string;
  /** Every monorepo path the worker's split will contain, sorted. */
  paths: string[];
  /**
   * The split filter: a subdirectory; a list of paths kept where they are; or (a folder worker
   * carrying workspace packages) its folder and theirs, its folder renamed to the root.
   */
  filter: SplitFilter;
  /** Workspace and catalog dependencies, and how the worker repository gets each (folder workers). */
  workspace?: Resolution[];
  /**
   * What a folder worker needs from outside its folder (modules it imports, paths its config
   * names), carried in its split with their history at the same paths: its repository then keeps
   * the monorepo's paths, its folder included, so relative paths lead where they did.
   */
  carried?: CarriedPath[];
  /** What the worker needs that fleet cannot carry into its repository: create and sync refuse the worker. */
  uncarriable: Uncarriable[];
  /** Modules the worker runs (not its tests). */
  runtimeFiles: string[];
  bindings: string[];
  bindingKinds: Record<string, BindingKind>;
  secrets: string[];
  npmDependencies: Record<string, string>;
  /** Worker names targeted by service bindings the code reads. */
  serviceTargets: string[];
  /** Hostnames of URLs in the code. */
  urlHosts: string[];
  /** The wrangler config the bindings come from. */
  config?: WranglerConfig;
  /** Crons, queues and email that run the worker's code (entry points besides its hostnames). */
  triggers: Trigger[];
  warnings: string[];
}

export { TEST_FILE } from "./file-kinds.js";

export type PackageVersions = Record<string, string>;

/** npm dependencies, devDependencies and the rest of a package.json, merged. */
export async function packageVersions(tree: SourceTree, path: string): Promise<PackageVersions> {
  const pkg = await readPackageJson(tree, path);
  return { ...pkg?.peerDependencies, ...pkg?.optionalDependencies, ...pkg?.devDependencies, ...pkg?.dependencies };
}

export async function readWranglerIn(tree: SourceTree, dir: string): Promise<WranglerConfig | undefined> {
  for (const name of WRANGLER_FILES) {
    const path = dir ? `${dir}/${name}` : name;
    const text = await tree.read(path);
    if (text !== undefined) return parseWranglerConfig(text, path);
  }
  return undefined;
}

export interface MonorepoContext {
  tree: SourceTree;
  /** The platform worker's config (router layout). */
  platformConfig?: WranglerConfig;
  /** The router module (router layout): a context wrapper it defines travels with its workers. */
  router?: string;
  rootPackages: PackageVersions;
}

export async function analyzeWorker(mono: MonorepoContext, id: string, worker: WorkerEntry): Promise<WorkerAnalysis> {
  const source = worker.source;
  if (!source) return { ...empty(id), filter: { paths: [] } };
  if (source.dir !== undefined) {
    const analysis = await analyzeDirectory(mono, id, source.dir);
    const main = analysis.config?.main ? posix.normalize(posix.join(source.dir, analysis.config.main)) : undefined;
    return { ...analysis, triggers: ownTriggers(analysis.config, main) };
  }
  if (source.config !== undefined) {
    const analysis = await analyzeConfigWorker(mono, id, source.config, source.include ?? []);
    return { ...analysis, triggers: ownTriggers(analysis.config, analysis.config?.main) };
  }
  const carried = source.style === "context" && mono.router ? await carriedWrapperOf(mono.tree, mono.router, source.file!, source.export) : undefined;
  const analysis = await analyzeRouterService(mono, id, source.file!, source.include ?? [], carried);
  // the platform's scheduled/queue/email handlers calling into the service's module
  const calls = mono.router && mono.tree.has(mono.router) ? await triggerCallsOf(mono.tree, mono.router) : [];
  return { ...analysis, triggers: triggersOf(calls, source.file!, mono.platformConfig) };
}

/** The router's own context wrapper around this handler, when the router defines it and it can be carried. */
async function carriedWrapperOf(tree: SourceTree, router: string, file: string, name: string | undefined): Promise<CarriedWrapper | undefined> {
  if (!tree.has(router)) return undefined;
  return handlerEntry(await routerOf(tree, router), file, name)?.carried;
}

/** A root wrangler config with its own main: the config, its main's closure, kept where they are. */
async function analyzeConfigWorker(mono: MonorepoContext, id: string, file: string, include: string[]): Promise<Omit<WorkerAnalysis, "triggers">> {
  const warnings: string[] = [];
  const text = await mono.tree.read(file);
  if (text === undefined) warnings.push(`${file} is not in the monorepo`);
  const config = text === undefined ? undefined : parseWranglerConfig(text, file);
  const main = config?.main ? posix.normalize(config.main.replace(/^\.\//, "")) : undefined;
  if (config && !main) warnings.push(`${file} has no main`);
  const runtime = await moduleClosure(mono.tree, main ? [main] : []);
  const tests = await moduleClosure(
    mono.tree,
    include.filter((p) => TEST_FILE.test(p)),
  );
  const result = summarize(id, runtime, config, mono.rootPackages, {}, warnings);
  const migrations = migrationPaths(mono.tree, config, result.bindings);
  const paths = notPlatformManifest(
    [...new Set([file, ...runtime.files, ...runtime.typeFiles, ...tests.files, ...include.filter((p) => mono.tree.has(p)), ...migrations])].filter((p) =>
      mono.tree.has(p),
    ),
  ).sort();
  // its repository is fleet's scaffold around these paths: nothing there makes a module that is missing
  return refusing(
    { ...result, paths, filter: { paths } },
    danglingImports([runtime, tests], () => false),
  );
}

/**
 * The monorepo's root package.json and lockfile are the platform's, even when a module of the
 * worker reads them (a test importing "./package.json"): the worker's repository has a
 * package.json of its own at that path, which fleet writes.
 */
function notPlatformManifest(paths: string[]): string[] {
  return paths.filter((p) => p !== "package.json" && p !== "package-lock.json");
}

async function analyzeRouterService(
  mono: MonorepoContext,
  id: string,
  file: string,
  include: string[],
  carried?: CarriedWrapper,
): Promise<Omit<WorkerAnalysis, "triggers">> {
  const warnings: string[] = [];
  for (const path of [file, ...include]) if (!mono.tree.has(path)) warnings.push(`${path} is not in the monorepo`);
  // the router's carried wrapper runs in the worker too: the modules it imports, the env it reads
  const runtime = await moduleClosure(mono.tree, [file, ...include.filter((p) => !runsElsewhere(mono.tree, p, "")), ...(carried?.modules ?? [])]);
  if (carried) {
    const facts = moduleFacts(carried.code, carried.path);
    const merge = (into: string[], more: string[]) => [...new Set([...into, ...more])].sort();
    runtime.envReads = merge(runtime.envReads, facts.envReads);
    runtime.envObjects = merge(runtime.envObjects, facts.envObjects);
    runtime.processEnvReads = merge(runtime.processEnvReads, facts.processEnvReads);
    runtime.urlHosts = merge(runtime.urlHosts, facts.urlHosts);
    runtime.packages = merge(runtime.packages, carried.packages);
  }
  const tests = await moduleClosure(
    mono.tree,
    include.filter((p) => TEST_FILE.test(p)),
  );
  const result = summarize(id, runtime, mono.platformConfig, mono.rootPackages, {}, warnings);
  const migrations = migrationPaths(mono.tree, mono.platformConfig, result.bindings);
  const paths = notPlatformManifest([
    ...new Set([...runtime.files, ...runtime.typeFiles, ...tests.files, ...tests.typeFiles, ...include.filter((p) => mono.tree.has(p)), ...migrations]),
  ]).sort();
  return refusing(
    { ...result, paths, filter: { paths } },
    danglingImports([runtime, tests], () => false),
  );
}

async function analyzeDirectory(mono: MonorepoContext, id: string, dir: string): Promise<Omit<WorkerAnalysis, "triggers">> {
  const warnings: string[] = [];
  const files = mono.tree.under(dir);
  if (files.length === 0) warnings.push(`${dir}/ has no files in the monorepo`);
  const config = await readWranglerIn(mono.tree, dir);
  if (!config) warnings.push(`${dir}/ has no wrangler config (${WRANGLER_FILES.join(", ")})`);
  const main = config?.main ? posix.normalize(posix.join(dir, config.main)) : undefined;
  const isTest = (f: string) => TEST_FILE.test(f.slice(dir.length + 1));
  const roots = [...(main ? [main] : []), ...files.filter((f) => CODE_FILE.test(f) && !isTest(f))];
  const runtime = await moduleClosure(mono.tree, roots);
  // the worker's env is what the code it runs reads: its main's modules (without a main in the
  // tree, the folder's code less a container's program, scripts, tests and tool configs)
  const workerCode = main && mono.tree.has(main) ? [main] : roots.filter((f) => !runsElsewhere(mono.tree, f, dir));
  const { envReads, envObjects, processEnvReads } = await moduleClosure(mono.tree, workerCode);
  Object.assign(runtime, { envReads, envObjects, processEnvReads });
  // what its code (tests too) and its config need from outside its folder travels with it
  const tests = await moduleClosure(
    mono.tree,
    files.filter((f) => CODE_FILE.test(f) && isTest(f)),
  );
  const outside = await outsideNeeds(mono.tree, dir, config, [runtime, tests]);
  const inFolder = (path: string) => path.startsWith(`${dir}/`);
  const own = await packageVersions(mono.tree, `${dir}/package.json`);
  // workspace:* and catalog: ranges: resolved as the worker repository will have them, and the
  // private workspace packages it needs carried with it (their folders, their history)
  const workspace = await readWorkspace(mono.tree);
  const resolutions = workspace ? workspaceResolutions(workspace, own) : [];
  for (const r of resolutions) {
    if (r.as === "unresolved") warnings.push(`${dir}/package.json: ${r.name} "${r.spec}": ${r.reason}; the worker repository keeps the range as written`);
    else if (r.name in own) own[r.name] = r.as === "carried" ? `file:${r.dir}` : r.version;
  }
  const carried = carriedDirs(resolutions).filter((d) => d !== dir);
  const result = summarize(id, runtime, config, mono.rootPackages, own, warnings, inFolder);
  const workspaceField = resolutions.length ? { workspace: resolutions } : {};
  if (outside.carried.length) {
    // git filter-repo --path <dir>/ --path <outside path>… --path <package>/…: nothing renamed
    const listed = outside.carried.map((c) => c.path);
    const shown = listed.length > 3 ? `${listed.slice(0, 3).join(", ")} and ${listed.length - 3} more` : listed.join(", ");
    warnings.push(`carries ${shown} from outside ${dir}/ with their history: its repository keeps the monorepo's paths (${dir}/ stays where it is)`);
    const kept = [...new Set([`${dir}/`, ...listed, ...carried.map((d) => `${d}/`)])];
    const paths = [...new Set(kept.flatMap((p) => (p.endsWith("/") ? mono.tree.under(p.slice(0, -1)) : [p])))].sort();
    return refusing({ ...result, paths, filter: { paths: kept }, ...workspaceField, carried: outside.carried }, outside.uncarriable);
  }
  const runtimeFiles = result.runtimeFiles.filter((f) => f.startsWith(`${dir}/`));
  if (carried.length === 0) return refusing({ ...result, runtimeFiles, paths: files, filter: { subdirectory: dir }, ...workspaceField }, outside.uncarriable);
  const paths = [...files, ...carried.flatMap((d) => mono.tree.under(d))].sort();
  // git filter-repo --path <dir>/ --path <package>/… --path-rename <dir>/:
  const filter: SplitFilter = { paths: [`${dir}/`, ...carried.map((d) => `${d}/`)], renames: [[`${dir}/`, ""]] };
  return refusing({ ...result, runtimeFiles, paths, filter, workspace: resolutions }, outside.uncarriable);
}

/** The analysis with what cannot be carried, each said among its warnings too. */
function refusing<T extends Omit<WorkerAnalysis, "triggers" | "uncarriable">>(analysis: T, uncarriable: Uncarriable[]): T & { uncarriable: Uncarriable[] } {
  for (const u of uncarriable)
    analysis.warnings.push(`cannot carry ${u.path} (${u.for}): ${u.reason}; fleet create and sync refuse this worker until it is in git or no longer needed`);
  return { ...analysis, uncarriable };
}

/**
 * The files of the migrations folders of the D1 bindings a worker reads: a worker whose paths
 * are listed one by one (a router's service, a config worker) carries them where they are, so
 * its repository applies the schema its queries need.
 */
function migrationPaths(tree: SourceTree, config: WranglerConfig | undefined, bindings: string[]): string[] {
  return config ? d1MigrationDirs(config, bindings).flatMap((m) => tree.under(m.dir)) : [];
}

function summarize(
  id: string,
  closure: Closure,
  config: WranglerConfig | undefined,
  rootPackages: PackageVersions,
  ownPackages: PackageVersions,
  warnings: string[],
  buildMakes: (path: string) => boolean = () => false,
): Omit<WorkerAnalysis, "paths" | "filter" | "triggers" | "uncarriable"> {
  // a missing module the worker's own build may make is a warning; one nothing can make is uncarriable, said by refusing()
  for (const d of closure.dangling) if (!refusedImport(d, buildMakes)) warnings.push(`${d.from} imports ${d.specifier}, which does not exist`);
  for (const { message } of closure.unparsable) warnings.push(`could not parse ${message}`);
  // a name any section of the config binds (every kind wrangler reads) is a binding; the rest are secrets
  const kindOf = (name: string) => (config ? bindingOf(config, name)?.kind : undefined);
  const reads = workerEnvReads(closure, config);
  const bindings = reads.filter((n) => kindOf(n) !== undefined);
  const secrets = reads.filter((n) => kindOf(n) === undefined);
  for (const name of closure.envObjects.filter((n) => kindOf(n) === undefined)) {
    const configFile = config?.file ?? "the wrangler config";
    const commented = config?.commentedBindings.includes(name) ? " (commented out there)" : "";
    warnings.push(`the code uses env.${name} like a binding, but ${configFile} defines no binding ${name}${commented} (treated as a secret)`);
  }
  const npmDependencies: Record<string, string> = {};
  for (const name of closure.packages) {
    const range = ownPackages[name] ?? rootPackages[name];
    if (range === undefined) warnings.push(`the code imports ${name}, which no package.json lists (version "*")`);
    npmDependencies[name] = range ?? "*";
  }
  return {
    id,
    runtimeFiles: closure.files,
    bindings,
    bindingKinds: Object.fromEntries(bindings.map((n) => [n, kindOf(n)!])),
    secrets,
    npmDependencies,
    serviceTargets: [...new Set(bindings.filter((n) => config?.services.has(n)).map((n) => config!.services.get(n)!))].sort(),
    urlHosts: closure.urlHosts,
    ...(config ? { config } : {}),
    warnings,
  };
}

function empty(id: string): Omit<WorkerAnalysis, "filter"> {
  const none = { serviceTargets: [], urlHosts: [], triggers: [], warnings: [], uncarriable: [] };
  return { id, paths: [], runtimeFiles: [], bindings: [], bindingKinds: {}, secrets: [], npmDependencies: {}, ...none };
}

export interface WorkerIdentity {
  id: string;
  /** Every hostname it serves (domain and aliases). */
  hostnames: string[];
  /** Names the worker is deployed as (its repository name pattern, its own wrangler name). */
  names: string[];
}

/**
 * Other fleet workers this one reaches: through service bindings it reads (hard: it cannot run
 * without them), or by URLs of their hostnames (soft: a call, which may go both ways).
 */
export function inferDependencies(analysis: WorkerAnalysis, fleet: readonly WorkerIdentity[]): { hard: string[]; soft: string[] } {
  const hard = new Set<string>();
  const soft = new Set<string>();
  for (const other of fleet) {
    if (other.id === analysis.id) continue;
    if (analysis.serviceTargets.some((t) => t === other.id || other.names.includes(t))) hard.add(other.id);
    else if (other.hostnames.some((h) => analysis.urlHosts.includes(h))) soft.add(other.id);
  }
  return { hard: [...hard].sort(), soft: [...soft].sort() };
}
