// The checklist's view of a worker's triggers (crons, queue consumers): the ones the platform's
// config still declares and the worker repository's wrangler.jsonc declares too — a cron that would
// run twice, a queue with two consumers — and whether every one has moved to the worker.
import { declaredTriggers } from "../discovery/triggers.js";
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";
import { repoNameFor } from "../manifest/names.js";
import type { FleetFacts } from "./observe.js";

export interface TriggerFacts {
  /** Declared by both: what, as evidence names it. */
  both: string[];
  /** Still the platform's, or declared by neither. */
  unmoved: string[];
  /** The worker's alone. */
  moved: string[];
}

const label = (kind: string, name: string) => (kind === "cron" ? `the cron "${name}"` : kind === "queue" ? `the consumer of ${name}` : "email");

export async function triggerFacts(facts: FleetFacts, id: string): Promise<TriggerFacts> {
  // a directories worker's triggers are its own config's: nothing to move
  if (facts.manifest.monorepo.layout !== "router") return { both: [], unmoved: [], moved: [] };
  const triggers = (facts.plans.get(id)?.triggers ?? []).filter((t) => t.kind !== "email");
  const out: TriggerFacts = { both: [], unmoved: [], moved: [] };
  if (triggers.length === 0) return out;
  const own = declaredTriggers(await workerConfig(facts, id));
  for (const t of triggers) {
    const worker = (t.kind === "cron" ? own.crons : own.queues).has(t.name);
    const platform = t.declaredBy.length > 0;
    if (worker && platform) out.both.push(label(t.kind, t.name));
    else if (worker) out.moved.push(label(t.kind, t.name));
    else out.unmoved.push(label(t.kind, t.name));
  }
  return out;
}

/** The evidence for triggers both declare: naming the platform's config and the worker repository's. */
export function bothEvidence(facts: FleetFacts, id: string, both: string[]): string {
  const platform = `the platform's ${facts.manifest.monorepo.wrangler ?? "wrangler config"} on ${facts.branch}`;
  const worker = `${repoNameFor(facts.manifest, id)}'s wrangler.jsonc`;
  const pending = facts.cutoverBranches.has(id)
    ? `; the cutover on fleet/cutover/${id} drops them from the platform's config: fleet cutover ${id} --apply brings it`
    : " (the cutover moves them)";
  return `both ${platform} and ${worker} declare ${both.join(", ")}: a cron both declare runs twice and a queue has one consumer${pending}`;
}

async function workerConfig(facts: FleetFacts, id: string): Promise<WranglerConfig | undefined> {
  const text = await facts.snapshots.get(id)?.text("wrangler.jsonc");
  if (text === undefined) return undefined;
  try {
    return parseWranglerConfig(text, "wrangler.jsonc");
  } catch {
    return undefined;
  }
}
