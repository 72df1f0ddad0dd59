// The local cloud's runtime: every active worker version in one workerd (through Miniflare 4),
// routed by hostname — its claimed hostnames and <script>.workers.dev — with service bindings
// between workers and KV, D1, R2 and Durable Object state persisted under .fleet/cloud/data.
import { join } from "node:path";
import type { WorkerSpec } from "./spec.js";
import type { LocalCloudStore } from "./store.js";
import { namespaceOf, transferredAway, type ObjectState } from "./objects.js";
import { fireCron, type ScheduledTarget } from "./triggers.js";

export const GATEWAY = "fleet-gateway";
export const WORKERS_DEV = "workers.dev";

// Miniflare sends a request whose host no route matches to the first worker: this one, so an
// unknown hostname gets a clear 404 rather than some worker's answer.
const GATEWAY_SCRIPT = `export default {
  fetch(request) {
    const host = new URL(request.url).hostname;
    return Response.json({ error: "no worker is routed for this hostname", host }, { status: 404 });
  },
};`;

type WorkerOptions = Record<string, unknown>;

export interface RuntimeOptions {
  /** false: without the persisted KV/D1/R2 state (reading creates nothing). */
  persist?: boolean;
  /**
   * Only these scripts and what they bind (services, Durable Objects of other scripts), each
   * transitively: a check of a few workers need not load the whole fleet into workerd.
   */
  only?: ReadonlySet<string>;
}

export async function miniflareOptions(store: LocalCloudStore, options: RuntimeOptions = {}): Promise<Record<string, unknown>> {
  const state = await store.state();
  const deployed = new Set(Object.keys(state.workers));
  const loaded = options.only ? await bindingClosure(store, options.only) : deployed;
  const workers: WorkerOptions[] = [{ name: GATEWAY, modules: true, script: GATEWAY_SCRIPT, compatibilityDate: "2025-09-01" }];
  for (const [script, entry] of Object.entries(state.workers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!loaded.has(script)) continue;
    const record = await store.version(script, entry.active);
    const modules = await store.modules(script, entry.active);
    const spec = record.spec;
    const hosts = Object.entries(state.routes)
      .filter(([, holder]) => holder === script)
      .map(([host]) => host);
    workers.push({
      name: script,
      modules: modules.map((m) => ({ type: m.type ?? "ESModule", path: m.name, contents: m.contents })),
      compatibilityDate: spec.compatibilityDate,
      compatibilityFlags: spec.compatibilityFlags,
      routes: [...hosts.map((h) => `${h}/*`), `${script}.${WORKERS_DEV}/*`],
      kvNamespaces: spec.kv,
      // a database is its id on the account (else its name), as on Cloudflare: workers binding one share it
      d1Databases: Object.fromEntries(spec.d1.map((binding) => [binding, spec.resources?.d1[binding] ?? binding])),
      r2Buckets: spec.r2,
      durableObjects: durableObjectOptions(script, spec, deployed, state),
      bindings: spec.vars,
      ...queueOptions(spec),
      // A target that is not deployed answers 503, a stand-in named as such.
      serviceBindings: Object.fromEntries(
        Object.entries(spec.services).map(([binding, target]) => [
          binding,
          deployed.has(target) ? target : () => new Response(`stand-in: worker ${target} is not deployed in the local cloud`, { status: 503 }),
        ]),
      ),
    });
  }
  const data = join(store.root, "data");
  return {
    workers,
    cf: false,
    ...(options.persist === false ? {} : { defaultPersistRoot: data, kvPersist: true, d1Persist: true, r2Persist: true, durableObjectsPersist: true }),
  };
}

/**
 * A worker's Durable Object bindings as Miniflare takes them: another script's class by its name
 * (when that script is deployed); a class of its own under the storage key of the namespace it
 * owns — after a transfer, the key the old owner wrote under, so the same objects answer. A class
 * of its own whose namespace was transferred away is not bound: its requests fail, as on Cloudflare.
 */
function durableObjectOptions(script: string, spec: WorkerSpec, deployed: ReadonlySet<string>, state: ObjectState): Record<string, unknown> {
  const objects = state.objects;
  const out: Record<string, unknown> = {};
  for (const [binding, d] of Object.entries(spec.durableObjects)) {
    if (d.scriptName && d.scriptName !== script) {
      if (deployed.has(d.scriptName)) out[binding] = { className: d.className, scriptName: d.scriptName };
      continue;
    }
    const key = namespaceOf(objects, script, d.className);
    // transferred away, or awaited from another script (exports' expecting-transfer): no objects here
    if (!key && (transferredAway(objects, script, d.className) || state.expecting?.[`${script}/${d.className}`])) continue;
    out[binding] = key && key !== `${script}-${d.className}` ? { className: d.className, unsafeUniqueKey: key } : d.className;
  }
  return out;
}

/** Miniflare's queue options of a version: it delivers a producer's messages to the queue's consumer in this workerd. */
function queueOptions(spec: WorkerSpec): WorkerOptions {
  const consumers = spec.queueConsumers ?? {};
  const producers = spec.queueProducers ?? {};
  return {
    ...(Object.keys(producers).length ? { queueProducers: producers } : {}),
    ...(Object.keys(consumers).length ? { queueConsumers: consumers } : {}),
  };
}

/** The deployed scripts among `scripts`, with every script they bind, transitively. */
export async function bindingClosure(store: LocalCloudStore, scripts: Iterable<string>): Promise<Set<string>> {
  const state = await store.state();
  const closure = new Set<string>();
  const queue = [...scripts];
  while (queue.length > 0) {
    const script = queue.pop()!;
    const entry = state.workers[script];
    if (closure.has(script) || !entry) continue;
    closure.add(script);
    const { spec } = await store.version(script, entry.active);
    queue.push(...Object.values(spec.services), ...Object.values(spec.durableObjects).flatMap((d) => (d.scriptName ? [d.scriptName] : [])));
  }
  return closure;
}

/**
 * One request to the local cloud without `fleet up`: starts workerd with the store's workers
 * (no persisted state), asks, stops. The body is parsed as JSON when it is JSON.
 */
export async function requestOnce(store: LocalCloudStore, url: string): Promise<{ status: number; body: unknown }> {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare((await miniflareOptions(store, { persist: false })) as never);
  try {
    const response = await mf.dispatchFetch(url);
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: response.status, body: text };
    }
  } finally {
    await mf.dispose();
  }
}

export interface LocalRuntime {
  fetch(url: string, init?: { signal?: AbortSignal; method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
  /** Fires a cron on every script declaring it, as Cloudflare does (cloud/triggers.ts). */
  scheduled(cron: string): Promise<{ script: string; outcome: string }[]>;
  /** Picks up what was deployed since it started. */
  reload(): Promise<void>;
  dispose(): Promise<void>;
}

/** The local cloud in this process, started on first request (workerd's start-up is paid only when asked). */
export function localRuntime(store: LocalCloudStore, options: RuntimeOptions = {}): LocalRuntime {
  let started:
    | Promise<
        ScheduledTarget & { dispatchFetch: (url: string, init?: unknown) => Promise<unknown>; setOptions(o: unknown): Promise<void>; dispose(): Promise<void> }
      >
    | undefined;
  const start = async () => {
    const { Miniflare } = await import("miniflare");
    return new Miniflare((await miniflareOptions(store, options)) as never) as never;
  };
  return {
    async fetch(url, init) {
      started ??= start();
      return (await (await started).dispatchFetch(url, init)) as Response;
    },
    async scheduled(cron) {
      started ??= start();
      return fireCron(store, await started, cron);
    },
    async reload() {
      if (started) await (await started).setOptions(await miniflareOptions(store, options));
    },
    async dispose() {
      if (started) await (await started).dispose();
      started = undefined;
    },
  };
}
