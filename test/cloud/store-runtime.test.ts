// The local cloud: versions, rollback, hostname ownership, routing and service bindings, run
// for real in workerd.
import { Miniflare } from "miniflare";
import { afterEach, describe, expect, it } from "vitest";
import { miniflareOptions } from "../../src/cloud/runtime.js";
import { specFromConfig, type WorkerSpec } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { tempDir } from "../helpers/tmp.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };

function worker(script: string, routes: string[], body: string, extra: Partial<WorkerSpec> = {}) {
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
    services: {},
    ...extra,
  };
  return { spec, bundle: { main: "index.js", modules: [{ name: "index.js", contents: body }] } };
}

const healthWorker = (name: string, version: string) =>
  `export default { async fetch(request, env) { const url = new URL(request.url); if (url.pathname === "/registry") return env.REGISTRY.fetch("https://registry/health"); return Response.json({ status: "ok", service: "${name}", version: "${version}" }); } };`;

describe("the local cloud", () => {
  let mf: Miniflare | undefined;
  afterEach(async () => {
    await mf?.dispose();
    mf = undefined;
  });

  async function start(store: LocalCloudStore) {
    mf = new Miniflare((await miniflareOptions(store, { persist: false })) as never);
    return mf;
  }

  it("routes by hostname and workers.dev, refuses a hostname another worker holds, naming it", async () => {
    const store = new LocalCloudStore(await tempDir());
    const platform = worker("chittyos-platform", ["initiate.chitty.cc", "registry.chitty.cc"], healthWorker("platform", "p1"));
    await store.deploy(platform.spec, platform.bundle, source);
    const init = worker("chittyos-project-initiation-worker", ["initiate.chitty.cc"], healthWorker("project-initiation", "1"));
    await expect(store.deploy(init.spec, init.bundle, source)).rejects.toThrow(/initiate\.chitty\.cc is held by worker chittyos-platform/);
    const partial = await store.deploy(init.spec, init.bundle, source, { routes: "available" });
    expect(partial.refused).toEqual([{ host: "initiate.chitty.cc", holder: "chittyos-platform" }]);

    const runtime = await start(store);
    expect(await (await runtime.dispatchFetch("https://initiate.chitty.cc/health")).json()).toMatchObject({ service: "platform" });
    expect(await (await runtime.dispatchFetch("https://chittyos-project-initiation-worker.workers.dev/health")).json()).toMatchObject({
      service: "project-initiation",
    });
    const unknown = await runtime.dispatchFetch("https://nobody.chitty.cc/health");
    expect(unknown.status).toBe(404);
  });

  it("keeps versions and rolls back to the previous one", async () => {
    const store = new LocalCloudStore(await tempDir());
    const v1 = worker("chittyos-registry-worker", ["registry.chitty.cc"], healthWorker("registry", "1.0.0"));
    const v2 = worker("chittyos-registry-worker", ["registry.chitty.cc"], healthWorker("registry", "1.1.0"));
    await store.deploy(v1.spec, v1.bundle, source);
    await store.deploy(v2.spec, v2.bundle, { ...source, message: "second" });
    expect((await store.versions("chittyos-registry-worker")).map((v) => [v.version, v.source.message])).toEqual([
      [1, "test"],
      [2, "second"],
    ]);
    let runtime = await start(store);
    expect(await (await runtime.dispatchFetch("https://registry.chitty.cc/health")).json()).toMatchObject({ version: "1.1.0" });
    await runtime.dispose();
    expect(await store.rollback("chittyos-registry-worker")).toEqual({ from: 2, to: 1 });
    runtime = await start(store);
    expect(await (await runtime.dispatchFetch("https://registry.chitty.cc/health")).json()).toMatchObject({ version: "1.0.0" });
  });

  it("connects service bindings between deployed workers, and stands in for missing ones", async () => {
    const store = new LocalCloudStore(await tempDir());
    const caller = worker("chittyos-beacon-worker", ["beacon.chitty.cc"], healthWorker("beacon", "1"), { services: { REGISTRY: "chittyos-registry-worker" } });
    await store.deploy(caller.spec, caller.bundle, source);
    let runtime = await start(store);
    const missing = await runtime.dispatchFetch("https://beacon.chitty.cc/registry");
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain("stand-in");
    await runtime.dispose();
    const registry = worker("chittyos-registry-worker", ["registry.chitty.cc"], healthWorker("registry", "1.0.0"));
    await store.deploy(registry.spec, registry.bundle, source);
    runtime = await start(store);
    expect(await (await runtime.dispatchFetch("https://beacon.chitty.cc/registry")).json()).toMatchObject({ service: "registry" });
  });

  it("reads a worker's spec from its wrangler config, per environment", () => {
    const config = parseWranglerConfig(
      JSON.stringify({
        name: "chittyos-a-worker",
        compatibility_date: "2025-09-01",
        routes: [{ pattern: "a.chitty.cc", custom_domain: true }],
        kv_namespaces: [{ binding: "CACHE", id: "x" }],
        vars: { LEVEL: "info" },
        services: [{ binding: "REG", service: "chittyos-registry-worker" }],
        env: { staging: { name: "chittyos-a-worker-staging", workers_dev: true, kv_namespaces: [{ binding: "CACHE", id: "y" }] } },
      }),
      "wrangler.json",
    );
    expect(specFromConfig(config)).toMatchObject({
      script: "chittyos-a-worker",
      routes: ["a.chitty.cc"],
      kv: ["CACHE"],
      vars: { LEVEL: "info" },
      services: { REG: "chittyos-registry-worker" },
    });
    expect(specFromConfig(config, "staging")).toMatchObject({ script: "chittyos-a-worker-staging", kv: ["CACHE"] });
  });
});
