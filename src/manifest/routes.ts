// Routes as written. A worker answers on hostnames (its domain and aliases) and on wildcard route
// patterns (`*.sites.example.test/*`, its users' sites): a pattern stays a pattern. What a cloud
// holds, and what a cutover moves, is a route's host as the config writes it — a hostname, or a
// host pattern such as `*.sites.example.test` — never a hostname made up by dropping the `*.`.
import type { WorkerEntry } from "./schema.js";

/** The host of a route pattern as written, lowercased: `*.sites.example.test/*` → `*.sites.example.test`. */
export function routePatternHost(pattern: string): string {
  return pattern
    .replace(/^[a-z]+:\/\//i, "")
    .split("/")[0]!
    .toLowerCase();
}

/** Whether a route's host is a pattern (`*.a.b`, `*a.b`) rather than one hostname. */
export function isWildcardHost(host: string): boolean {
  return host.startsWith("*");
}

/**
 * Whether a route host serves `hostname`, as Cloudflare matches routes: a hostname itself;
 * `*.a.b` every hostname under a.b (not a.b); `*a.b` a.b and every hostname ending in it.
 */
export function routeHostMatches(routeHost: string, hostname: string): boolean {
  const host = hostname.toLowerCase();
  return isWildcardHost(routeHost) ? host.endsWith(routeHost.slice(1)) : host === routeHost;
}

/**
 * The holder of `hostname` among held route hosts (route host → holder): the hostname's own
 * route first, else the longest pattern that serves it (the most specific, as Cloudflare picks).
 */
export function holderOf<T>(held: ReadonlyMap<string, T> | Readonly<Record<string, T>>, hostname: string): T | undefined {
  const entries: [string, T][] = held instanceof Map ? [...held] : Object.entries(held as Record<string, T>);
  const host = hostname.toLowerCase();
  const own = entries.find(([route]) => route === host);
  if (own) return own[1];
  const patterns = entries.filter(([route]) => isWildcardHost(route) && routeHostMatches(route, host)).sort(([a], [b]) => b.length - a.length);
  return patterns[0]?.[1];
}

/** A worker's wildcard route patterns as written (`routes` in fleet.jsonc). */
export function workerPatterns(worker: Pick<WorkerEntry, "routes">): string[] {
  return [...new Set(worker.routes ?? [])];
}

/**
 * Every route host a worker holds once it is cut over — its hostnames (domain, then aliases), then
 * its patterns' hosts: what the clouds record as held, and what a cutover moves, all or none.
 */
export function workerRouteHosts(worker: Pick<WorkerEntry, "domain" | "aliases" | "routes">): string[] {
  const hostnames = [...(worker.domain ? [worker.domain] : []), ...(worker.aliases ?? [])];
  return [...new Set([...hostnames, ...workerPatterns(worker).map(routePatternHost)])];
}
