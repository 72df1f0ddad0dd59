// Before a deploy changes anything: every resource the workers about to go out bind, looked up on
// the cloud at once, and the missing ones refused together, per worker, with each binding's
// config line. Cloudflare finds them one at a time, mid-deploy (a bare error code that names
// nothing), after the workers before had gone out; this finds them all and deploys nothing.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import type { Cloud, Prepared } from "../cloud.js";
import { boundResources, type BoundResource, type ResourceLookup } from "./bound.js";

export interface PreflightWorker {
  id: string;
  prepared: Prepared;
  /** Scripts this run deploys before this worker (they count as present). */
  deployedBefore: ReadonlySet<string>;
  /** Scripts a service binding may name that this run deploys a placeholder of when they are not live. */
  placeholders: ReadonlySet<string>;
}

const WHAT: Record<BoundResource["kind"], string> = {
  kv: "KV namespace",
  d1: "D1 database",
  r2: "R2 bucket",
  queue: "queue",
  hyperdrive: "Hyperdrive config",
  vectorize: "Vectorize index",
  script: "Worker script",
};

const CREATE: Record<BoundResource["kind"], string> = {
  kv: "wrangler kv namespace create",
  d1: "wrangler d1 create",
  r2: "wrangler r2 bucket create",
  queue: "wrangler queues create",
  hyperdrive: "wrangler hyperdrive create",
  vectorize: "wrangler vectorize create",
  script: "deploy it first",
};

/**
 * The workers as they will go out, in deploy order, once built (one whose build failed is left
 * out): each counts the scripts of those before it as present (the cloud holds them by the time
 * it deploys), and the fleet's scripts as placeholders for its service bindings.
 */
export async function inDeployOrder(
  order: readonly { id: string }[],
  builds: ReadonlyMap<string, Promise<{ prepared: Prepared }>>,
  placeholders: ReadonlySet<string> = new Set(),
): Promise<PreflightWorker[]> {
  const built = await Promise.all(
    order.map((t) =>
      builds.get(t.id)!.then(
        (b) => b.prepared,
        () => undefined,
      ),
    ),
  );
  const before = new Set<string>();
  const workers: PreflightWorker[] = [];
  order.forEach((t, i) => {
    const prepared = built[i];
    if (!prepared) return;
    workers.push({ id: t.id, prepared, deployedBefore: new Set(before), placeholders });
    before.add(prepared.spec.script);
  });
  return workers;
}

/** What the cloud must have for `worker`: its bound resources, less the scripts this run provides. */
export async function lookupsOf(worker: PreflightWorker): Promise<ResourceLookup[]> {
  const { prepared } = worker;
  const text = await readFile(join(prepared.checkout, prepared.config), "utf8");
  return boundResources(text, prepared.config, prepared.environment)
    .filter((r) => {
      if (r.kind !== "script") return true;
      if (r.resource === prepared.spec.script || worker.deployedBefore.has(r.resource)) return false;
      // a placeholder stands in for a service (it answers 503), not for a Durable Object class
      return !(r.field === "service" && worker.placeholders.has(r.resource));
    })
    .map((r) => ({ ...r, worker: worker.id, script: prepared.spec.script }));
}

/** Throws one UserError listing every missing resource, per worker; returns when the cloud has them all. */
export async function checkResources(cloud: Cloud, workers: readonly PreflightWorker[]): Promise<void> {
  if (!cloud.missingResources || workers.length === 0) return;
  const lookups = (await Promise.all(workers.map(lookupsOf))).flat();
  if (lookups.length === 0) return;
  const missing = await cloud.missingResources(lookups);
  if (missing.length) throw missingResourcesError(missing);
}

export function missingResourcesError(missing: readonly ResourceLookup[]): UserError {
  const byWorker = new Map<string, ResourceLookup[]>();
  for (const m of missing) byWorker.set(m.worker, [...(byWorker.get(m.worker) ?? []), m]);
  const problems = [...byWorker].flatMap(([worker, list]) => [
    `${worker} (${list[0]!.script}):`,
    ...list.map((m) => `  ${m.at}: ${m.binding} → ${WHAT[m.kind]} ${m.resource} (${m.field}) ${notThere(m)}`),
  ]);
  const kinds = [...new Set(missing.map((m) => m.kind))];
  const count = `${missing.length} bound resource${missing.length === 1 ? "" : "s"}`;
  return new UserError(`${count} of ${byWorker.size} worker${byWorker.size === 1 ? "" : "s"} not found on the account; nothing was deployed`, {
    problems,
    hint: `create them (${kinds.map((k) => CREATE[k]).join(", ")}) or correct the binding in the config, then deploy again`,
  });
}

function notThere(m: ResourceLookup): string {
  if (m.kind !== "script") return "is not on the account";
  return "is not deployed, and no worker of this deploy puts it there first";
}
