// Discovery of a monorepo's workers, and the manifest written from it.
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { discover as discoverIn, type DiscoveredWorker, type Discovery, type Layout } from "../discovery/discover.js";
import { readPackageJson } from "../discovery/package-json.js";
import { SourceTree } from "../discovery/source-tree.js";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { gitText } from "../git/git.js";
import { parseManifest } from "../manifest/load.js";
import { workerHostnames } from "../manifest/names.js";
import { routePatternHost } from "../manifest/routes.js";
import type { Manifest } from "../manifest/schema.js";
import { addToManifest, renderManifest, type RenderWorker } from "../manifest/write.js";
import type { WorkerWarning } from "../report/warnings.js";
import { openSession, whileLocked, type FleetOptions } from "./session.js";

export interface DiscoverCall extends Omit<FleetOptions, "manifest"> {
  /** auto (default): a platform router if there is one, else folders with wrangler configs. */
  layout?: Layout | "auto";
  /** The platform router's file (default src/platform-worker.js). */
  router?: string;
  /** The organisation owning the worker repositories (default: the manifest's, the package.json scope, or origin's owner). */
  org?: string;
}

export interface InitCall extends DiscoverCall {
  /** Compute the manifest's text; write nothing. */
  dryRun?: boolean;
  /** Told once the existing manifest (if any) was read and discovery starts. */
  onDiscovering?: () => void;
}

export interface InitResult {
  /** The manifest's path as given (relative to cwd when inside it). */
  file: string;
  /** The manifest's text as written (or as it would be). */
  text: string;
  written: boolean;
  /** Whether a manifest was there before (and was merged with, not replaced). */
  existed: boolean;
  /** Worker ids added, kept as the user left them, and no longer found in the monorepo. */
  added: string[];
  kept: string[];
  gone: string[];
  discovery: Discovery;
  /** Everything discovery noticed, one line each ("id: message" for a worker's). */
  warnings: string[];
  /** The same, with the worker each concerns, for grouping (report/warnings.ts). */
  findings: WorkerWarning[];
  /** What the written manifest still needs before other commands take it (empty when none). */
  problems: string[];
}

/** Finds the monorepo's workers: ids, sources, domains, dependencies, and what each one reads. */
export async function discover(options: DiscoverCall = {}): Promise<Discovery> {
  const session = openSession(options);
  return (await discoverWith(session.cwd, await readExisting(session.configPath, session.cwd), options)).discovery;
}

async function discoverWith(cwd: string, existing: Existing | undefined, options: DiscoverCall) {
  const tree = await SourceTree.open(cwd);
  const org = options.org ?? existing?.manifest.org ?? (await guessOrg(cwd, tree));
  const repoName = existing?.manifest.repoName ?? defaultRepoName(org);
  const shared = existing?.manifest.monorepo.shared;
  const discovery = await discoverIn(tree, {
    layout: options.layout ?? "auto",
    org,
    repoName,
    ...(options.router ? { router: options.router } : {}),
    ...(shared ? { shared } : {}),
  });
  return { discovery, org, repoName };
}

/** Discovers the workers and writes the manifest; a second run keeps what the user edited and adds what is new. */
export async function init(options: InitCall = {}): Promise<InitResult> {
  const session = openSession(options);
  const layout = options.layout ?? "auto";
  if (!["auto", "router", "directories"].includes(layout)) throw new UserError(`the layout must be auto, router or directories, not "${layout}"`);
  const work = async (): Promise<InitResult> => {
    const existing = await readExisting(session.configPath, session.cwd);
    options.onDiscovering?.();
    const { discovery, org, repoName } = await discoverWith(session.cwd, existing, options);
    const { text, added, kept, gone, stripped } = existing
      ? merged(existing.text, existing.manifest, discovery)
      : { text: fresh(discovery, org, repoName), added: discovery.workers.map((w) => w.id), kept: [] as string[], gone: [] as string[], stripped: [] };
    let problems: string[] = [];
    try {
      parseManifest(text, existing?.file ?? fileName(session.configPath, session.cwd));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems = error.problems;
    }
    const changed = text !== existing?.text;
    if (!options.dryRun && changed) await writeFileAtomic(session.configPath, text);
    const findings: WorkerWarning[] = [
      ...discovery.warnings.map((message) => ({ message })),
      ...discovery.workers.flatMap((w) => (w.analysis?.warnings ?? []).map((message) => ({ worker: w.id, message }))),
      ...stripped,
    ];
    const warnings = findings.map((f) => (f.worker ? `${f.worker}: ${f.message}` : f.message));
    return {
      file: fileName(session.configPath, session.cwd),
      text,
      written: !options.dryRun && changed,
      existed: existing !== undefined,
      added,
      kept,
      gone,
      discovery,
      warnings,
      findings,
      problems,
    };
  };
  return options.dryRun ? work() : whileLocked(session, "fleet init (library)", work);
}

function fileName(configPath: string, cwd: string): string {
  return relative(cwd, configPath) || configPath;
}

interface Existing {
  text: string;
  manifest: Manifest;
  file: string;
}

async function readExisting(configPath: string, cwd: string): Promise<Existing | undefined> {
  const text = await readFile(configPath, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const file = fileName(configPath, cwd);
  return { text, manifest: parseManifest(text, file), file };
}

/** `chittyos` → `chittyos-{service}-worker`, the naming the users chose for their fleet. */
function defaultRepoName(org: string): string {
  return `${org.toLowerCase()}-{service}-worker`;
}

function toRender(workers: DiscoveredWorker[]): RenderWorker[] {
  return workers.map((w) => ({ id: w.id, entry: w.entry, note: w.note }));
}

function fresh(found: Discovery, org: string, repoName: string): string {
  return renderManifest({
    header: {
      $schema: "./node_modules/worker-fleet/schema/fleet.schema.json",
      org,
      repoName,
      zone: found.zone ?? "example.com",
      topics: [],
      secrets: ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"],
      monorepo: found.monorepo,
      providers: { forge: "local", cloud: "local", registry: "local" },
    },
    workers: toRender(found.workers),
  });
}

/** Keeps every existing entry (matched by id, source or domain, so renamed ids stay renamed). */
function merged(text: string, existing: Manifest, found: Discovery) {
  const known = Object.entries(existing.workers);
  const matches = (w: DiscoveredWorker) =>
    known.find(
      ([id, e]) =>
        id === w.id ||
        // a module may serve several workers (one per handler): its file and export together
        (w.entry.source?.file !== undefined && e.source?.file === w.entry.source.file && e.source?.export === w.entry.source.export) ||
        (w.entry.source?.dir !== undefined && e.source?.dir === w.entry.source.dir) ||
        (w.entry.source?.config !== undefined && e.source?.config === w.entry.source.config) ||
        (w.entry.domain !== undefined && e.domain === w.entry.domain),
    );
  const fresh = found.workers.filter((w) => !matches(w));
  const kept = found.workers.filter((w) => matches(w)).map((w) => matches(w)![0]);
  // an entry written before wildcard routes were kept as written holds the pattern's suffix as a hostname
  const stripped = found.workers.flatMap((w) => {
    const match = matches(w);
    if (!match) return [];
    const [id, entry] = match;
    return (w.entry.routes ?? []).flatMap((pattern) => {
      const suffix = routePatternHost(pattern).replace(/^\*\.?/, "");
      if (!workerHostnames(entry).includes(suffix) || entry.routes?.includes(pattern)) return [];
      const instead = `replace it with "routes": ["${pattern}"] (and a "probeHost" under it for health)`;
      return [
        {
          worker: id,
          message: `fleet.jsonc has ${suffix} as a hostname, but its config routes the pattern ${pattern}, which does not serve ${suffix}; ${instead}`,
        },
      ];
    });
  });
  const gone = known
    .filter(([id]) => !kept.includes(id))
    .filter(([, e]) => e.source !== undefined)
    .map(([id]) => id);
  return { text: addToManifest(text, { header: {}, workers: toRender(fresh) }), added: fresh.map((w) => w.id), kept, gone, stripped };
}

async function guessOrg(cwd: string, tree: SourceTree): Promise<string> {
  const scope = /^@([A-Za-z0-9-]+)\//.exec((await readPackageJson(tree, "package.json"))?.name ?? "")?.[1];
  if (scope) return scope;
  const remote = await gitText(["config", "--get", "remote.origin.url"], { cwd, okCodes: [1] }).catch(() => "");
  const owner = /[:/]([A-Za-z0-9-]+)\/[^/]+?(\.git)?$/.exec(remote)?.[1];
  if (owner) return owner;
  throw new UserError("could not tell which GitHub organisation will own the worker repositories", {
    hint: "pass --org NAME (it is written to fleet.jsonc once)",
  });
}
