// Triggers move with the cutover: the example's project-initiation runs on the platform's cron
// and consumes the platform's queue. Before its cutover only the platform runs them (the worker's
// repository declares neither, though its entry can run both); a cron or consumer both declare is
// flagged by the checklist; a failed cutover leaves them with the platform; after the cutover only
// the worker runs them. Invocations are counted through the local cloud's scheduled and queue
// triggers in workerd (each run counts itself in the PROJECTS namespace).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { beforeAll, describe, expect, it } from "vitest";
import { miniflareOptions } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { fireCron } from "../../src/cloud/triggers.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fileAt } from "../../src/git/commit-files.js";
import { git } from "../../src/git/git.js";
import type { FleetPlan } from "../../src/plan/plan.js";
import { runFleet } from "../helpers/run.js";
import { NO_SECRETS, platformDeployed, statusOf } from "../lifecycle/fixture.js";
import { cloneWorker, IDENTITY } from "../repos/extracted.fixture.js";

const ID = "project-initiation";
const SCRIPT = "chittyos-project-initiation-worker";
const PLATFORM = "chittyos-platform";
const CRON = "*/30 * * * *";
const QUEUE = "chittyos-project-events";
const PRODUCER = "PROJECT_EVENTS";

// A worker that answers /health on its workers.dev name and fails on its hostname: the move fails.
const FAILS_ON_ITS_HOSTNAME = `export default {
  fetch(request) {
    const host = new URL(request.url).hostname;
    if (host.endsWith(".workers.dev")) return Response.json({ status: "ok", service: "project-initiation" });
    return new Response("misconfigured for " + host, { status: 500 });
  },
};
`;

interface Runs {
  /** The scripts the cron fired on. */
  cron: { script: string; outcome: string }[];
  cronRuns: string | null;
  /** Messages the queue's consumer counted, after three were sent through the platform's producer. */
  queueMessages: string | null;
  /** The queue's consumer, as the local cloud configures it. */
  consumer: string | undefined;
}

/** Fires the cron once and sends three messages, in a fresh workerd (no persisted state): who ran, how often. */
async function runTriggers(store: LocalCloudStore): Promise<Runs> {
  const mf = new Miniflare((await miniflareOptions(store, { persist: false, only: new Set([PLATFORM, SCRIPT]) })) as never);
  try {
    const cron = await fireCron(store, mf as never, CRON);
    const kv = (await mf.getKVNamespace("PROJECTS", PLATFORM)) as unknown as { get(key: string): Promise<string | null> };
    const producer = await mf.getQueueProducer(PRODUCER, PLATFORM);
    await producer.sendBatch([{ body: { id: 1 } }, { body: { id: 2 } }, { body: { id: 3 } }]);
    // delivered within the consumer's max_batch_timeout (1 s); a queue nobody consumes never counts
    const deadline = Date.now() + 8000;
    while ((await kv.get("queue-messages")) !== "3" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { cron, cronRuns: await kv.get("cron-runs"), queueMessages: await kv.get("queue-messages"), consumer: (await store.queueConsumers()).get(QUEUE) };
  } finally {
    await mf.dispose();
  }
}

describe("a worker's cron and queue consumer move at its cutover", () => {
  let dir: string;
  let store: LocalCloudStore;

  beforeAll(async () => {
    const deployed = await platformDeployed(60);
    dir = deployed.dir;
    store = LocalCloudStore.at(dir);
    const migrate = await runFleet(["migrate", ID, "--secrets-file", deployed.secretsFile, "--cwd", dir], NO_SECRETS);
    if (migrate.code !== 0) throw new Error(migrate.stdout + migrate.stderr);
  }, 300_000);

  it("fleet plan --json lists the worker's triggers beside its hostname", async () => {
    const result = await runFleet(["plan", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    const worker = (JSON.parse(result.stdout) as FleetPlan).workers.find((w) => w.id === ID)!;
    expect(worker.domain).toBe("initiate.chitty.cc");
    expect(worker.triggers).toEqual([
      { kind: "cron", name: CRON, file: "src/services/project-initiation.js", export: "sweepStaleProjects", declaredBy: [""] },
      { kind: "queue", name: QUEUE, file: "src/services/project-initiation.js", export: "recordProjectEvents", declaredBy: [""] },
    ]);
    const text = await runFleet(["plan", "--cwd", dir], NO_SECRETS);
    expect(text.stdout).toContain(`${ID}: cron "${CRON}", queue ${QUEUE}`);
  });

  it("before its cutover only the platform runs them; the worker's entry could, its config does not declare them", async () => {
    const runs = await runTriggers(store);
    expect(runs).toEqual({ cron: [{ script: PLATFORM, outcome: "ok" }], cronRuns: "1", queueMessages: "3", consumer: PLATFORM });

    const repo = await cloneWorker(dir, SCRIPT);
    const config = parseWranglerConfig(await readFile(join(repo, "wrangler.jsonc"), "utf8"), "wrangler.jsonc");
    expect({ crons: config.crons, queues: config.queueConsumers }).toEqual({ crons: [], queues: [] });
    const entry = await readFile(join(repo, "src/index.js"), "utf8");
    expect(entry).toContain(`case "${CRON}":\n        return sweepStaleProjects(controller, env, ctx);`);
    expect(entry).toContain(`case "${QUEUE}":\n        return recordProjectEvents(batch, env, ctx);`);
    // fired at the worker itself (as it will be once it declares the cron), its entry runs the service's function
    const mf = new Miniflare((await miniflareOptions(store, { persist: false, only: new Set([SCRIPT]) })) as never);
    try {
      const worker = (await mf.getWorker(SCRIPT)) as unknown as { scheduled(options: { cron: string }): Promise<{ outcome: string }> };
      expect(await worker.scheduled({ cron: CRON })).toMatchObject({ outcome: "ok" });
      const kv = (await mf.getKVNamespace("PROJECTS", SCRIPT)) as unknown as { get(key: string): Promise<string | null> };
      expect(await kv.get("cron-runs")).toBe("1");
    } finally {
      await mf.dispose();
    }
  }, 120_000);

  it("the checklist flags a cron and a consumer both declare, naming both configs", async () => {
    const pushConfig = async (edit: (text: string) => string, message: string) => {
      const repo = await cloneWorker(dir, SCRIPT);
      const file = join(repo, "wrangler.jsonc");
      await writeFile(file, edit(await readFile(file, "utf8")));
      await git(["commit", "-qam", message], { cwd: repo, env: IDENTITY });
      await git(["push", "-q", "origin", "main"], { cwd: repo });
    };
    const declared = (text: string) =>
      text.replace(/\n\}\n$/, `,\n  "triggers": { "crons": ["${CRON}"] },\n  "queues": { "consumers": [{ "queue": "${QUEUE}" }] }\n}\n`);
    let original = "";
    await pushConfig((text) => ((original = text), declared(text)), "Run the sweep from here too");
    const flagged = await statusOf(dir, ID);
    expect(flagged.deployed!.state).toBe("missing");
    expect(flagged.deployed!.evidence).toContain(`both the platform's wrangler.toml on main and ${SCRIPT}'s wrangler.jsonc declare`);
    expect(flagged.deployed!.evidence).toContain(`the cron "${CRON}", the consumer of ${QUEUE}`);
    await pushConfig(() => original, "Leave the sweep to the platform until the cutover");
    expect((await statusOf(dir, ID)).deployed!.evidence).not.toContain("declare");
    // the repository's main moved: deployed from it again, as migrate does
    const deploy = await runFleet(["deploy", ID, "--cwd", dir], NO_SECRETS);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
  }, 120_000);

  it("fleet cutover --dry-run shows the platform's config letting go of them, and the order", async () => {
    const result = await runFleet(["cutover", ID, "--dry-run", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`- crons = ["${CRON}"]`);
    expect(result.stdout).toContain(`+ crons = []`);
    expect(result.stdout).toContain(`- [[queues.consumers]]`);
    expect(result.stdout).toContain(`with them the cron "${CRON}", the consumer of ${QUEUE}: the platform lets go first, then ${SCRIPT} takes them`);
  });

  it("a failed cutover leaves the cron and the queue with the platform", async () => {
    const good = (await store.state()).workers[SCRIPT]!.active;
    const record = await store.version(SCRIPT, good);
    await store.deploy(record.spec, { main: "index.js", modules: [{ name: "index.js", contents: FAILS_ON_ITS_HOSTNAME }] }, record.source);
    const result = await runFleet(["cutover", ID, "--retries", "1", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe("rolled-back");
    // the worker took them with the hostname, then both were rolled back
    expect(report.steps).toContainEqual(expect.stringContaining(`and runs the cron "${CRON}", the consumer of ${QUEUE}`));
    await store.rollback(SCRIPT, good);
    expect((await runTriggers(store)).cron).toEqual([{ script: PLATFORM, outcome: "ok" }]);
    expect((await store.queueConsumers()).get(QUEUE)).toBe(PLATFORM);
  }, 180_000);

  it("after its cutover only the worker runs them, from its repository's config; the platform's config has let go", async () => {
    const result = await runFleet(["cutover", ID, "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const runs = await runTriggers(store);
    expect(runs).toEqual({ cron: [{ script: SCRIPT, outcome: "ok" }], cronRuns: "1", queueMessages: "3", consumer: SCRIPT });

    // the cutover commit's platform config declares neither; the worker's repository declares both
    const platform = parseWranglerConfig((await fileAt(dir, "refs/heads/fleet/cutover/" + ID, "wrangler.toml"))!, "wrangler.toml");
    expect({ crons: platform.crons, queues: platform.queueConsumers }).toEqual({ crons: [], queues: [] });
    expect([...platform.bindings.keys()]).toContain(PRODUCER);
    const repo = await cloneWorker(dir, SCRIPT);
    const config = parseWranglerConfig(await readFile(join(repo, "wrangler.jsonc"), "utf8"), "wrangler.jsonc");
    expect({ crons: config.crons, queues: config.queueConsumers }).toEqual({ crons: [CRON], queues: [QUEUE] });
    expect(config.environments.get("production")).toMatchObject({ crons: [CRON], queueConsumers: [QUEUE] });
    // the live version is the one deployed from that commit
    const live = (await store.state()).workers[SCRIPT]!.active;
    expect((await store.version(SCRIPT, live)).spec).toMatchObject({ crons: [CRON], queueConsumers: { [QUEUE]: { maxBatchTimeout: 1 } } });
  }, 180_000);

  it("the checklist's migrated step sees every trigger moved once the cutover is on main", async () => {
    // until the cutover commit is on main, main's platform config still declares them: a platform deploy from main would run them again
    const before = await statusOf(dir, ID);
    expect(before.migrated!.state).toBe("missing");
    expect(before.deployed!.evidence).toContain(`fleet cutover ${ID} --apply brings it`);
    await git(["merge", "-q", "--ff-only", `fleet/cutover/${ID}`], { cwd: dir, env: IDENTITY });
    const after = await statusOf(dir, ID);
    expect(after.migrated).toMatchObject({ state: "done" });
    expect(after.deployed).toMatchObject({ state: "done" });
    expect(after.migrated!.evidence).toContain(`${SCRIPT} runs the cron "${CRON}", the consumer of ${QUEUE}`);
  }, 120_000);
});
