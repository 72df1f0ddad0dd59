// After a cutover the worker's own repository must route its hostnames: its next deploy (fleet's,
// or the repository's deploy workflow) sends the config's routes as the script's whole route set,
// and a config without them would let the hostnames go. So once the hostnames are served by the
// worker, fleet commits the routes into the repository's wrangler config — in the form the
// platform held them (a Workers Route with its zone, or a custom domain) — and pushes it,
// fast-forward only, through the forge. Before the cutover the config routes nothing, so no deploy
// from the repository takes a hostname early.
import { applyEdits, modify } from "jsonc-parser";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { isWildcardHost } from "../manifest/routes.js";
import { commitFiles, fileAt } from "../git/commit-files.js";
import { git } from "../git/git.js";
import { readWorkerState } from "../sync/worker-state.js";
import { routeHost as routeEntryHost } from "./wrangler-edit.js";
import { addTriggers, type TriggerEntries } from "./worker-triggers.js";

/** A route as wrangler's config writes it. */
export interface RouteEntry {
  pattern: string;
  zone_name?: string;
  zone_id?: string;
  custom_domain?: boolean;
}

export const WORKER_ROUTES_TRAILER = "Fleet-Cutover-Routes";

/**
 * Each host's route as the platform's config has it (any section; the first found), else a custom
 * domain — the form a hostname nobody routed takes; a wildcard route's host (`*.a.b`), which no
 * custom domain can be, a route of its pattern (`*.a.b/*`).
 */
export function routeEntriesFor(hosts: readonly string[], platformConfigText: string | undefined, file: string): RouteEntry[] {
  const found = new Map<string, RouteEntry>();
  if (platformConfigText !== undefined) {
    const raw = parseWranglerConfig(platformConfigText, file).raw;
    const sections = [raw, ...Object.values((raw.env as Record<string, Record<string, unknown>> | undefined) ?? {})];
    for (const section of sections) {
      const routes = [...(Array.isArray(section.routes) ? section.routes : []), ...(section.route !== undefined ? [section.route] : [])];
      for (const route of routes) {
        const host = routeEntryHost(route);
        if (!host || found.has(host)) continue;
        found.set(host, typeof route === "string" ? { pattern: route } : pick(route as Record<string, unknown>));
      }
    }
  }
  return hosts.map((host) => found.get(host) ?? (isWildcardHost(host) ? { pattern: `${host}/*` } : { pattern: host, custom_domain: true }));
}

function pick(route: Record<string, unknown>): RouteEntry {
  return {
    pattern: String(route.pattern),
    ...(typeof route.zone_name === "string" ? { zone_name: route.zone_name } : {}),
    ...(typeof route.zone_id === "string" ? { zone_id: route.zone_id } : {}),
    ...(route.custom_domain === true ? { custom_domain: true } : {}),
  };
}

/**
 * The config with `routes` added where a deploy reads them: the top level and the `production`
 * environment (fleet and the deploy workflow deploy `--env production`); a host a section already
 * routes is left as it is. A singular `route` becomes the first of a `routes` list (wrangler takes
 * one or the other), and a production section that inherited the top level's routes keeps them
 * (it has a list of its own from now on). Unchanged text when there is nothing to add.
 */
export function addRoutes(text: string, file: string, routes: readonly RouteEntry[]): string {
  const raw = parseWranglerConfig(text, file).raw;
  const own = (section: Record<string, unknown>): unknown[] | undefined =>
    Array.isArray(section.routes) ? (section.routes as unknown[]) : section.route !== undefined ? [section.route] : undefined;
  const production = (raw.env as Record<string, Record<string, unknown>> | undefined)?.production;
  const format = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  let edited = text;
  const sections: [string[], Record<string, unknown>, unknown[]][] = [[[], raw, own(raw) ?? []]];
  if (production) sections.push([["env", "production"], production, own(production) ?? own(raw) ?? []]);
  for (const [path, section, current] of sections) {
    const existing = new Set(current.map(routeEntryHost));
    const missing = routes.filter((r) => !existing.has(routeEntryHost(r)));
    if (missing.length === 0) continue;
    if (section.route !== undefined) edited = applyEdits(edited, modify(edited, [...path, "route"], undefined, format));
    edited = applyEdits(edited, modify(edited, [...path, "routes"], [...current, ...missing], format));
  }
  return edited;
}

export interface WorkerRoutesResult {
  status: "committed" | "already" | "not-fleets-config";
  file?: string;
  commit?: string;
  /** The repository's main after it (the new commit, or what it was). */
  tip: string;
}

/**
 * Commits the routes into the worker repository's `wrangler.jsonc` (fleet's file there) and
 * pushes it to main, fast-forward only. A repository whose config is another file (the monorepo's
 * own, carried by the split) is left alone: that file is the monorepo's to change.
 */
export async function commitWorkerRoutes(options: {
  monorepo: string;
  url: string;
  gitEnv: Record<string, string>;
  id: string;
  routes: readonly RouteEntry[];
  /** The commit to build on instead of main's tip: one made on it (the Durable Object take-over), which main fast-forwards to with the routes. */
  base?: string;
  /** The crons and queue consumers it took from the platform: committed with the routes. */
  triggers?: TriggerEntries;
}): Promise<WorkerRoutesResult> {
  const { monorepo, url, gitEnv, id, routes } = options;
  const state = await readWorkerState(monorepo, url, id, gitEnv);
  if (!state.tip) throw new Error(`the repository at ${url} has no commits`);
  const file = "wrangler.jsonc";
  const base = options.base ?? state.tip;
  const text = await fileAt(monorepo, base, file);
  // fleet's file only when the monorepo's split does not carry one of that name (sync would
  // refuse a worker repository that changed a monorepo-owned path)
  const owned = state.lastSync && (await fileAt(monorepo, state.lastSync.split, file)) !== undefined;
  if (text === undefined || owned) return { status: "not-fleets-config", tip: state.tip };
  const edited = addTriggers(addRoutes(text, file, routes), file, options.triggers ?? { crons: [], consumers: [] });
  if (edited === text && base === state.tip) return { status: "already", file, tip: state.tip };
  const hosts = routes.map((r) => routeEntryHost(r)).join(", ");
  const many = routes.length > 1;
  const triggers = [
    ...(options.triggers?.crons ?? []).map((c) => `the cron "${c}"`),
    ...(options.triggers?.consumers ?? []).map((c) => `the queue ${c.queue}`),
  ];
  const message = [
    `Route ${hosts} to this worker`,
    "",
    `The cutover handed ${many ? "these hostnames" : "this hostname"} from the platform to this worker; its deploys keep ${many ? "them" : "it"} from now on.`,
    ...(triggers.length ? ["", `It runs ${triggers.join(", ")} from now on too: the platform no longer does.`] : []),
    "",
    `${WORKER_ROUTES_TRAILER}: ${id}`,
    "",
  ].join("\n");
  const commit = edited === text ? base : await commitFiles(monorepo, base, new Map([[file, edited]]), message);
  // a plain push refuses anything but a fast-forward: a commit pushed meanwhile is never lost
  await git(["push", "--quiet", "--", url, `${commit}:refs/heads/main`], { cwd: monorepo, env: gitEnv });
  await git(["update-ref", `refs/fleet/worker/${id}`, commit], { cwd: monorepo });
  return { status: "committed", file, commit, tip: commit };
}
