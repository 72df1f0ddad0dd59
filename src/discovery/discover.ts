// `fleet init`'s discovery: from a monorepo of either layout to manifest entries, each with a
// note saying where it was found. The manifest is the only output; nothing is written here.
import { posix } from "node:path";
import picomatch from "picomatch";
import { workspacePatterns } from "../npm/workspace.js";
import { UserError } from "../errors.js";
import type { ManifestInput, WorkerEntry } from "../manifest/schema.js";
import {
  analyzeWorker,
  inferDependencies,
  packageVersions,
  readWranglerIn,
  TEST_FILE,
  type MonorepoContext,
  type WorkerAnalysis,
  type WorkerIdentity,
} from "./analyze.js";
import { resolveRelative } from "./closure.js";
import { commonZone, idFromHandler, idFromName } from "./ids.js";
import { moduleFacts } from "./js-module.js";
import { routerOf, type RouterEntry } from "./router.js";
import { breakHardCycles, hardCycleNote, softCycleNote, withSoftEdges } from "../plan/graph.js";
import type { SourceTree } from "./source-tree.js";
import { hostnamesOf, patternAsWritten, WRANGLER_FILES, wildcardRoutesOf, type WranglerConfig } from "./wrangler-config.js";
import { isWildcardHost, routePatternHost, workerRouteHosts } from "../manifest/routes.js";
import { readPackageJson } from "./package-json.js";
import { DEFAULT_ROUTER, findPlatformConfig, readConfig } from "./platform-config.js";
import { discoveredHealth, handlerHealth } from "./health-route.js";

export type Layout = "router" | "directories";
export { DEFAULT_ROUTER } from "./platform-config.js";

export interface DiscoveredWorker {
  id: string;
  entry: Omit<WorkerEntry, "phase" | "dependsOn"> & { phase: number; dependsOn: string[] };
  /** Where it was found, written as a comment above the entry. */
  note: string;
  analysis?: WorkerAnalysis;
}

export interface Discovery {
  layout: Layout;
  monorepo: ManifestInput["monorepo"];
  zone: string | undefined;
  workers: DiscoveredWorker[];
  /** Router entries that are not workers (placeholders), with the reason. */
  skipped: { hostname: string; reason: string }[];
  warnings: string[];
}

export interface DiscoverOptions {
  layout: Layout | "auto";
  /** Repository name pattern, to recognise service bindings that target fleet workers. */
  repoName: string;
  org: string;
  router?: string;
  /** Folders the manifest already calls shared packages: never proposed as workers. */
  shared?: readonly string[];
}

export async function discover(tree: SourceTree, options: DiscoverOptions): Promise<Discovery> {
  const router = options.router ?? DEFAULT_ROUTER;
  let layout = options.layout;
  if (layout === "auto") {
    if (tree.has(router)) layout = "router";
    else if ((await directoryCandidates(tree)).length > 0) layout = "directories";
    else {
      const routerLayout = `a platform router at ${router} (router layout; --router FILE to name another)`;
      const directoriesLayout = "folders workers/*, apps/* or workspace members with a wrangler config (directories layout)";
      throw new UserError(`found no workers in ${tree.root}`, { hint: `expected ${routerLayout} or ${directoriesLayout}` });
    }
  }
  if (layout === "router" && !tree.has(router)) {
    throw new UserError(`no platform router at ${router}`, { hint: "pass --router FILE, or --layout directories" });
  }
  const discovery = layout === "router" ? await discoverRouter(tree, router, options) : await discoverDirectories(tree, options.shared ?? []);
  assignDependencies(discovery, options);
  return discovery;
}

async function discoverRouter(tree: SourceTree, routerFile: string, options: DiscoverOptions): Promise<Discovery> {
  const found = await findPlatformConfig(tree, routerFile);
  const platformConfig = found ? await readConfig(tree, found.file) : undefined;
  const mono: MonorepoContext = {
    tree,
    router: routerFile,
    rootPackages: await packageVersions(tree, "package.json"),
    ...(platformConfig ? { platformConfig } : {}),
  };
  const map = await routerOf(tree, routerFile);
  const warnings = [...map.warnings];
  // a wildcard key of the map is the pattern the platform's config routes for it (any section)
  const platformRoutes = platformConfig ? [platformConfig.routes, ...[...platformConfig.environments.values()].map((e) => e.routes)].flat() : [];
  const patternOf = (key: string) => {
    const route = platformRoutes.find((r) => r.host === key);
    return route ? patternAsWritten(route) : `${key}/*`;
  };
  if (!platformConfig) {
    const lookedFor = `no --config in package.json's scripts, no ${WRANGLER_FILES.join(", ")}, no wrangler*.toml whose main is the router`;
    warnings.push(`found no wrangler config for ${routerFile} (${lookedFor}): every env name counts as a secret`);
  }
  const tests = await testImports(tree);
  const workers: DiscoveredWorker[] = [];
  const skipped: Discovery["skipped"] = [];
  const taken = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 37)}-${n}`;
    taken.add(id);
    return id;
  };

  // One worker per handler: every hostname (and path prefix) that leads to it is its entry point.
  type Handler = Extract<RouterEntry, { kind: "handler" }>;
  const groups = new Map<string, { handler: Handler; hostnames: string[]; paths: string[] }>();
  const groupOf = (entry: Handler) => {
    const key = `${entry.file}#${entry.export}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { handler: entry, hostnames: [], paths: [] }));
    return group;
  };
  for (const entry of map.entries) {
    if (entry.kind === "skipped") skipped.push({ hostname: entry.hostname, reason: entry.reason });
    else if (entry.kind === "handler") groupOf(entry).hostnames.push(entry.hostname);
  }
  for (const route of map.paths) {
    if (route.entry.kind === "handler") groupOf(route.entry).paths.push(route.prefix);
    else if (route.entry.kind === "skipped") warnings.push(`${routerFile}: the path route ${route.prefix} leads to no service module (${route.entry.reason})`);
  }
  // A module serving several handlers names its workers by handler (handleRegistry → registry).
  const handlersPerFile = new Map<string, number>();
  for (const { handler } of groups.values()) handlersPerFile.set(handler.file, (handlersPerFile.get(handler.file) ?? 0) + 1);

  for (const entry of map.entries) {
    if (entry.kind !== "binding") continue;
    const id = uniqueId(idFromName(entry.hostname.replace(/^\*\./, "").split(".")[0]!));
    const service = platformConfig?.services.get(entry.binding);
    const repo = options.repoName.replaceAll("{service}", id);
    const ofService = service ? ` (service ${service})` : "";
    const served = isWildcardHost(entry.hostname) ? { routes: [patternOf(entry.hostname)] } : { domain: entry.hostname };
    workers.push({
      id,
      entry: { ...served, phase: 1, dependsOn: [], external: `https://github.com/${options.org}/${repo}` },
      note: `${entry.hostname} → env.${entry.binding}.fetch()${ofService}: already its own worker. Repository URL guessed from repoName: check it.`,
    });
  }
  for (const { handler, hostnames, paths } of groups.values()) {
    const shared = (handlersPerFile.get(handler.file) ?? 0) > 1;
    // a file named for its role (chittycases-handler.js) names the service without it
    const id = uniqueId(shared ? idFromHandler(handler.export) : idFromName(handler.file).replace(/(.)-(handler|service|integration|worker)$/, "$1"));
    const include = [
      ...(handler.wrapperFile ? [handler.wrapperFile] : []),
      ...tests.filter((t) => t.imports.includes(handler.file) || testNames(t.file, handler.file, id)).map((t) => t.file),
    ];
    // a wildcard key stays a pattern: the route the platform's config writes for it
    const [domain, ...aliases] = hostnames.filter((h) => !isWildcardHost(h));
    const routes = hostnames.filter(isWildcardHost).map(patternOf);
    const call = handler.wrapper ? `${handler.wrapper}(${handler.handler})` : handler.handler;
    const routed = [...hostnames, ...paths.map((p) => `any host${p}`)].join(", ");
    const carriedNote = handler.carried ? ` (the router's ${handler.carried.names.join(", ")} carried into ${handler.carried.path})` : "";
    workers.push({
      id,
      entry: {
        ...(domain ? { domain } : {}),
        ...(aliases.length ? { aliases } : {}),
        ...(routes.length ? { routes } : {}),
        ...(paths.length ? { paths } : {}),
        phase: 1,
        dependsOn: [],
        source: { file: handler.file, export: handler.export, style: handler.style, include: [...new Set(include)] },
      },
      note: `${routed} → ${call} from ${handler.file}${carriedNote}`,
    });
  }
  // A hostname both the router maps and another config routes goes to whoever the deploy configs
  // route it to: the platform's routes (any environment) keep it; otherwise the config's worker.
  const platformHosts = new Set(platformRoutes.map((r) => r.host));
  for (const found of await configWorkers(tree, routerFile, platformConfig?.file)) {
    const id = uniqueId(found.id);
    const kept: string[] = [];
    for (const host of workerRouteHosts(found.entry)) {
      const routed = workers.find((w) => workerRouteHosts(w.entry).includes(host));
      if (!routed) kept.push(host);
      else if (platformHosts.has(host))
        warnings.push(`${host}: ${found.file} routes it, and so do the platform's routes; it stays with ${routed.id} (the router's entry)`);
      else {
        kept.push(host);
        withoutRouteHost(routed.entry, host);
        warnings.push(`${host}: the router maps it to ${routed.id}, but only ${found.file} routes it (the platform's config does not): it goes to ${id}`);
      }
    }
    const [domain, ...aliases] = kept.filter((h) => !isWildcardHost(h));
    const routes = (found.entry.routes ?? []).filter((p) => kept.includes(routePatternHost(p)));
    const { domain: _d, aliases: _a, routes: _r, ...rest } = found.entry;
    workers.push({
      id,
      entry: {
        ...rest,
        ...(domain ? { domain } : {}),
        ...(aliases.length ? { aliases } : {}),
        ...(routes.length ? { routes } : {}),
        source: { config: found.file },
      },
      note: found.note,
    });
  }
  for (const worker of workers) {
    if (worker.entry.source) worker.analysis = await analyzeWorker(mono, worker.id, worker.entry as WorkerEntry);
    // the handler's own code answers every path it knows; a /health the router-worker entry adds
    // only stands in for a 404, so code that never routes /health is probed on "/" instead
    if (worker.entry.source && worker.analysis) {
      const { file, export: name } = worker.entry.source;
      const health = file && name ? await handlerHealth(tree, file, name) : await discoveredHealth(tree, worker.analysis.runtimeFiles);
      if (health) worker.entry.health = health;
    }
  }
  return {
    layout: "router",
    monorepo: { layout: "router", router: routerFile, ...(platformConfig ? { wrangler: platformConfig.file } : {}) },
    zone: zoneOf(workers),
    workers,
    skipped,
    warnings,
  };
}

/**
 * Root wrangler configs other than the platform's with a `main` of their own that is in the
 * repository (wrangler-evidence.toml → workers/evidence.ts): each is a worker of its own.
 */
async function configWorkers(
  tree: SourceTree,
  router: string,
  platformFile: string | undefined,
): Promise<{ id: string; file: string; entry: DiscoveredWorker["entry"]; note: string }[]> {
  const out: { id: string; file: string; entry: DiscoveredWorker["entry"]; note: string }[] = [];
  const files = [...tree.files].filter((f) => /^wrangler[^/]*\.(toml|jsonc?)$/.test(f) && f !== platformFile).sort();
  for (const file of files) {
    const config = await readConfig(tree, file);
    const main = config?.main ? posix.normalize(config.main.replace(/^\.\//, "")) : undefined;
    if (!config || !main || main === router || !tree.has(main)) continue;
    const { production, staging } = hostnamesOf(config);
    const patterns = wildcardRoutesOf(config);
    const [domain, ...aliases] = production;
    const base = file.replace(/^wrangler[-._]?/, "").replace(/\.(toml|jsonc?)$/, "");
    const routed = [...production, ...patterns.production];
    out.push({
      id: idFromName(base || config.name || main),
      file,
      entry: {
        ...(domain ? { domain } : {}),
        ...(aliases.length ? { aliases } : {}),
        ...(patterns.production.length ? { routes: patterns.production } : {}),
        ...(staging.length ? { stagingHostnames: staging } : {}),
        ...(patterns.staging.length ? { stagingRoutes: patterns.staging } : {}),
        phase: 1,
        dependsOn: [],
      },
      note: `${file}: its own worker${config.name ? ` (${config.name})` : ""}, main ${main}${routed.length ? `, routes ${routed.join(", ")}` : ""}`,
    });
  }
  return out;
}

/** Test files and the repository files they import directly. */
async function testImports(tree: SourceTree): Promise<{ file: string; imports: string[] }[]> {
  const out: { file: string; imports: string[] }[] = [];
  for (const file of [...tree.files].sort()) {
    if (!TEST_FILE.test(file) || !/\.[cm]?[jt]sx?$/.test(file)) continue;
    const code = await tree.read(file);
    if (code === undefined) continue;
    try {
      const { imports } = moduleFacts(code, file);
      out.push({ file, imports: imports.flatMap((s) => (s.startsWith(".") ? [resolveRelative(tree, file, s) ?? []].flat() : [])) });
    } catch {
      out.push({ file, imports: [] });
    }
  }
  return out;
}

/**
 * A test named after its service: test/project-initiation.test.js, test-chittypass.js at the
 * root, tests/beacon-integration.js, src/services/cases.test.ts — by the service's file or its id.
 */
function testNames(testFile: string, serviceFile: string, id: string): boolean {
  const names = new Set([posix.basename(serviceFile).replace(/\.[^.]+$/, ""), id]);
  const test = posix
    .basename(testFile)
    .replace(/\.[cm]?[jt]sx?$/, "")
    .replace(/\.(test|spec)$/, "")
    .replace(/^test-/, "");
  return [...names].some((name) => test === name || test.startsWith(`${name}-`) || test.startsWith(`${name}.`) || test.startsWith(`${name}_`));
}

async function discoverDirectories(tree: SourceTree, knownShared: readonly string[]): Promise<Discovery> {
  const mono: MonorepoContext = { tree, rootPackages: await packageVersions(tree, "package.json") };
  const workers: DiscoveredWorker[] = [];
  const warnings: string[] = [];
  const shared = new Set(knownShared);
  const taken = new Set<string>();
  for (const dir of await directoryCandidates(tree)) {
    if (shared.has(dir)) continue;
    const config = await readWranglerIn(tree, dir);
    const deployable = await deployableReason(tree, dir, config);
    if (!deployable && (await looksShared(tree, dir))) {
      shared.add(dir);
      const what = "a shared package (a test harness or a library), not a worker";
      const listed = "listed in monorepo.shared (remove it there and add a worker entry to say otherwise)";
      warnings.push(`${config?.file ?? dir}: a wrangler config, but no route and no deploy script: ${what}; ${listed}`);
      continue;
    }
    let id = idFromName(posix.basename(dir));
    for (let n = 2; taken.has(id); n++) id = `${idFromName(posix.basename(dir)).slice(0, 37)}-${n}`;
    taken.add(id);
    const { production, staging } = config ? hostnamesOf(config) : { production: [], staging: [] };
    const patterns = config ? wildcardRoutesOf(config) : { production: [], staging: [] };
    const [domain, ...aliases] = production;
    const entry: DiscoveredWorker["entry"] = {
      phase: 1,
      dependsOn: [],
      source: { dir },
      ...(domain ? { domain } : {}),
      ...(aliases.length ? { aliases } : {}),
      ...(patterns.production.length ? { routes: patterns.production } : {}),
      ...(staging.length ? { stagingHostnames: staging } : {}),
      ...(patterns.staging.length ? { stagingRoutes: patterns.staging } : {}),
    };
    if (!domain && !patterns.production.length)
      warnings.push(`${config?.file ?? dir}: no route (top level or env.production), so no domain; add "domain" for ${id} in fleet.jsonc`);
    const names = [config?.name, ...[...(config?.environments ?? new Map()).entries()].map(([env, e]) => (e.name ? `${env}: ${e.name}` : undefined))].filter(
      Boolean,
    );
    const worker: DiscoveredWorker = { id, entry, note: `${dir}/ (${config?.file.slice(dir.length + 1)}${names.length ? `, name ${names.join(", ")}` : ""})` };
    worker.analysis = await analyzeWorker(mono, id, entry as WorkerEntry);
    const health = await discoveredHealth(tree, worker.analysis.runtimeFiles);
    if (health) entry.health = health;
    workers.push(worker);
  }
  // workspace packages the workers depend on ("workspace:*"): shared code, not workers
  const members = await workspaceMembers(tree);
  for (const worker of workers) {
    const pkg = await readPackageJson(tree, `${worker.entry.source!.dir}/package.json`);
    for (const [name, range] of Object.entries({ ...pkg?.dependencies, ...pkg?.devDependencies })) {
      const member = members.get(name);
      if (range.startsWith("workspace:") && member && !workers.some((w) => w.entry.source?.dir === member)) shared.add(member);
    }
  }
  return {
    layout: "directories",
    monorepo: { layout: "directories", ...(shared.size ? { shared: [...shared].sort() } : {}) },
    zone: zoneOf(workers),
    workers,
    skipped: [],
    warnings,
  };
}

/**
 * Why a folder with a wrangler config is a worker to deploy: it lives under workers/ or apps/,
 * its config has routes (any environment), or a script of its package.json deploys it.
 */
async function deployableReason(tree: SourceTree, dir: string, config: WranglerConfig | undefined): Promise<string | undefined> {
  if (/^(workers|apps)\//.test(dir)) return `under ${dir.split("/")[0]}/`;
  if (config && (config.routes.length || [...config.environments.values()].some((e) => e.routes.length))) return "it has routes";
  const scripts = Object.values((await readPackageJson(tree, `${dir}/package.json`))?.scripts ?? {});
  if (scripts.some((s) => typeof s === "string" && /\bwrangler\s+(deploy|publish|versions\s+upload)\b/.test(s))) return "a script deploys it";
  return undefined;
}

/** A library folder (packages/, libs/, shared/) or a package another member depends on with workspace:. */
async function looksShared(tree: SourceTree, dir: string): Promise<boolean> {
  if (/^(packages|libs|shared)\//.test(dir)) return true;
  const name = (await readPackageJson(tree, `${dir}/package.json`))?.name;
  if (!name) return false;
  for (const member of (await workspaceMembers(tree)).values()) {
    const pkg = await readPackageJson(tree, `${member}/package.json`);
    if (String({ ...pkg?.dependencies, ...pkg?.devDependencies }[name] ?? "").startsWith("workspace:")) return true;
  }
  return false;
}

/** Workspace members by package name (every folder a workspace pattern matches that has a package.json). */
function workspaceMembers(tree: SourceTree): Promise<Map<string, string>> {
  return tree.memo("workspace-members", () => findWorkspaceMembers(tree));
}

async function findWorkspaceMembers(tree: SourceTree): Promise<Map<string, string>> {
  const isMember = picomatch((await workspacePatterns(tree)).map((p) => p.replace(/^\.\//, "").replace(/\/$/, "")));
  const members = new Map<string, string>();
  for (const file of tree.files) {
    if (posix.basename(file) !== "package.json") continue;
    const dir = posix.dirname(file);
    if (dir === "." || dir.split("/").includes("node_modules") || !isMember(dir)) continue;
    const name = (await readPackageJson(tree, file))?.name;
    if (name) members.set(name, dir);
  }
  return members;
}

/** Folders with a wrangler config: workers/*, apps/*, and npm or pnpm workspace members. */
export async function directoryCandidates(tree: SourceTree): Promise<string[]> {
  const patterns = ["workers/*", "apps/*", ...(await workspacePatterns(tree))];
  const isMember = picomatch(patterns.map((p) => p.replace(/^\.\//, "").replace(/\/$/, "")));
  const dirs = new Set<string>();
  for (const file of tree.files) {
    const name = posix.basename(file);
    if (!(WRANGLER_FILES as readonly string[]).includes(name)) continue;
    const dir = posix.dirname(file);
    if (dir !== "." && !dir.split("/").includes("node_modules") && isMember(dir)) dirs.add(dir);
  }
  return [...dirs].sort();
}

/**
 * dependsOn (hard) from service bindings; calls (soft) from URLs of other workers' hostnames.
 * phase = 1 + the longest chain over hard edges and the soft edges that order without a cycle;
 * a soft cycle is broken deterministically and said once.
 */
function assignDependencies(discovery: Discovery, options: DiscoverOptions): void {
  const identities: WorkerIdentity[] = discovery.workers.map((w) => ({
    id: w.id,
    hostnames: [...(w.entry.domain ? [w.entry.domain] : []), ...(w.entry.aliases ?? [])],
    names: [
      options.repoName.replaceAll("{service}", w.id),
      ...(w.analysis?.config?.name && (w.entry.source?.dir || w.entry.source?.config) ? [w.analysis.config.name] : []),
    ],
  }));
  const calls = new Map<string, string[]>();
  for (const worker of discovery.workers) {
    if (!worker.analysis) continue;
    const found = inferDependencies(worker.analysis, identities);
    worker.entry.dependsOn = found.hard;
    if (found.soft.length) calls.set(worker.id, found.soft);
  }
  const external = new Set(discovery.workers.filter((w) => w.entry.external).map((w) => w.id));
  const hard = new Map(discovery.workers.map((w) => [w.id, w.entry.dependsOn.filter((d) => !external.has(d))]));
  const soft = new Map([...calls].map(([id, list]) => [id, list.filter((d) => !external.has(d))]));
  const { edges: acyclic, broken } = breakHardCycles(hard);
  if (broken.length) discovery.warnings.push(hardCycleNote(broken));
  const { edges, dropped } = withSoftEdges(acyclic, soft);
  if (dropped.length) discovery.warnings.push(softCycleNote(dropped));
  const depth = new Map<string, number>();
  const phaseOf = (id: string): number => {
    if (depth.has(id)) return depth.get(id)!;
    depth.set(id, 1); // only a guard: the edges are acyclic
    const deps = edges.get(id) ?? [];
    const phase = deps.length ? 1 + Math.max(...deps.map(phaseOf)) : 1;
    depth.set(id, phase);
    return phase;
  };
  for (const worker of discovery.workers) {
    const phase = worker.entry.external ? 1 : phaseOf(worker.id);
    // Rebuilt so the keys appear in the order people read them.
    const { domain, aliases, routes, paths, stagingHostnames, stagingRoutes, health, dependsOn, source, external: repo } = worker.entry;
    const soft = calls.get(worker.id);
    worker.entry = {
      ...(domain ? { domain } : {}),
      ...(aliases?.length ? { aliases } : {}),
      ...(routes?.length ? { routes } : {}),
      ...(paths?.length ? { paths } : {}),
      ...(stagingHostnames?.length ? { stagingHostnames } : {}),
      ...(stagingRoutes?.length ? { stagingRoutes } : {}),
      ...(health ? { health } : {}),
      phase,
      week: phase,
      dependsOn,
      ...(soft?.length ? { calls: soft } : {}),
      ...(source ? { source } : {}),
      ...(repo ? { external: repo } : {}),
    };
  }
}

/** The fleet's zone, guessed from its hostnames and its wildcard routes' hosts (`*.sites.example.test` is in example.test). */
function zoneOf(workers: readonly DiscoveredWorker[]): string | undefined {
  return commonZone(workers.flatMap((w) => [...(w.entry.domain ? [w.entry.domain] : []), ...(w.entry.routes ?? []).map(routePatternHost)]));
}

/** Takes one route host (a hostname or a pattern's host) away from an entry; its first remaining hostname becomes its domain. */
function withoutRouteHost(entry: DiscoveredWorker["entry"], host: string): void {
  const rest = [entry.domain, ...(entry.aliases ?? [])].filter((h): h is string => Boolean(h) && h !== host);
  const routes = (entry.routes ?? []).filter((p) => routePatternHost(p) !== host);
  delete entry.domain;
  delete entry.aliases;
  delete entry.routes;
  if (rest[0]) entry.domain = rest[0];
  if (rest.length > 1) entry.aliases = rest.slice(1);
  if (routes.length) entry.routes = routes;
}
