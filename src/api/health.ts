// Every worker's health endpoint, several at a time, through the cloud the manifest names.
import { cloudFor } from "../cloud/select.js";
import type { Cloud } from "../cloud/cloud.js";
import { inLocalBatches } from "../cloud/local-batches.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { workerHostnames } from "../manifest/names.js";
import { boundedMap } from "../concurrency/bounded.js";
import { openSession, workersOf, type FleetOptions } from "./session.js";
import { probeOf, probeUrl } from "../health/probe.js";

export interface HealthCall extends FleetOptions {
  /** Worker ids (default: every worker with a domain, external ones too). */
  workers?: string[];
  /** Per request, in ms (default 5000). */
  timeoutMs?: number;
  /** Retries of a failed check (default 2). */
  retries?: number;
  /** Checks at a time (default 16). */
  concurrency?: number;
}

export interface WorkerHealth extends HealthResult {
  id: string;
  /** The hostname checked: the worker's domain or one of its aliases. */
  host: string;
}

/**
 * Checks `https://<hostname><health path>` of each worker (its probe: /health by default), for its domain and each alias (one result
 * per hostname): on the local cloud the fleet's hostnames are
 * answered by it (the URLs stay the real ones); on Cloudflare they are fetched over the internet
 * (or through the edge FLEET_EDGE_URL names).
 */
export async function health(options: HealthCall = {}): Promise<WorkerHealth[]> {
  const session = openSession(options);
  const manifest = await session.manifest();
  const named = workersOf(manifest, options.workers);
  const targets = named.flatMap((id) => {
    const probe = probeOf(manifest.workers[id]);
    return workerHostnames(manifest.workers[id]!).map((host) => ({ id, host, url: probeUrl(host, probe), expect: probe }));
  });
  const checks = { timeoutMs: options.timeoutMs ?? 5000, retries: options.retries ?? 2, backoffMs: 200 };
  const concurrency = options.concurrency ?? 16;
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  const check = async (fetch: Cloud["fetch"], t: (typeof targets)[number]) => ({
    id: t.id,
    host: t.host,
    ...(await checkHealth(fetch, t.url, { ...checks, expect: t.expect })),
  });
  try {
    // the local cloud: a batch of workers at a time in workerd, each with what it binds
    if (cloud instanceof LocalCloud) return await inLocalBatches(cloud.store, targets, check, { concurrency, persist: false });
    return await boundedMap(targets, concurrency, (t) => check(cloud.fetch, t));
  } finally {
    await cloud.dispose();
  }
}
