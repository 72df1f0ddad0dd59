// What counts as a worker being healthy: the path to ask and the answers that count. A worker
// that routes /health answers it with a JSON body whose status is "ok" or "healthy" (fleet's
// default and its scaffold's contract); one that does not is healthy when it answers at all (any
// status below 500 on "/"), which discovery writes into the manifest for it.
import type { WorkerEntry } from "../manifest/schema.js";

export interface HealthProbe {
  /** Path asked on the worker's hostname, such as /health. */
  path: string;
  /** Statuses that count: a code ("200") or a class ("2xx"). */
  statuses: string[];
  /** "ok": the body must be JSON with status "ok" or "healthy"; "any": the status alone decides. */
  body: "ok" | "any";
}

export const HEALTH_ENDPOINT: HealthProbe = { path: "/health", statuses: ["200"], body: "ok" };

/** For a worker with no health route: it is up when it answers, 404 included. */
export const ANSWERS: HealthProbe = { path: "/", statuses: ["2xx", "3xx", "4xx"], body: "any" };

/** The worker's probe: the manifest's `health`, the rest from the /health default. */
export function probeOf(worker: Pick<WorkerEntry, "health"> | undefined): HealthProbe {
  const health = worker?.health;
  return { path: health?.path ?? HEALTH_ENDPOINT.path, statuses: health?.statuses ?? HEALTH_ENDPOINT.statuses, body: health?.body ?? HEALTH_ENDPOINT.body };
}

/** `https://<host><path>`. */
export function probeUrl(host: string, probe: HealthProbe): string {
  return `https://${host}${probe.path}`;
}

export function statusCounts(status: number, statuses: readonly string[]): boolean {
  return statuses.some((s) => (/^[1-5]xx$/.test(s) ? Math.floor(status / 100) === Number(s[0]) : Number(s) === status));
}

/** "200", "2xx or 3xx or 4xx": how the statuses read in messages and generated code comments. */
export function describeStatuses(statuses: readonly string[]): string {
  return statuses.join(" or ");
}
