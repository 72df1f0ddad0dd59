// Requests to a large local fleet go a batch of scripts at a time, each batch holding what its
// workers bind: the answers are the ones the whole fleet loaded at once gives, in workerd.
import { describe, expect, it } from "vitest";
import { inLocalBatches } from "../../src/cloud/local-batches.js";
import { bindingClosure, miniflareOptions } from "../../src/cloud/runtime.js";
import type { WorkerSpec } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { tempDir } from "../helpers/tmp.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };

function worker(script: string, routes: string[], body: string, services: Record<string, string> = {}) {
  const spec: WorkerSpec = {
    script,
    compatibilityDate: "2025-09-01",
    compatibilityFlags: [],
    routes,
    kv: [],
    d1: [],
    r2: [],
    durableObjects: {},
    vars: {},
    services,
  };
  return { spec, bundle: { main: "index.js", modules: [{ name: "index.js", contents: body }] } };
}

const own = (name: string) => `export default { fetch() { return Response.json({ status: "ok", service: "${name}" }); } };`;
// answers with what the worker it binds answers: healthy only when that worker is loaded too
const through = (name: string) =>
  `export default { async fetch(request, env) { const r = await env.NEXT.fetch("https://next/health"); return Response.json({ status: r.ok ? "ok" : "down", service: "${name}", next: r.status }, { status: r.status }); } };`;

describe("the local cloud in batches", () => {
  it("answers as the whole fleet loaded at once does, each batch with what its workers bind", async () => {
    const store = new LocalCloudStore(await tempDir());
    // a chain a → b → c, and three standalone workers
    const fleet = [
      worker("a", ["a.chitty.cc"], through("a"), { NEXT: "b" }),
      worker("b", [], through("b"), { NEXT: "c" }),
      worker("c", [], own("c")),
      ...["d", "e", "f"].map((n) => worker(n, [`${n}.chitty.cc`], own(n))),
    ];
    for (const w of fleet) await store.deploy(w.spec, w.bundle, source);
    expect([...(await bindingClosure(store, ["a"]))].sort()).toEqual(["a", "b", "c"]);
    expect(((await miniflareOptions(store, { persist: false, only: new Set(["d"]) })).workers as { name: string }[]).map((w) => w.name)).toEqual([
      "fleet-gateway",
      "d",
    ]);

    const targets = [
      "https://a.chitty.cc/health",
      "https://b.workers.dev/health",
      "https://d.chitty.cc/health",
      "https://f.chitty.cc/health",
      "https://nobody.chitty.cc/health",
    ].map((url) => ({ url }));
    const ask = async (fetch: (url: string) => Promise<Response>, t: { url: string }) => {
      const response = await fetch(t.url);
      return { status: response.status, body: await response.text() };
    };
    const whole = await inLocalBatches(store, targets, ask, { concurrency: 4, persist: false, batchScripts: 100 });
    const batched = await inLocalBatches(store, targets, ask, { concurrency: 4, persist: false, batchScripts: 1 });
    expect(batched).toEqual(whole);
    expect(whole[0]).toMatchObject({ status: 200 }); // a reached c through b
    expect(JSON.parse(whole[0]!.body)).toMatchObject({ status: "ok", next: 200 });
    expect(whole[4]!.status).toBe(404); // the gateway: no worker holds that hostname
  });
});
