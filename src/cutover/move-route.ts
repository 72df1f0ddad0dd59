// The route move of a cutover, in the order that never leaves two workers claiming one hostname:
// the platform is redeployed from the cutover commit (its router forwards the hostnames to the
// worker and it no longer holds their routes), then the worker takes every route at once, then
// each hostname's /health is checked. All of a worker's hostnames move or none does: any failure
// after the first change rolls both back to the versions they had before.
import type { Cloud } from "../cloud/cloud.js";
import { deployInOrder, type DeployOutcome } from "../cloud/deploy.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import { localRuntime, WORKERS_DEV } from "../cloud/runtime.js";
import type { WorkerSpec } from "../cloud/spec.js";
import type { LocalCloudStore } from "../cloud/store.js";
import { checkHealth, type HealthOptions, type HealthResult } from "../health/check.js";
import { probeUrl, type HealthProbe } from "../health/probe.js";
import { movedTargets } from "../health/where.js";
import type { RouteEntry } from "./worker-routes.js";

export interface RouteMove {
  monorepo: string;
  /** The monorepo branch holding the cutover commit (the platform is built from it). */
  branch: string;
  platform: string;
  /** The platform's wrangler config (relative to the monorepo). */
  platformConfig?: string;
  /** The wrangler environment the platform deploys with (`--env`), if any. */
  environment?: string;
  worker: string;
  /** Every hostname of the worker, its domain first. */
  hosts: string[];
  health: Required<Omit<HealthOptions, "expect">>;
  /** The worker's health probe (path and what counts). */
  probe: HealthProbe;
  /** A hostname its wildcard routes serve, where their health is asked (else its workers.dev name). */
  probeHost?: string;
  /** Crons and queues the worker takes with its hostnames, once the platform deployed without them. */
  triggers?: Pick<WorkerSpec, "crons" | "queueConsumers">;
  onEvent?: (message: string) => void;
}

export interface RouteMoveResult {
  status: "moved" | "already-moved" | "rolled-back" | "failed";
  steps: string[];
  /** Each hostname's health after the move (or when already moved). */
  health?: HealthResult[];
  /** How the worker holds each hostname now, as its wrangler config routes it (when the cloud tells). */
  routes?: RouteEntry[];
  detail?: string;
}

/** The platform deployed from the cutover branch (in the environment that holds the hostnames), health checked. */
export function deployPlatform(cloud: Cloud, move: RouteMove): Promise<DeployOutcome[]> {
  const target = {
    id: move.platform,
    script: move.platform,
    repository: move.monorepo,
    branch: move.branch,
    dependsOn: [],
    ...(move.platformConfig ? { config: move.platformConfig } : {}),
  };
  const environment = move.environment ? { environment: move.environment } : {};
  return deployInOrder(cloud, [target], { health: move.health, ...environment, onEvent: (m) => move.onEvent?.(m) });
}

export async function moveRoute(store: LocalCloudStore, move: RouteMove): Promise<RouteMoveResult> {
  const steps: string[] = [];
  const step = (message: string) => {
    steps.push(message);
    move.onEvent?.(message);
  };
  const before = await store.state();
  const workerBefore = before.workers[move.worker]?.active;
  if (workerBefore === undefined) return { status: "failed", steps, detail: `${move.worker} is not deployed` };
  const hosts = move.hosts.join(", ");
  if (move.hosts.every((h) => before.routes[h] === move.worker)) {
    const health = await healthAt(store, move);
    const down = health.filter((h) => h.state !== "up");
    return down.length === 0
      ? { status: "already-moved", steps, health }
      : { status: "failed", steps, health, detail: `${move.worker} holds ${hosts} but ${down.map((h) => `${h.url} is ${h.state}`).join(", ")}` };
  }
  const strangers = move.hosts.filter((h) => before.routes[h] && before.routes[h] !== move.platform && before.routes[h] !== move.worker);
  if (strangers.length) {
    return {
      status: "failed",
      steps,
      detail: strangers.map((h) => `${h} is held by ${before.routes[h]}`).join(", ") + `, neither the platform nor ${move.worker}`,
    };
  }
  const platformBefore = before.workers[move.platform]?.active;
  const rollBack = async (reason: string, health?: HealthResult[]): Promise<RouteMoveResult> => {
    const now = await store.state();
    if (now.workers[move.worker]?.active !== workerBefore) {
      await store.rollback(move.worker, workerBefore);
      step(`rolled ${move.worker} back to v${workerBefore}`);
    }
    if (platformBefore !== undefined && now.workers[move.platform]?.active !== platformBefore) {
      await store.rollback(move.platform, platformBefore);
      step(`rolled ${move.platform} back to v${platformBefore}`);
    }
    return { status: "rolled-back", steps, ...(health ? { health } : {}), detail: reason };
  };

  const platformHeld = move.hosts.filter((h) => before.routes[h] === move.platform);
  if (platformHeld.length) {
    step(`deploying ${move.platform} from ${move.branch} (forwards ${hosts}, drops ${platformHeld.length > 1 ? "their routes" : "its route"})`);
    const local = new LocalCloud(store);
    const [platform] = await deployPlatform(local, move).finally(() => local.dispose());
    if (platform!.status !== "deployed") return rollBack(`the platform did not deploy healthy: ${platform!.detail ?? platform!.status}`);
    const after = await store.state();
    const kept = platformHeld.filter((h) => after.routes[h] === move.platform);
    if (kept.length) return rollBack(`the platform built from ${move.branch} still claims ${kept.join(", ")}`);
    step(`${move.platform} v${platform!.version!.number} no longer holds ${platformHeld.join(", ")}`);
  }

  try {
    const current = (await store.state()).workers[move.worker]!;
    const routes = (await store.version(move.worker, current.active)).spec.routes;
    const result = await store.redeployWithRoutes(move.worker, [...new Set([...routes, ...move.hosts])], move.triggers);
    step(`${move.worker} v${result.version} holds ${hosts}${triggerNote(move.triggers)}`);
  } catch (error) {
    return rollBack(`${move.worker} could not take ${hosts}: ${(error as Error).message}`);
  }
  const health = await healthAt(store, move);
  const down = health.filter((h) => h.state !== "up");
  if (down.length) {
    return rollBack(down.map((h) => `${h.url} is ${h.state} after the move (${h.error?.message ?? `HTTP ${h.status}`})`).join("; "), health);
  }
  for (const h of health) step(`${h.url} is up (${h.latencyMs} ms)`);
  return { status: "moved", steps, health };
}

function triggerNote(triggers: RouteMove["triggers"]): string {
  const crons = triggers?.crons ?? [];
  const queues = Object.keys(triggers?.queueConsumers ?? {});
  const parts = [...crons.map((c) => `the cron "${c}"`), ...queues.map((q) => `the consumer of ${q}`)];
  return parts.length ? ` and runs ${parts.join(", ")}` : "";
}

/** Every hostname's health (the worker's probe), a wildcard route's where health asks for it; one runtime for all. */
async function healthAt(store: LocalCloudStore, move: RouteMove): Promise<HealthResult[]> {
  const runtime = localRuntime(store, { persist: false });
  try {
    const results: HealthResult[] = [];
    for (const target of movedTargets(move.hosts, move.probeHost, `${move.worker}.${WORKERS_DEV}`))
      results.push(await checkHealth((url, init) => runtime.fetch(url, init), probeUrl(target.host, move.probe), { ...move.health, expect: move.probe }));
    return results;
  } finally {
    await runtime.dispose();
  }
}
