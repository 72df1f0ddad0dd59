// Triggers found in a router the example does not write: a `const worker = {…}` default export,
// an `if (event.cron === …)` chain, a queue chosen by switch, one call unchosen (every queue), an
// email handler, a re-exporting module, and crons per environment.
import { describe, expect, it } from "vitest";
import { analyzeWorker } from "../../src/discovery/analyze.js";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { triggerCallsOf, triggersOf } from "../../src/discovery/triggers.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fixtureRepo } from "../helpers/fixture.js";

const ROUTER = `import { handleReports, buildReports } from "./services/reports.js";
import { cleanUp } from "./services/janitor.js";
import { ingest, audit } from "./services/index.js";
import { forward } from "./services/mail.js";
import { helper } from "some-package";

const worker = {
  fetch: (request, env, ctx) => handleReports(request, env, ctx),
  async scheduled(event, env, ctx) {
    if (event.cron === "0 6 * * *") {
      ctx.waitUntil(buildReports(env));
    } else if ("*/5 * * * *" == event.cron) await cleanUp(env);
    helper();
  },
  async queue(batch, env) {
    switch (batch.queue) {
      case "uploads":
        await ingest(batch, env);
        break;
    }
    await audit(batch, env);
  },
  email: async (message, env) => forward(message, env),
};
export default worker;
`;

const FILES = {
  "src/router.js": ROUTER,
  "src/services/reports.js": "export async function handleReports() {}\nexport async function buildReports() {}\n",
  "src/services/janitor.js": "export async function cleanUp() {}\n",
  "src/services/index.js": 'export { ingest } from "./ingest.js";\nexport async function audit() {}\n',
  "src/services/ingest.js": "export async function ingest() {}\n",
  "src/services/mail.js": "export async function forward() {}\n",
};

const CONFIG = `name = "platform"
[triggers]
crons = ["0 6 * * *", "*/5 * * * *"]
[[queues.consumers]]
queue = "uploads"
[[queues.consumers]]
queue = "audit-log"
[env.staging.triggers]
crons = ["0 6 * * *"]
[[env.staging.queues.consumers]]
queue = "uploads-staging"
`;

describe("the platform's triggers", () => {
  it("belong to the worker whose function each handler calls, per cron, per queue or every one", async () => {
    const tree = await SourceTree.open(await fixtureRepo(FILES));
    const calls = await triggerCallsOf(tree, "src/router.js");
    expect(calls).toEqual([
      { handler: "scheduled", selector: "0 6 * * *", file: "src/services/reports.js", export: "buildReports" },
      { handler: "scheduled", selector: "*/5 * * * *", file: "src/services/janitor.js", export: "cleanUp" },
      { handler: "queue", selector: "uploads", file: "src/services/ingest.js", export: "ingest", via: "src/services/index.js" },
      { handler: "queue", file: "src/services/index.js", export: "audit" },
      { handler: "email", file: "src/services/mail.js", export: "forward" },
    ]);
    const config = parseWranglerConfig(CONFIG, "wrangler.toml");
    expect(triggersOf(calls, "src/services/reports.js", config)).toEqual([
      { kind: "cron", name: "0 6 * * *", file: "src/services/reports.js", export: "buildReports", declaredBy: ["", "staging"] },
    ]);
    expect(triggersOf(calls, "src/services/janitor.js", config).map((t) => [t.name, t.declaredBy])).toEqual([["*/5 * * * *", [""]]]);
    expect(triggersOf(calls, "src/services/ingest.js", config).map((t) => `${t.kind} ${t.name}`)).toEqual(["queue uploads"]);
    // unchosen: every queue the platform consumes, in any section
    expect(triggersOf(calls, "src/services/index.js", config).map((t) => [t.name, t.declaredBy])).toEqual([
      ["audit-log", [""]],
      ["uploads", [""]],
      ["uploads-staging", ["staging"]],
    ]);
    expect(triggersOf(calls, "src/services/mail.js", config)).toMatchObject([{ kind: "email", name: "email", export: "forward" }]);
  });

  it("a trigger the router still chooses but the config no longer declares has moved: no section", async () => {
    const tree = await SourceTree.open(await fixtureRepo(FILES));
    const config = parseWranglerConfig(`name = "platform"\n[triggers]\ncrons = ["*/5 * * * *"]\n`, "wrangler.toml");
    expect(triggersOf(await triggerCallsOf(tree, "src/router.js"), "src/services/reports.js", config)).toMatchObject([{ name: "0 6 * * *", declaredBy: [] }]);
  });

  it("a directories worker's crons and consumers are its own config's (per environment too)", async () => {
    const tree = await SourceTree.open(
      await fixtureRepo({
        "workers/jobs/wrangler.toml": `name = "jobs"\nmain = "src/index.js"\n[triggers]\ncrons = ["0 1 * * *"]\n[[queues.consumers]]\nqueue = "work"\n[[env.production.queues.consumers]]\nqueue = "work-production"\n`,
        "workers/jobs/src/index.js": "export default { async scheduled() {}, async queue() {} };\n",
      }),
    );
    const analysis = await analyzeWorker({ tree, rootPackages: {} }, "jobs", { source: { dir: "workers/jobs" } } as never);
    expect(analysis.triggers).toEqual([
      { kind: "cron", name: "0 1 * * *", file: "workers/jobs/src/index.js", export: "default", declaredBy: [""] },
      { kind: "queue", name: "work", file: "workers/jobs/src/index.js", export: "default", declaredBy: [""] },
      { kind: "queue", name: "work-production", file: "workers/jobs/src/index.js", export: "default", declaredBy: ["production"] },
    ]);
  });
});
