// The worker's side of moving triggers at cutover: the crons and queue consumers the platform
// declared for it, in the form the platform's config wrote them (a consumer's batch settings
// included), deployed with the worker once the platform has let go, then committed into the
// worker repository's wrangler.jsonc with its routes, where every later deploy keeps them.
// Before its cutover that config declares none: the platform runs them.
import { applyEdits, modify } from "jsonc-parser";
import { triggerSpecOf, type WorkerSpec } from "../cloud/spec.js";
import type { Trigger } from "../discovery/triggers.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";

export interface TriggerEntries {
  crons: string[];
  /** `queues.consumers` entries as the platform's config has them. */
  consumers: Record<string, unknown>[];
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** The platform-declared crons and queues of `triggers`, each queue's consumer entry from the first section declaring it. */
export function triggerEntriesFor(triggers: readonly Trigger[], platformConfigText: string | undefined, file: string): TriggerEntries {
  const declared = triggers.filter((t) => t.declaredBy.length > 0);
  const crons = declared.filter((t) => t.kind === "cron").map((t) => t.name);
  const queues = declared.filter((t) => t.kind === "queue").map((t) => t.name);
  const found = new Map<string, Raw>();
  if (platformConfigText !== undefined && queues.length) {
    const raw = parseWranglerConfig(platformConfigText, file).raw;
    for (const section of [raw, ...Object.values(isObject(raw.env) ? raw.env : {})]) {
      const consumers = isObject(section) && isObject(section.queues) && Array.isArray(section.queues.consumers) ? section.queues.consumers : [];
      for (const c of consumers) if (isObject(c) && typeof c.queue === "string" && !found.has(c.queue)) found.set(c.queue, c);
    }
  }
  return { crons, consumers: queues.map((queue) => found.get(queue) ?? { queue }) };
}

/** What the local cloud's spec holds of them. */
export function triggerSpec(entries: TriggerEntries): Pick<WorkerSpec, "crons" | "queueConsumers"> {
  const { crons, queueConsumers } = triggerSpecOf({ triggers: { crons: entries.crons }, queues: { consumers: entries.consumers } });
  return { crons: crons ?? [], queueConsumers: queueConsumers ?? {} };
}

/** The worker's config with the crons and consumers added at the top level and in `env.production` (as its routes); unchanged when they are there. */
export function addTriggers(text: string, file: string, entries: TriggerEntries): string {
  if (entries.crons.length === 0 && entries.consumers.length === 0) return text;
  const raw = parseWranglerConfig(text, file).raw;
  const format = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  const production = isObject(raw.env) && isObject(raw.env.production) ? raw.env.production : undefined;
  const sections: [string[], Raw][] = [[[], raw], ...(production ? [[["env", "production"], production] as [string[], Raw]] : [])];
  let edited = text;
  for (const [path, section] of sections) {
    const crons = isObject(section.triggers) && Array.isArray(section.triggers.crons) ? (section.triggers.crons as string[]) : [];
    const newCrons = entries.crons.filter((c) => !crons.includes(c));
    if (newCrons.length) edited = applyEdits(edited, modify(edited, [...path, "triggers", "crons"], [...crons, ...newCrons], format));
    const consumers = isObject(section.queues) && Array.isArray(section.queues.consumers) ? (section.queues.consumers as Raw[]) : [];
    const newConsumers = entries.consumers.filter((c) => !consumers.some((have) => have.queue === c.queue));
    if (newConsumers.length) edited = applyEdits(edited, modify(edited, [...path, "queues", "consumers"], [...consumers, ...newConsumers], format));
  }
  return edited;
}
