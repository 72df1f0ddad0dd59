// What cutover changes in the monorepo, computed from a commit: the MIGRATED marker beside the
// service module; every router entry of the worker (each of its hostnames, each path route the
// manifest gives it) rewritten to call the worker through a service binding (only those
// expressions' characters change); and in the wrangler config, the hostnames' routes out of every
// section and the binding into every section.
import { UserError } from "../errors.js";
import { DEFAULT_ROUTER, platformConfigFile } from "../discovery/platform-config.js";
import { locatePathRoutes, locateRouterEntry } from "../discovery/router.js";
import { SourceTree } from "../discovery/source-tree.js";
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";
import { fileAt } from "../git/commit-files.js";
import { repoNameFor, repositoryUrl } from "../manifest/names.js";
import { isWildcardHost, workerRouteHosts } from "../manifest/routes.js";
import type { Manifest } from "../manifest/schema.js";
import { bindingFor, editWranglerConfig } from "./wrangler-edit.js";
import { bindObjectsTo } from "./object-bindings.js";
import { exportsOfFiles, objectMoves, type ObjectMove } from "../discovery/durable-objects.js";
import { analyzeWorker, packageVersions } from "../discovery/analyze.js";
import { dropTriggers } from "./trigger-edit.js";
import { triggerCallsOf, triggersOf, type Trigger } from "../discovery/triggers.js";

export const CUTOVER_TRAILER = "Fleet-Cutover";

export interface MonorepoChange {
  id: string;
  /**
   * Every route host of the worker — its hostnames, domain first, then its wildcard routes' hosts
   * (`*.sites.example.test`): all move together or none does.
   */
  hosts: string[];
  /** Path prefixes the router forwards to the worker on any hostname. */
  paths: string[];
  /** The worker's script name. */
  script: string;
  /** The platform worker's script names: the top level's, then each environment's own (`--env`). */
  platforms: PlatformScript[];
  /** The platform's wrangler config, the one it is deployed with. */
  platformConfig: string;
  binding: string;
  /** Durable Object classes the platform defines and the worker's code defines too: their namespaces move to the worker. */
  objects: ObjectMove[];
  markerPath: string;
  /** Files to write (path → new content); empty when the commit already holds the cutover. */
  files: Map<string, string>;
  /** path → content before, for the files that change (for --dry-run's diff). */
  before: Map<string, string>;
  /** The worker's crons and queues the platform's config declares at the commit: they leave it with the hostnames. */
  triggers: Trigger[];
}

export interface PlatformScript {
  script: string;
  /** The wrangler environment deployed under this name (none for the top level). */
  environment?: string;
  /** Whether that section lists routes of its own. */
  routes: boolean;
}

export function cutoverBranch(id: string): string {
  return `fleet/cutover/${id}`;
}

export function markerPathFor(sourceFile: string): string {
  return `${sourceFile}.MIGRATED`;
}

export function markerContent(manifest: Manifest, id: string, target: { hosts: string[]; paths: string[] }, binding: string): string {
  const many = target.hosts.length > 1;
  const label = target.hosts.some(isWildcardHost) ? "Routes" : many ? "Hostnames" : "Hostname";
  return [
    `Migrated to: ${repositoryUrl(manifest, id)}`,
    `Worker: ${repoNameFor(manifest, id)}`,
    `${label}: ${target.hosts.join(", ")} (the platform router forwards ${many ? "them" : "it"} with env.${binding}.fetch(request))`,
    ...(target.paths.length ? [`Paths on every hostname: ${target.paths.join(", ")} (forwarded the same way)`] : []),
    "",
    "This service is deployed from its own repository now. Change it there; this module stays",
    "here only until the monorepo's copy is removed.",
    "",
  ].join("\n");
}

/** Checks that the worker can be cut over at all (layout, a hostname or wildcard route, source module). */
export function cutoverTarget(manifest: Manifest, id: string): { hosts: string[]; paths: string[]; file: string; router: string } {
  const worker = manifest.workers[id];
  if (!worker) throw new UserError(`unknown worker: ${id}`);
  if (worker.external) throw new UserError(`${id} is external: it already lives in its own repository and the router forwards to it`);
  if (manifest.monorepo.layout !== "router") {
    throw new UserError(`cutover moves a hostname away from the platform router, and this monorepo uses the ${manifest.monorepo.layout} layout`, {
      hint: "each directory worker already deploys under its own name; deploy it from its repository with `fleet deploy`",
    });
  }
  const hosts = workerRouteHosts(worker);
  if (!hosts.length) throw new UserError(`${id} has no domain (nor a wildcard route) in fleet.jsonc, so there is no hostname to move`);
  if (!worker.source?.file) throw new UserError(`${id} has no source.file in fleet.jsonc`);
  return { hosts, paths: worker.paths ?? [], file: worker.source.file, router: manifest.monorepo.router ?? DEFAULT_ROUTER };
}

export async function monorepoChange(repo: string, manifest: Manifest, id: string, commit: string): Promise<MonorepoChange> {
  const target = cutoverTarget(manifest, id);
  const script = repoNameFor(manifest, id);
  const read = async (path: string) => {
    const text = await fileAt(repo, commit, path);
    if (text === undefined)
      throw new UserError(`${path} is not in the monorepo at ${commit.slice(0, 12)}`, { hint: "check monorepo.router and monorepo.wrangler in fleet.jsonc" });
    return text;
  };
  const wranglerFile = await platformConfigAt(repo, manifest, commit);
  const wranglerText = await read(wranglerFile);
  const config = parseWranglerConfig(wranglerText, wranglerFile);
  const plan = bindingFor(config, id, script);
  const files = new Map<string, string>();
  const before = new Map<string, string>();

  const objects = objectMoves(config, await workerClassesAt(repo, commit, manifest, id, config));
  // its crons and queue consumers leave the platform with its hostnames (the worker takes them after)
  const triggers = (await workerTriggersAt(repo, commit, target, config)).filter((t) => t.declaredBy.length > 0);
  const drop = { crons: triggers.filter((t) => t.kind === "cron").map((t) => t.name), queues: triggers.filter((t) => t.kind === "queue").map((t) => t.name) };
  const routed = dropTriggers(editWranglerConfig(wranglerText, wranglerFile, { hosts: target.hosts, binding: plan, service: script }), wranglerFile, drop);
  const classes = objects.map((o) => o.className);
  const wranglerAfter = objects.length ? bindObjectsTo(routed, wranglerFile, classes, script) : routed;
  if (wranglerAfter !== wranglerText) {
    files.set(wranglerFile, wranglerAfter);
    before.set(wranglerFile, wranglerText);
  }

  const routerText = await read(target.router);
  const routerAfter = forwardEntries(routerText, target, plan.binding);
  if (routerAfter !== routerText) {
    files.set(target.router, routerAfter);
    before.set(target.router, routerText);
  }

  const markerPath = markerPathFor(target.file);
  const marker = markerContent(manifest, id, target, plan.binding);
  const markerBefore = await fileAt(repo, commit, markerPath);
  if (markerBefore !== marker) {
    files.set(markerPath, marker);
    if (markerBefore !== undefined) before.set(markerPath, markerBefore);
  }
  return {
    id,
    hosts: target.hosts,
    paths: target.paths,
    script,
    platforms: platformScripts(config),
    platformConfig: wranglerFile,
    binding: plan.binding,
    objects,
    markerPath,
    files,
    before,
    triggers,
  };
}

/** The worker's triggers as the router and the platform's config at `commit` have them. */
/** What the worker's modules export at `commit` (its runtime closure, as the plan and the scaffold read it): its Durable Object classes among them. */
async function workerClassesAt(repo: string, commit: string, manifest: Manifest, id: string, config: WranglerConfig): Promise<string[]> {
  const tree = await SourceTree.atCommit(repo, commit);
  try {
    const mono = {
      tree,
      rootPackages: await packageVersions(tree, "package.json"),
      router: manifest.monorepo.router ?? DEFAULT_ROUTER,
      platformConfig: config,
    };
    const analysis = await analyzeWorker(mono, id, manifest.workers[id]!);
    return await exportsOfFiles((f) => tree.read(f), analysis.runtimeFiles);
  } finally {
    tree.close();
  }
}

async function workerTriggersAt(repo: string, commit: string, target: { file: string; router: string }, config: WranglerConfig): Promise<Trigger[]> {
  const tree = await SourceTree.atCommit(repo, commit);
  try {
    return tree.has(target.router) ? triggersOf(await triggerCallsOf(tree, target.router), target.file, config) : [];
  } finally {
    tree.close();
  }
}

export function cutoverMessage(change: MonorepoChange, repositoryAddress: string): string {
  const hosts = change.hosts.join(", ");
  const paths = change.paths.length ? ` (and the paths ${change.paths.join(", ")} on every hostname)` : "";
  return [
    `Cut over ${hosts} to ${change.script}`,
    "",
    `The platform router forwards ${hosts}${paths} to the worker through the service binding`,
    `${change.binding} and no longer holds ${change.hosts.length > 1 ? "their routes" : "its route"}; ${change.markerPath} records where the`,
    `service lives now: ${repositoryAddress}.`,
    ...(change.triggers.length ? ["", `The platform no longer runs ${triggerList(change.triggers)}: the worker does.`] : []),
    "",
    `${CUTOVER_TRAILER}: ${change.id}`,
    "",
  ].join("\n");
}

function triggerList(triggers: readonly Trigger[]): string {
  return triggers.map((t) => (t.kind === "cron" ? `the cron "${t.name}"` : t.kind === "queue" ? `the consumer of ${t.name}` : "email")).join(", ");
}

/** The platform's wrangler config at `commit`: the manifest's, or found as discovery finds it. */
async function platformConfigAt(repo: string, manifest: Manifest, commit: string): Promise<string> {
  if (manifest.monorepo.wrangler) return manifest.monorepo.wrangler;
  const tree = await SourceTree.atCommit(repo, commit);
  try {
    const file = await platformConfigFile(tree, manifest);
    if (!file)
      throw new UserError(`found no wrangler config for the platform router at ${commit.slice(0, 12)}`, {
        hint: "name it in fleet.jsonc as monorepo.wrangler",
      });
    return file;
  } finally {
    tree.close();
  }
}

/**
 * The router with each of the worker's entries replaced by a forward through the binding: its
 * hostnames in the hostname map and its path routes (`return handleX(request, env, ctx)` gets
 * the forward in parentheses, as it is called). Every other character stays.
 */
function forwardEntries(code: string, target: { hosts: string[]; paths: string[]; router: string }, binding: string): string {
  const forward = `(request, env) => env.${binding}.fetch(request)`;
  const edits: { start: number; end: number; text: string }[] = [];
  const unmapped: string[] = [];
  for (const host of target.hosts) {
    const entry = locateRouterEntry(code, target.router, host);
    if (entry) edits.push({ ...entry, text: forward });
    else unmapped.push(host);
  }
  if (unmapped.length) {
    throw new UserError(`${target.router} has no entry for ${unmapped.join(", ")}`, {
      hint: `the router must map every hostname of the worker for fleet to hand them over; check domain and aliases in fleet.jsonc`,
    });
  }
  const sites = target.paths.length ? locatePathRoutes(code, target.router) : [];
  for (const prefix of target.paths) {
    const routes = sites.filter((s) => s.prefix === prefix);
    if (!routes.length) {
      throw new UserError(`${target.router} has no path route for ${prefix}`, {
        hint: `the router must dispatch pathname.startsWith("${prefix}") for fleet to forward it; check paths in fleet.jsonc`,
      });
    }
    for (const route of routes) edits.push({ start: route.start, end: route.end, text: route.called ? `(${forward})` : forward });
  }
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    if (out.slice(edit.start, edit.end) !== edit.text) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The names the platform deploys under: the top level's and each `env.*` section's own. */
function platformScripts(config: WranglerConfig): PlatformScript[] {
  const top = config.name ?? "platform";
  const scripts: PlatformScript[] = [{ script: top, routes: config.routes.length > 0 }];
  for (const [environment, section] of config.environments)
    scripts.push({ script: section.name ?? `${top}-${environment}`, environment, routes: section.routes.length > 0 });
  return scripts;
}

/**
 * Which of the platform's deployments the cutover redeploys: the one that holds the worker's
 * hostnames now, else production's when that environment has routes of its own, else the top level.
 */
export function platformHolding(change: Pick<MonorepoChange, "platforms" | "hosts">, routes: Record<string, string>): PlatformScript {
  const holding = change.platforms.find((p) => change.hosts.some((h) => routes[h] === p.script));
  if (holding) return holding;
  return change.platforms.find((p) => p.environment === "production" && p.routes) ?? change.platforms[0]!;
}
