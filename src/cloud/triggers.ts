// The local cloud's crons: Cloudflare fires a cron on every script whose deployed version
// declares it (two scripts declaring one cron both run), so the local cloud does the same through
// Miniflare's scheduled trigger. Queues need nothing here: Miniflare delivers a producer's
// messages to the queue's one consumer (runtime.ts configures both from each version's spec).
import type { LocalCloudStore } from "./store.js";

/** What of a running Miniflare firing a cron needs. */
export interface ScheduledTarget {
  getWorker(name: string): Promise<{ scheduled(options: { cron: string; scheduledTime?: Date }): Promise<{ outcome: string }> }>;
}

/** The scripts whose active version runs on `cron`, sorted. */
export async function scriptsOnCron(store: LocalCloudStore, cron: string): Promise<string[]> {
  const state = await store.state();
  const out: string[] = [];
  for (const [script, entry] of Object.entries(state.workers)) {
    if ((await store.version(script, entry.active)).spec.crons?.includes(cron)) out.push(script);
  }
  return out.sort();
}

/** Fires `cron` on every script declaring it; each script's outcome ("ok", "exception"…). */
export async function fireCron(store: LocalCloudStore, mf: ScheduledTarget, cron: string): Promise<{ script: string; outcome: string }[]> {
  const results: { script: string; outcome: string }[] = [];
  for (const script of await scriptsOnCron(store, cron)) {
    const worker = await mf.getWorker(script);
    const { outcome } = await worker.scheduled({ cron, scheduledTime: new Date() });
    results.push({ script, outcome });
  }
  return results;
}
