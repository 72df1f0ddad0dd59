// The route move of a cutover, in the order that never leaves two workers claiming one hostname:
// the platform is redeployed from the cutover commit (its router forwards the hostname to the
// worker and it no longer holds the route), then the worker takes the route, then the hostname's
// /health is checked. Any failure after the first change rolls both back to the versions they
// had before.
import { deployInOrder } from "../cloud/deploy.js";
import { localRuntime } from "../cloud/runtime.js";
import type { LocalCloudStore } from "../cloud/store.js";
import { checkHealth, type HealthOptions, type HealthResult } from "../health/check.js";

export interface RouteMove {
  monorepo: string;
  /** The monorepo branch holding the cutover commit (the platform is built from it). */
  branch: string;
  platform: string;
  /** The platform's wrangler config (relative to the monorepo). */
  platformConfig?: string;
  worker: string;
  host: string;
  health: Required<HealthOptions>;
  onEvent?: (message: string) => void;
}

export interface RouteMoveResult {
  status: "moved" | "already-moved" | "rolled-back" | "failed";
  steps: string[];
  health?: HealthResult;
  detail?: string;
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
  if (before.routes[move.host] === move.worker) {
    const health = await healthAt(store, move);
    return health.state === "up"
      ? { status: "already-moved", steps, health }
      : { status: "failed", steps, health, detail: `${move.worker} holds ${move.host} but its /health is ${health.state}` };
  }
  const platformBefore = before.workers[move.platform]?.active;
  const rollBack = async (reason: string, health?: HealthResult): Promise<RouteMoveResult> => {
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

  if (before.routes[move.host] === move.platform) {
    step(`deploying ${move.platform} from ${move.branch} (forwards ${move.host}, drops its route)`);
    const [platform] = await deployInOrder(store, [{ id: move.platform, script: move.platform, repository: move.monorepo, branch: move.branch, dependsOn: [], ...(move.platformConfig ? { config: move.platformConfig } : {}) }], {
      health: move.health,
      onEvent: (m) => move.onEvent?.(m),
    });
    if (platform!.status !== "deployed") return rollBack(`the platform did not deploy healthy: ${platform!.detail ?? platform!.status}`);
    if ((await store.state()).routes[move.host] === move.platform) return rollBack(`the platform built from ${move.branch} still claims ${move.host}`);
    step(`${move.platform} v${platform!.version} no longer holds ${move.host}`);
  } else if (before.routes[move.host]) {
    return { status: "failed", steps, detail: `${move.host} is held by ${before.routes[move.host]}, neither the platform nor ${move.worker}` };
  }

  try {
    const current = (await store.state()).workers[move.worker]!;
    const routes = (await store.version(move.worker, current.active)).spec.routes;
    const result = await store.redeployWithRoutes(move.worker, [...new Set([...routes, move.host])]);
    step(`${move.worker} v${result.version} holds ${move.host}`);
  } catch (error) {
    return rollBack(`${move.worker} could not take ${move.host}: ${(error as Error).message}`);
  }
  const health = await healthAt(store, move);
  if (health.state !== "up") return rollBack(`https://${move.host}/health is ${health.state} after the move (${health.error?.message ?? `HTTP ${health.status}`})`, health);
  step(`https://${move.host}/health is up (${health.latencyMs} ms)`);
  return { status: "moved", steps, health };
}

async function healthAt(store: LocalCloudStore, move: RouteMove): Promise<HealthResult> {
  const runtime = localRuntime(store, { persist: false });
  try {
    return await checkHealth((url, init) => runtime.fetch(url, init), `https://${move.host}/health`, move.health);
  } finally {
    await runtime.dispose();
  }
}
