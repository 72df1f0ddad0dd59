// The platform's config lets go of a worker's crons and queue consumers at cutover (every section,
// nothing else changed), and the worker's config takes them as the platform wrote them.
import { describe, expect, it } from "vitest";
import { dropTriggers } from "../../src/cutover/trigger-edit.js";
import { addTriggers, triggerEntriesFor, triggerSpec } from "../../src/cutover/worker-triggers.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import type { Trigger } from "../../src/discovery/triggers.js";

const TOML = `name = "platform"

[triggers]
crons = ["*/30 * * * *", "0 0 * * *"] # the sweep and the nightly report

[[queues.producers]]
binding = "EVENTS"
queue = "events"

[[queues.consumers]]
queue = "events"
max_batch_timeout = 1

[[queues.consumers]]
queue = "audit"

[[services]]
binding = "REGISTRY"
service = "registry"

[env.production]
name = "platform-production"

[env.production.triggers]
crons = [
  "*/30 * * * *",
  "5 * * * *",
]

[[env.production.queues.consumers]]
queue = "events"
`;

const JSONC = `{
  // the platform
  "name": "platform",
  "triggers": { "crons": ["*/30 * * * *"] },
  "queues": { "producers": [{ "binding": "EVENTS", "queue": "events" }], "consumers": [{ "queue": "events", "max_batch_size": 5 }] },
  "vars": { "A": "1" }
}
`;

const drop = { crons: ["*/30 * * * *"], queues: ["events"] };

describe("the platform lets go of a worker's triggers", () => {
  it("TOML: the cron out of every crons list, the consumer tables out of every section, every other line kept", () => {
    const edited = dropTriggers(TOML, "wrangler.toml", drop);
    const config = parseWranglerConfig(edited, "wrangler.toml");
    expect(config.crons).toEqual(["0 0 * * *"]);
    expect(config.queueConsumers).toEqual(["audit"]);
    expect(config.environments.get("production")).toMatchObject({ crons: ["5 * * * *"], queueConsumers: [] });
    expect(config.bindings.get("EVENTS")?.kind).toBe("queue");
    expect(edited).toContain(`crons = ["0 0 * * *"] # the sweep and the nightly report`);
    const removed = TOML.split("\n").filter((line) => !edited.split("\n").includes(line));
    // (a line also present elsewhere, like the consumer's header or its queue, is not listed)
    expect(removed).toEqual([
      'crons = ["*/30 * * * *", "0 0 * * *"] # the sweep and the nightly report',
      "max_batch_timeout = 1",
      '  "*/30 * * * *",',
      "[[env.production.queues.consumers]]",
    ]);
  });

  it("JSONC: the same, by jsonc-parser edits; unchanged when the config declares none of them", () => {
    const config = parseWranglerConfig(dropTriggers(JSONC, "wrangler.jsonc", drop), "wrangler.jsonc");
    expect({ crons: config.crons, queues: config.queueConsumers, vars: config.raw.vars }).toEqual({ crons: [], queues: [], vars: { A: "1" } });
    expect(config.bindings.get("EVENTS")?.kind).toBe("queue");
    expect(dropTriggers(JSONC, "wrangler.jsonc", { crons: ["1 1 * * *"], queues: ["other"] })).toBe(JSONC);
  });

  it("the worker takes them as the platform wrote them, at the top level and in production, once", () => {
    const triggers: Trigger[] = [
      { kind: "cron", name: "*/30 * * * *", file: "src/services/a.js", export: "sweep", declaredBy: ["", "production"] },
      { kind: "queue", name: "events", file: "src/services/a.js", export: "consume", declaredBy: [""] },
      { kind: "queue", name: "gone", file: "src/services/a.js", export: "consume", declaredBy: [] },
    ];
    const entries = triggerEntriesFor(triggers, TOML, "wrangler.toml");
    expect(entries).toEqual({ crons: ["*/30 * * * *"], consumers: [{ queue: "events", max_batch_timeout: 1 }] });
    expect(triggerSpec(entries)).toEqual({ crons: ["*/30 * * * *"], queueConsumers: { events: { maxBatchTimeout: 1 } } });
    const worker = `{\n  "name": "w",\n  "env": { "production": { "name": "w" } }\n}\n`;
    const added = addTriggers(worker, "wrangler.jsonc", entries);
    const config = parseWranglerConfig(added, "wrangler.jsonc");
    expect({ crons: config.crons, queues: config.queueConsumers }).toEqual({ crons: ["*/30 * * * *"], queues: ["events"] });
    expect(config.environments.get("production")).toMatchObject({ crons: ["*/30 * * * *"], queueConsumers: ["events"] });
    expect(addTriggers(added, "wrangler.jsonc", entries)).toBe(added);
  });
});
