// `fleet init`'s discovery: from a monorepo of either layout to manifest entries, each with a
// note saying where it was found. The manifest is the only output; nothing is written here.
import { posix } from "node:path";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";
import { UserError } from "../errors.js";
import type { ManifestInput, WorkerEntry } from "../manifest/schema.js";
import { analyzeWorker, inferDependencies, packageVersions, readWranglerIn, TEST_FILE, type MonorepoContext, type WorkerAnalysis, type WorkerIdentity } from "./analyze.js";
import { resolveRelative } from "./closure.js";
import { commonZone, idFromName } from "./ids.js";
import { moduleFacts } from "./js-module.js";
import { readRouter } from "./router.js";
import type { SourceTree } from "./source-tree.js";
import { WRANGLER_FILES } from "./wrangler-config.js";
import { readPackageJson } from "./package-json.js";

export type Layout = "router" | "directories";
export const DEFAULT_ROUTER = "src/platform-worker.js";

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
}

export async function discover(tree: SourceTree, options: DiscoverOptions): Promise<Discovery> {
  const router = options.router ?? DEFAULT_ROUTER;
  let layout = options.layout;
  if (layout === "auto") {
    if (tree.has(router)) layout = "router";
    else if ((await directoryCandidates(tree)).length > 0) layout = "directories";
    else {
      throw new UserError(`found no workers in ${tree.root}`, {
        hint: `expected a platform router at ${router} (router layout; --router FILE to name another) or folders workers/*, apps/* or workspace members with a wrangler config (directories layout)`,
      });
    }
  }
  if (layout === "router" && !tree.has(router)) {
    throw new UserError(`no platform router at ${router}`, { hint: "pass --router FILE, or --layout directories" });
  }
  const discovery = layout === "router" ? await discoverRouter(tree, router, options) : await discoverDirectories(tree);
  assignDependencies(discovery, options);
  return discovery;
}

async function discoverRouter(tree: SourceTree, routerFile: string, options: DiscoverOptions): Promise<Discovery> {
  const platformConfig = await readWranglerIn(tree, "");
  const mono: MonorepoContext = { tree, rootPackages: await packageVersions(tree, "package.json"), ...(platformConfig ? { platformConfig } : {}) };
  const map = await readRouter(tree, routerFile);
  const warnings = [...map.warnings];
  if (!platformConfig) warnings.push(`no wrangler config at the monorepo root (${WRANGLER_FILES.join(", ")}): every env name counts as a secret`);
  const tests = await testImports(tree);
  const workers: DiscoveredWorker[] = [];
  const skipped: Discovery["skipped"] = [];
  const byFile = new Map<string, DiscoveredWorker>();
  const taken = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 37)}-${n}`;
    taken.add(id);
    return id;
  };

  for (const entry of map.entries) {
    if (entry.kind === "skipped") {
      skipped.push({ hostname: entry.hostname, reason: entry.reason });
      continue;
    }
    if (entry.kind === "binding") {
      const id = uniqueId(idFromName(entry.hostname.split(".")[0]!));
      const service = platformConfig?.services.get(entry.binding);
      const repo = options.repoName.replaceAll("{service}", id);
      workers.push({
        id,
        entry: { domain: entry.hostname, phase: 1, dependsOn: [], external: `https://github.com/${options.org}/${repo}` },
        note: `${entry.hostname} → env.${entry.binding}.fetch()${service ? ` (service ${service})` : ""}: already its own worker. Repository URL guessed from repoName: check it.`,
      });
      continue;
    }
    const same = byFile.get(`${entry.file}#${entry.export}`);
    if (same) {
      warnings.push(`${entry.hostname} is served by the same handler as ${same.entry.domain} (${entry.export}); fleet keeps one domain per worker`);
      continue;
    }
    const id = uniqueId(idFromName(entry.file));
    const include = [
      ...(entry.wrapperFile ? [entry.wrapperFile] : []),
      ...tests.filter((t) => t.imports.includes(entry.file) || testNames(t.file, entry.file)).map((t) => t.file),
    ];
    const worker: DiscoveredWorker = {
      id,
      entry: {
        domain: entry.hostname,
        phase: 1,
        dependsOn: [],
        source: { file: entry.file, export: entry.export, style: entry.style, include },
      },
      note: `${entry.hostname} → ${entry.wrapper ? `${entry.wrapper}(${entry.handler})` : entry.handler} from ${entry.file}`,
    };
    byFile.set(`${entry.file}#${entry.export}`, worker);
    workers.push(worker);
  }
  for (const worker of workers) {
    if (worker.entry.source) worker.analysis = await analyzeWorker(mono, worker.id, worker.entry as WorkerEntry);
  }
  return {
    layout: "router",
    monorepo: { layout: "router", router: routerFile, ...(platformConfig ? { wrangler: platformConfig.file } : {}) },
    zone: commonZone(workers.flatMap((w) => (w.entry.domain ? [w.entry.domain] : []))),
    workers,
    skipped,
    warnings,
  };
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

/** test/project-initiation.test.js names src/services/project-initiation.js. */
function testNames(testFile: string, serviceFile: string): boolean {
  const service = posix.basename(serviceFile).replace(/\.[^.]+$/, "");
  const test = posix.basename(testFile).replace(/\.(test|spec)?\.[cm]?[jt]sx?$/, "").replace(/\.(test|spec)$/, "");
  return test === service;
}

async function discoverDirectories(tree: SourceTree): Promise<Discovery> {
  const mono: MonorepoContext = { tree, rootPackages: await packageVersions(tree, "package.json") };
  const workers: DiscoveredWorker[] = [];
  const warnings: string[] = [];
  const taken = new Set<string>();
  for (const dir of await directoryCandidates(tree)) {
    let id = idFromName(posix.basename(dir));
    for (let n = 2; taken.has(id); n++) id = `${idFromName(posix.basename(dir)).slice(0, 37)}-${n}`;
    taken.add(id);
    const config = await readWranglerIn(tree, dir);
    const route = config?.routes[0];
    const entry: DiscoveredWorker["entry"] = { phase: 1, dependsOn: [], source: { dir }, ...(route ? { domain: route.host } : {}) };
    if (!route) warnings.push(`${config?.file ?? dir}: no route, so no domain; add "domain" for ${id} in fleet.jsonc`);
    const worker: DiscoveredWorker = { id, entry, note: `${dir}/ (${config?.file.slice(dir.length + 1)}${config?.name ? `, name ${config.name}` : ""})` };
    worker.analysis = await analyzeWorker(mono, id, entry as WorkerEntry);
    workers.push(worker);
  }
  return {
    layout: "directories",
    monorepo: { layout: "directories" },
    zone: commonZone(workers.flatMap((w) => (w.entry.domain ? [w.entry.domain] : []))),
    workers,
    skipped: [],
    warnings,
  };
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

async function workspacePatterns(tree: SourceTree): Promise<string[]> {
  const patterns: string[] = [];
  const workspaces = (await readPackageJson(tree, "package.json"))?.workspaces;
  patterns.push(...(Array.isArray(workspaces) ? workspaces : (workspaces?.packages ?? [])));
  const pnpm = await tree.read("pnpm-workspace.yaml");
  if (pnpm) {
    const doc = parseYaml(pnpm) as { packages?: string[] } | null;
    patterns.push(...(doc?.packages ?? []).filter((p) => !p.startsWith("!")));
  }
  return patterns.filter((p): p is string => typeof p === "string");
}

/** dependsOn from service bindings and URLs; phase = 1 + the longest chain of dependencies. */
function assignDependencies(discovery: Discovery, options: DiscoverOptions): void {
  const identities: WorkerIdentity[] = discovery.workers.map((w) => ({
    id: w.id,
    ...(w.entry.domain ? { domain: w.entry.domain } : {}),
    names: [options.repoName.replaceAll("{service}", w.id), ...(w.analysis?.config?.name && w.entry.source?.dir ? [w.analysis.config.name] : [])],
  }));
  for (const worker of discovery.workers) {
    if (worker.analysis) worker.entry.dependsOn = inferDependencies(worker.analysis, identities);
  }
  const byId = new Map(discovery.workers.map((w) => [w.id, w]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const phaseOf = (id: string): number => {
    if (byId.get(id)?.entry.external) return 0; // already live: never holds a phase back
    if (depth.has(id)) return depth.get(id)!;
    if (visiting.has(id)) return 1; // a cycle; validation reports it
    visiting.add(id);
    const deps = byId.get(id)?.entry.dependsOn ?? [];
    const phase = deps.length ? 1 + Math.max(...deps.map(phaseOf)) : 1;
    visiting.delete(id);
    depth.set(id, phase);
    return phase;
  };
  for (const worker of discovery.workers) {
    const phase = worker.entry.external ? 1 : phaseOf(worker.id);
    // Rebuilt so the keys appear in the order people read them.
    const { domain, dependsOn, source, external } = worker.entry;
    worker.entry = { ...(domain ? { domain } : {}), phase, week: phase, dependsOn, ...(source ? { source } : {}), ...(external ? { external } : {}) };
  }
}
