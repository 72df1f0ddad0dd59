// The stand-in's edge: the live version of every script run in workerd (Miniflare), reached by
// script name. Each change of what is live builds a new generation of the runtime and swaps it in
// once it is ready, so requests in flight finish on the old one (as Cloudflare's edge switches
// versions without dropping requests); the old one is disposed a little later.
import { Miniflare } from "miniflare";
import type { StandInObjects } from "./cloudflare-stand-in-objects.ts";

export interface LiveScript {
  name: string;
  mainModule: string;
  modules: { name: string; type: "ESModule" | "CommonJS" | "Text" | "Data" | "CompiledWasm"; contents: Uint8Array }[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** wrangler's upload bindings (metadata.bindings). */
  bindings: Record<string, unknown>[];
  /** Secret names: bound to a placeholder value (the stand-in never keeps values). */
  secrets: string[];
}

export class StandInEdge {
  private current?: Promise<Miniflare>;
  private generation = -1;
  private readonly retired: Miniflare[] = [];

  private readonly live: () => { generation: number; scripts: LiveScript[] };

  private readonly objects: StandInObjects | undefined;

  constructor(live: () => { generation: number; scripts: LiveScript[] }, objects?: StandInObjects) {
    this.live = live;
    this.objects = objects;
  }

  async fetch(script: string, request: Request): Promise<Response> {
    const mf = await this.runtime();
    const worker = (await mf.getWorker(script)) as unknown as { fetch(url: string, init: unknown): Promise<Response> };
    return worker.fetch(request.url, { method: request.method, headers: request.headers, body: request.body, duplex: "half" });
  }

  /** The runtime of what is live now; a request after a change waits for it (never the old code). */
  private runtime(): Promise<Miniflare> {
    const { generation, scripts } = this.live();
    if (!this.current || generation !== this.generation) {
      this.generation = generation;
      const old = this.current;
      this.current = (async () => {
        const mf = new Miniflare(optionsFor(scripts, this.objects) as never);
        await mf.ready;
        return mf;
      })();
      if (old)
        void this.current.then(
          () => this.retire(old),
          () => undefined,
        );
    }
    return this.current;
  }

  /** Requests in flight on an old generation finish there; it goes a few seconds later. */
  private retire(old: Promise<Miniflare>): void {
    void old.then(
      (mf) => {
        this.retired.push(mf);
        setTimeout(() => void mf.dispose().catch(() => undefined), 5000).unref();
      },
      () => undefined,
    );
  }

  async dispose(): Promise<void> {
    const mf = await this.current?.catch(() => undefined);
    this.current = undefined;
    await Promise.allSettled([mf?.dispose(), ...this.retired.map((r) => r.dispose())]);
  }
}

function optionsFor(scripts: LiveScript[], objects?: StandInObjects): Record<string, unknown> {
  const names = new Set(scripts.map((s) => s.name));
  // Miniflare needs one worker at least; a script-less account answers nothing but 404
  const workers: Record<string, unknown>[] = scripts.length
    ? []
    : [{ name: "stand-in-empty", modules: true, script: "export default { fetch: () => new Response(null, { status: 404 }) };" }];
  for (const s of scripts) {
    const of = (type: string) => s.bindings.filter((b) => b.type === type);
    workers.push({
      name: s.name,
      modulesRoot: "/",
      modules: s.modules
        .map((m) => ({ type: m.type, path: `/${m.name}`, contents: m.contents }))
        .sort((a, b) => (a.path === `/${s.mainModule}` ? -1 : b.path === `/${s.mainModule}` ? 1 : 0)),
      compatibilityDate: s.compatibilityDate,
      compatibilityFlags: s.compatibilityFlags,
      kvNamespaces: of("kv_namespace").map((b) => b.name),
      d1Databases: of("d1").map((b) => b.name),
      r2Buckets: of("r2_bucket").map((b) => b.name),
      durableObjects: objects
        ? objects.miniflareBindings(s.name, s.bindings, names)
        : Object.fromEntries(
            of("durable_object_namespace")
              .filter((b) => !b.script_name || b.script_name === s.name)
              .map((b) => [b.name, b.class_name]),
          ),
      bindings: {
        ...Object.fromEntries(of("plain_text").map((b) => [b.name, b.text])),
        ...Object.fromEntries(of("json").map((b) => [b.name, b.json])),
        ...Object.fromEntries(s.secrets.map((name) => [name, "stand-in secret (no value is kept)"])),
      },
      serviceBindings: Object.fromEntries(
        of("service").map((b) => [
          b.name,
          names.has(String(b.service)) ? String(b.service) : () => new Response(`stand-in: script ${String(b.service)} does not exist`, { status: 503 }),
        ]),
      ),
    });
  }
  // Durable Objects kept across generations (a namespace's objects outlive a deploy, as on Cloudflare)
  return { workers, ...(objects ? { durableObjectsPersist: objects.persist } : {}) };
}
