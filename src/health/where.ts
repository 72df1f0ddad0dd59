// Where health asks for each of a worker's routes. A hostname is asked on itself. A wildcard route
// is a pattern, not a hostname: it is asked on the worker's probe host (a hostname under the
// pattern, named in the manifest), else on the worker's workers.dev name — never on the
// pattern's suffix with the `*.` dropped, a hostname the worker does not serve.
import { isWildcardHost, routeHostMatches, routePatternHost, workerPatterns } from "../manifest/routes.js";
import type { WorkerEntry } from "../manifest/schema.js";

/** How the hostname asked was chosen. */
export type AskedVia = "hostname" | "probe-host" | "workers.dev";

export interface HealthTarget {
  /** The route it stands for: a hostname, or a wildcard route as written (`*.sites.example.test/*`). */
  route: string;
  /** The hostname asked. */
  host: string;
  via: AskedVia;
}

/**
 * One target per route of the worker: its hostnames (domain, then aliases), then its wildcard
 * routes. `workersDev` is the worker's workers.dev name; without one (an external worker) a
 * pattern no probe host stands for is left out.
 */
export function healthTargets(worker: Pick<WorkerEntry, "domain" | "aliases" | "routes" | "probeHost">, workersDev?: string): HealthTarget[] {
  const hostnames = [...new Set([...(worker.domain ? [worker.domain] : []), ...(worker.aliases ?? [])])];
  const targets: HealthTarget[] = hostnames.map((host) => ({ route: host, host, via: "hostname" }));
  for (const pattern of workerPatterns(worker)) {
    if (worker.probeHost && routeHostMatches(routePatternHost(pattern), worker.probeHost))
      targets.push({ route: pattern, host: worker.probeHost, via: "probe-host" });
    else if (workersDev) targets.push({ route: pattern, host: workersDev, via: "workers.dev" });
  }
  return targets;
}

/** Why a pattern's health was asked where it was, in words (nothing for a hostname). */
export function askedWhy(target: HealthTarget): string {
  if (target.via === "probe-host") return `${target.route} is a pattern: asked on its probe host ${target.host}`;
  if (target.via === "workers.dev") return `${target.route} is a pattern: asked on its workers.dev name (name a probeHost to ask through the route)`;
  return "";
}

/**
 * Where a cutover checks the route hosts it moved (hostnames, and wildcard routes' hosts such as
 * `*.sites.example.test`): a hostname on itself; a pattern on the probe host it serves, else on the
 * worker's workers.dev name (asked once however many patterns fall back to it).
 */
export function movedTargets(hosts: readonly string[], probeHost: string | undefined, workersDev: string): HealthTarget[] {
  const targets = hosts.map((host): HealthTarget => {
    if (!isWildcardHost(host)) return { route: host, host, via: "hostname" };
    if (probeHost && routeHostMatches(host, probeHost)) return { route: host, host: probeHost, via: "probe-host" };
    return { route: host, host: workersDev, via: "workers.dev" };
  });
  return targets.filter((t, i) => targets.findIndex((o) => o.host === t.host) === i);
}
