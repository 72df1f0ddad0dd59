// Every worker's health endpoint, several at a time, through the cloud the manifest names.
import { cloudFor } from "../cloud/select.js";
import type { Cloud } from "../cloud/cloud.js";
import { inLocalBatches } from "../cloud/local-batches.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { repoNameFor } from "../manifest/names.js";
import { workerPatterns } from "../manifest/routes.js";
import type { Manifest } from "../manifest/schema.js";
import { healthTargets, type AskedVia, type HealthTarget } from "../health/where.js";
import { boundedMap } from "../concurrency/bounded.js";
import { openSession, workersOf, type FleetOptions } from "./session.js";
import { probeOf, probeUrl, type HealthProbe } from "../health/probe.js";

type Target = HealthTarget & { id: string; url: string; expect: HealthProbe };

/** A worker's targets: each hostname, and each wildcard route where health asks for it (its probe host, else its workers.dev name). */
async function targetsOf(manifest: Manifest, cloud: Cloud, id: string): Promise<Target[]> {
  const worker = manifest.workers[id]!;
  const probe = probeOf(worker);
  const workersDev = workerPatterns(worker).length && !worker.external ? await cloud.workersDevHost(repoNameFor(manifest, id)) : undefined;
  return healthTargets(worker, workersDev).map((t) => ({ ...t, id, url: probeUrl(t.host, probe), expect: probe }));
}

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
  /** The hostname checked: the worker's domain or one of its aliases, or where a wildcard route's health is asked. */
  host: string;
  /** For a wildcard route: the pattern as written, and how the hostname asked was chosen (its probe host, or its workers.dev name). */
  route?: string;
  via?: AskedVia;
}

/**
 * Checks `https://<hostname><health path>` of each worker (its probe: /health by default), for its
 * domain and each alias, and for each wildcard route on its probe host, else its workers.dev name
 * (one result per route): on the local cloud the fleet's hostnames are answered by it (the URLs
 * stay the real ones); on Cloudflare they are fetched over the internet (or through the edge
 * FLEET_EDGE_URL names).
 */
export async function health(options: HealthCall = {}): Promise<WorkerHealth[]> {
  const session = openSession(options);
  const manifest = await session.manifest();
  const named = workersOf(manifest, options.workers);
  const checks = { timeoutMs: options.timeoutMs ?? 5000, retries: options.retries ?? 2, backoffMs: 200 };
  const concurrency = options.concurrency ?? 16;
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  const check = async (fetch: Cloud["fetch"], t: Target) => ({
    id: t.id,
    host: t.host,
    ...(t.via !== "hostname" ? { route: t.route, via: t.via } : {}),
    ...(await checkHealth(fetch, t.url, { ...checks, expect: t.expect })),
  });
  try {
    const targets = (await Promise.all(named.map((id) => targetsOf(manifest, cloud, id)))).flat();
    // the local cloud: a batch of workers at a time in workerd, each with what it binds
    if (cloud instanceof LocalCloud) return await inLocalBatches(cloud.store, targets, check, { concurrency, persist: false });
    return await boundedMap(targets, concurrency, (t) => check(cloud.fetch, t));
  } finally {
    await cloud.dispose();
  }
}
