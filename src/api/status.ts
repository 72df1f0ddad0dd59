// The migration checklist of every worker, observed now (reads only).
import { observeFleet } from "../checklist/observe.js";
import { probeWorker } from "../checklist/probes.js";
import { sourceBranch } from "../git/branch.js";
import { fleetOrder } from "../plan/order.js";
import { boundedMap } from "../concurrency/bounded.js";
import { summarize, type FleetStatus } from "../status/summary.js";
import { sourceName } from "../sync/sync.js";
import { openSession, workersOf, type FleetOptions } from "./session.js";

export interface StatusCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest). */
  workers?: string[];
  /** Health checks of the health step. */
  health?: { timeoutMs?: number; retries?: number };
  /** Probes at a time (default 8). */
  concurrency?: number;
}

/**
 * Observes the ten checklist steps of each worker (forge, worker repository, cloud, registry,
 * monorepo) and sums them up: the matrix with evidence, progress per phase, rollout, next actions.
 */
export async function status(options: StatusCall = {}): Promise<FleetStatus> {
  const session = openSession(options);
  const manifest = await session.manifest();
  const named = workersOf(manifest, options.workers);
  const health = { timeoutMs: options.health?.timeoutMs ?? 3000, retries: options.health?.retries ?? 1, backoffMs: 200 };
  const concurrency = options.concurrency ?? 8;
  const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
  const ids = fleetOrder(manifest).order.filter((id) => named.includes(id));
  const facts = await observeFleet(session.cwd, manifest, branch, ids, { health, concurrency, env: session.env, onProgress: session.log });
  let workers;
  try {
    workers = await boundedMap(ids, concurrency, (id) => probeWorker(facts, id));
    await facts.driftMemory.save();
  } finally {
    facts.close();
  }
  const cloud = { kind: facts.cloud.kind, ...("error" in facts.cloud ? { error: facts.cloud.error } : {}) };
  return summarize(workers, { monorepo: await sourceName(session.cwd), branch, commit: facts.tip, cloud });
}
