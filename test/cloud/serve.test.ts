// fleet up's server: a real HTTP server on 127.0.0.1, routed by the Host header, that picks up a
// deploy without a restart.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { serveCloud, type RunningCloud } from "../../src/cloud/serve.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import type { WorkerSpec } from "../../src/cloud/spec.js";
import { tempDir } from "../helpers/tmp.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };
const spec = (script: string, routes: string[]): WorkerSpec => ({
  script,
  compatibilityDate: "2025-09-01",
  compatibilityFlags: [],
  routes,
  kv: ["COUNTS"],
  d1: [],
  r2: [],
  durableObjects: {},
  vars: {},
  services: {},
});
const bundle = (version: string) => ({
  main: "index.js",
  modules: [
    {
      name: "index.js",
      contents: `export default { async fetch(request, env) { const n = Number(await env.COUNTS.get("n") ?? 0) + 1; await env.COUNTS.put("n", String(n)); return Response.json({ status: "ok", version: "${version}", n }); } };`,
    },
  ],
});

function get(port: number, host: string, path = "/health"): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("fleet up", () => {
  let cloud: RunningCloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it("routes by Host header and takes a new deploy without a restart, keeping KV state", async () => {
    const store = new LocalCloudStore(await tempDir());
    await store.deploy(spec("chittyos-registry-worker", ["registry.chitty.cc"]), bundle("1.0.0"), source);
    cloud = await serveCloud(store, { port: 0 });
    expect(await get(cloud.port, "registry.chitty.cc")).toMatchObject({ status: 200, body: { version: "1.0.0", n: 1 } });
    expect(await get(cloud.port, "chittyos-registry-worker.workers.dev")).toMatchObject({ status: 200, body: { n: 2 } });
    expect((await get(cloud.port, "unknown.chitty.cc")).status).toBe(404);

    const reloaded = cloud.reloaded();
    await store.deploy(spec("chittyos-registry-worker", ["registry.chitty.cc"]), bundle("1.1.0"), source);
    await reloaded;
    expect(await get(cloud.port, "registry.chitty.cc")).toMatchObject({ status: 200, body: { version: "1.1.0", n: 3 } });
  });
});

describe("fleet up's crons", () => {
  it("fires a cron on every script declaring it when asked at /__scheduled?cron=", async () => {
    const store = new LocalCloudStore(await tempDir());
    const counting = {
      main: "index.js",
      modules: [
        {
          name: "index.js",
          contents: `export default { fetch: () => new Response("ok"), async scheduled(c, env) { await env.COUNTS.put("cron", c.cron); } };`,
        },
      ],
    };
    await store.deploy({ ...spec("chittyos-jobs-worker", []), crons: ["0 2 * * *"] }, counting, source);
    await store.deploy(spec("chittyos-idle-worker", []), counting, source);
    const cloud = await serveCloud(store, { port: 0 });
    try {
      const fired = await get(cloud.port, "localhost", `/__scheduled?cron=${encodeURIComponent("0 2 * * *")}`);
      expect(fired).toEqual({ status: 200, body: { cron: "0 2 * * *", ran: [{ script: "chittyos-jobs-worker", outcome: "ok" }] } });
      expect((await get(cloud.port, "localhost", `/__scheduled?cron=${encodeURIComponent("5 5 * * *")}`)).body.ran).toEqual([]);
    } finally {
      await cloud.close();
    }
  });
});

describe("fleet up during a deploy", () => {
  it("finishes the requests in flight before it reloads", async () => {
    const store = new LocalCloudStore(await tempDir());
    const slow = (version: string) => ({
      main: "index.js",
      modules: [
        {
          name: "index.js",
          contents: `export default { async fetch(request) { if (new URL(request.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 400)); return Response.json({ status: "ok", version: "${version}" }); } };`,
        },
      ],
    });
    const workerSpec: WorkerSpec = {
      script: "chittyos-slow-worker",
      compatibilityDate: "2025-09-01",
      compatibilityFlags: [],
      routes: ["slow.chitty.cc"],
      kv: [],
      d1: [],
      r2: [],
      durableObjects: {},
      vars: {},
      services: {},
    };
    await store.deploy(workerSpec, slow("1"), source);
    const cloud = await serveCloud(store, { port: 0 });
    try {
      const inFlight = Array.from({ length: 5 }, () => get(cloud.port, "slow.chitty.cc", "/slow"));
      await new Promise((r) => setTimeout(r, 100));
      const reloaded = cloud.reloaded();
      await store.deploy(workerSpec, slow("2"), source);
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => [a.status, a.body.version])).toEqual(Array(5).fill([200, "1"]));
      await reloaded;
      expect((await get(cloud.port, "slow.chitty.cc")).body.version).toBe("2");
    } finally {
      await cloud.close();
    }
  });
});

describe("the local cloud's state", () => {
  it("keeps KV data across fleet up restarts, under .fleet/cloud", async () => {
    const store = new LocalCloudStore(await tempDir());
    await store.deploy(spec("chittyos-registry-worker", ["registry.chitty.cc"]), bundle("1.0.0"), source);
    let cloud = await serveCloud(store, { port: 0 });
    expect((await get(cloud.port, "registry.chitty.cc")).body.n).toBe(1);
    await cloud.close();
    cloud = await serveCloud(store, { port: 0 });
    try {
      expect((await get(cloud.port, "registry.chitty.cc")).body.n).toBe(2);
    } finally {
      await cloud.close();
    }
  });
});
