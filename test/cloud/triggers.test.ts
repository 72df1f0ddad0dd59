// The local cloud runs crons and queue consumers as Cloudflare does: a cron fires on every script
// declaring it, a queue's messages go to its one consumer, and a second consumer is refused.
import { Miniflare } from "miniflare";
import { afterEach, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/cloud/build.js";
import { miniflareOptions } from "../../src/cloud/runtime.js";
import { specFromConfig, type WorkerSpec } from "../../src/cloud/spec.js";
import { LocalCloudStore, QueueConsumerConflict } from "../../src/cloud/store.js";
import { fireCron } from "../../src/cloud/triggers.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { tempDir } from "../helpers/tmp.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };

// each run counts itself under its own script's key, so a test sees who ran
const counting = (name: string) => `export default {
  async fetch() { return new Response("${name}"); },
  async scheduled(controller, env) {
    await env.COUNTS.put("cron:${name}", String(Number((await env.COUNTS.get("cron:${name}")) ?? 0) + 1));
  },
  async queue(batch, env) {
    await env.COUNTS.put("queue:${name}", String(Number((await env.COUNTS.get("queue:${name}")) ?? 0) + batch.messages.length));
    batch.ackAll();
  },
};`;

function worker(script: string, extra: Partial<WorkerSpec> = {}) {
  const spec: WorkerSpec = {
    script,
    compatibilityDate: "2025-09-01",
    compatibilityFlags: [],
    routes: [],
    kv: ["COUNTS"],
    d1: [],
    r2: [],
    durableObjects: {},
    vars: {},
    services: {},
    ...extra,
  };
  const bundle: Bundle = { main: "index.js", modules: [{ name: "index.js", contents: counting(script) }] };
  return [spec, bundle] as [WorkerSpec, Bundle];
}

describe("the local cloud's triggers", () => {
  let mf: Miniflare | undefined;
  afterEach(async () => {
    await mf?.dispose();
    mf = undefined;
  });

  it("reads crons, consumers and producers from a wrangler config: an environment inherits the crons, not the queues", () => {
    const config = parseWranglerConfig(
      `name = "p"\n[triggers]\ncrons = ["0 * * * *"]\n[[queues.producers]]\nbinding = "JOBS"\nqueue = "jobs"\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_timeout = 1\n[env.production]\nname = "p-production"\n`,
      "wrangler.toml",
    );
    expect(specFromConfig(config)).toMatchObject({ crons: ["0 * * * *"], queueConsumers: { jobs: { maxBatchTimeout: 1 } }, queueProducers: { JOBS: "jobs" } });
    expect(specFromConfig(config, "production")).toMatchObject({ crons: ["0 * * * *"], queueConsumers: {}, queueProducers: {} });
  });

  it("fires a cron on every script declaring it, and delivers a queue's messages to its consumer", async () => {
    const store = new LocalCloudStore(await tempDir());
    await store.deploy(
      ...worker("platform", { crons: ["*/5 * * * *"], queueProducers: { JOBS: "jobs" }, queueConsumers: { jobs: { maxBatchTimeout: 1 } } }),
      source,
    );
    await store.deploy(...worker("other", { crons: ["*/5 * * * *", "0 0 * * *"] }), source);
    await store.deploy(...worker("idle"), source);
    mf = new Miniflare((await miniflareOptions(store, { persist: false })) as never);
    expect(await fireCron(store, mf as never, "*/5 * * * *")).toEqual([
      { script: "other", outcome: "ok" },
      { script: "platform", outcome: "ok" },
    ]);
    expect(await fireCron(store, mf as never, "0 0 * * *")).toEqual([{ script: "other", outcome: "ok" }]);
    const counts = (await mf.getKVNamespace("COUNTS", "idle")) as unknown as { get(key: string): Promise<string | null> };
    expect([await counts.get("cron:platform"), await counts.get("cron:other"), await counts.get("cron:idle")]).toEqual(["1", "2", null]);

    const jobs = await mf.getQueueProducer("JOBS", "platform");
    await jobs.sendBatch([{ body: 1 }, { body: 2 }, { body: 3 }]);
    await expect.poll(() => counts.get("queue:platform"), { timeout: 10_000, interval: 100 }).toBe("3");
    expect(await counts.get("queue:other")).toBeNull();
  });

  it("refuses a second consumer of a queue, naming the one that has it, until that one lets go", async () => {
    const store = new LocalCloudStore(await tempDir());
    await store.deploy(...worker("platform", { queueConsumers: { jobs: {} } }), source);
    const taker = worker("taker", { queueConsumers: { jobs: {} } });
    await expect(store.deploy(...taker, source)).rejects.toThrow(QueueConsumerConflict);
    await expect(store.deploy(...taker, source)).rejects.toThrow(/jobs is consumed by platform/);
    expect((await store.state()).workers.taker).toBeUndefined();
    await store.deploy(...worker("platform"), source);
    await store.deploy(...taker, source);
    // the platform's older version consumed it: rolling back to it is refused as well
    await expect(store.rollback("platform")).rejects.toThrow(/jobs is consumed by taker/);
    expect(Object.fromEntries(await store.queueConsumers())).toEqual({ jobs: "taker" });
  });
});
