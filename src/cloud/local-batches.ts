// Requests to many workers of the local cloud, a batch of scripts at a time: workerd holds every
// worker it loads in memory (about 4 MB each), so 300 workers at once took 1.4 GB. A batch is
// the scripts that hold the requested hostnames plus everything they bind, transitively, so each
// worker answers as it would with the whole fleet loaded. A fleet that fits one batch is loaded
// once, as before.
import { boundedMap } from "../concurrency/bounded.js";
import { holderOf as routeHolder } from "../manifest/routes.js";
import { bindingClosure, localRuntime, WORKERS_DEV } from "./runtime.js";
import type { LocalCloudStore } from "./store.js";

/** Scripts loaded at a time (a batch grows past it only when one worker's bindings need more). */
export const BATCH_SCRIPTS = 48;

export type LocalFetch = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Runs `request` for every target, each against a runtime holding the script that serves its
 * URL's hostname; results in the targets' order.
 */
export async function inLocalBatches<T extends { url: string }, R>(
  store: LocalCloudStore,
  targets: readonly T[],
  request: (fetch: LocalFetch, target: T) => Promise<R>,
  options: { concurrency: number; persist?: boolean; batchScripts?: number },
): Promise<R[]> {
  const state = await store.state();
  const limit = options.batchScripts ?? BATCH_SCRIPTS;
  const holderOf = (url: string) => {
    const host = new URL(url).hostname;
    // the hostname's own route, else the wildcard route that serves it
    const held = routeHolder(state.routes, host);
    if (held) return held;
    return host.endsWith(`.${WORKERS_DEV}`) ? host.slice(0, -WORKERS_DEV.length - 1) : undefined;
  };
  // `holders`: the scripts serving the batch's hostnames (the runtime adds what they bind);
  // `loaded`: those with everything they bind, what the batch costs
  const batches: { holders: Set<string>; loaded: Set<string>; indexes: number[] }[] = [];
  if (Object.keys(state.workers).length <= limit) {
    const all = new Set(Object.keys(state.workers));
    batches.push({ holders: all, loaded: all, indexes: targets.map((_, i) => i) });
  } else {
    const byHolder = new Map<string, number[]>();
    targets.forEach((t, i) => {
      const holder = holderOf(t.url) ?? "";
      byHolder.set(holder, [...(byHolder.get(holder) ?? []), i]);
    });
    let current: (typeof batches)[number] | undefined;
    for (const [holder, indexes] of [...byHolder].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const needs = holder ? await bindingClosure(store, [holder]) : new Set<string>();
      if (!current || (current.loaded.size > 0 && new Set([...current.loaded, ...needs]).size > limit)) {
        current = { holders: new Set(), loaded: new Set(), indexes: [] };
        batches.push(current);
      }
      if (holder) current.holders.add(holder);
      for (const script of needs) current.loaded.add(script);
      current.indexes.push(...indexes);
    }
  }
  const results = new Array<R>(targets.length);
  for (const batch of batches) {
    const runtime = localRuntime(store, { ...(options.persist === undefined ? {} : { persist: options.persist }), only: batch.holders });
    try {
      // workerd starts on the first request: started first, so latencies are the workers' own
      await runtime.fetch("https://warm-up.invalid/", { signal: AbortSignal.timeout(60_000) }).catch(() => undefined);
      await boundedMap(batch.indexes, options.concurrency, async (i) => {
        results[i] = await request(runtime.fetch, targets[i]!);
      });
    } finally {
      await runtime.dispose();
    }
  }
  return results;
}
