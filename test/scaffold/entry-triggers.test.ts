// A router worker whose code the platform's cron and queue handlers run: its entry handles both
// (per cron, per queue, from the module that defines each function), and its wrangler.jsonc
// declares neither until its cutover — the platform runs them meanwhile.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { FleetPlan } from "../../src/plan/plan.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

const FILES = {
  ...ROUTER_FILES,
  "wrangler.toml": `${ROUTER_FILES["wrangler.toml"]}[triggers]\ncrons = ["0 3 * * *", "*/10 * * * *"]\n[[queues.consumers]]\nqueue = "invoices"\n`,
  "src/platform-worker.js": ROUTER_FILES["src/platform-worker.js"]!.replace(
    'import { handleApi } from "./services/api.js";',
    'import { handleApi, reindex, settle } from "./services/api.js";\nimport { sweep } from "./lib/sweep.js";',
  ).replace(
    "export default { fetch(request, env, ctx) {",
    `export default {
  async scheduled(controller, env, ctx) {
    if (controller.cron === "0 3 * * *") await reindex(controller, env, ctx);
    else if (controller.cron === "*/10 * * * *") await sweep(env);
  },
  async queue(batch, env, ctx) {
    switch (batch.queue) {
      case "invoices":
        return settle(batch, env, ctx);
    }
  },
  fetch(request, env, ctx) {`,
  ),
  // re-exported by the service's module from another: the call is followed to where it is defined
  "src/services/api.js": `${ROUTER_FILES["src/services/api.js"]}export async function reindex(controller, env) {\n  await env.CACHE.put("reindexed", controller.cron);\n}\nexport { settle } from "./settle.js";\n`,
  // the platform's own chore: no worker's
  "src/lib/sweep.js": "export async function sweep() {}\n",
  "src/services/settle.js": `export async function settle(batch) {\n  batch.ackAll();\n}\n`,
};

describe("a router worker the platform's triggers run", () => {
  it("has an entry with scheduled and queue handlers calling the service's functions, and a config declaring no trigger; the plan lists them", async () => {
    const dir = await fixtureRepo(FILES);
    await runFleet(["init", "--cwd", dir]);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const api = renderScaffold(await scaffoldInput(manifest, "api", await SourceTree.open(dir), "acme-platform"), { date: "2026-11-26" });
    const entry = api.files.get("src/index.js")!;
    expect(entry).toContain(
      'import { handleApi } from "./services/api.js";\nimport { reindex } from "./services/api.js";\nimport { settle } from "./services/settle.js";',
    );
    expect(entry).toContain(
      `  async scheduled(controller, env, ctx) {\n    switch (controller.cron) {\n      case "0 3 * * *":\n        return reindex(controller, env, ctx);\n    }\n  },`,
    );
    expect(entry).toContain(
      `  async queue(batch, env, ctx) {\n    switch (batch.queue) {\n      case "invoices":\n        return settle(batch, env, ctx);\n    }\n  },`,
    );
    // the platform's other cron is not this worker's
    expect(entry).not.toContain("*/10 * * * *");
    const config = parseJsonc(api.files.get("wrangler.jsonc")!) as Record<string, any>;
    expect([config.triggers, config.queues, config.env.production.triggers, config.env.production.queues]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // fleet plan lists the worker's and names the call that is no worker's
    const plan = JSON.parse((await runFleet(["plan", "--json", "--cwd", dir])).stdout) as FleetPlan;
    expect(plan.workers.find((w) => w.id === "api")!.triggers.map((t) => `${t.kind} ${t.name} → ${t.export} (${t.file})`)).toEqual([
      "cron 0 3 * * * → reindex (src/services/api.js)",
      "queue invoices → settle (src/services/settle.js)",
    ]);
    expect(plan.warnings).toContain(
      `src/platform-worker.js: its scheduled handler calls sweep (src/lib/sweep.js) for the cron "*/10 * * * *", which is no worker's service module: it stays with the platform`,
    );
  });
});
