// What the preflight asks the cloud about, per worker in deploy order: every bound resource,
// less the scripts the run itself provides — those deployed before it, itself, and (for a service
// binding only: a placeholder exports no Durable Object class) the fleet's placeholders.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Prepared } from "../../../src/cloud/cloud.js";
import { inDeployOrder, lookupsOf, missingResourcesError } from "../../../src/cloud/resources/preflight.js";
import { specFromConfig } from "../../../src/cloud/spec.js";
import { parseWranglerConfig } from "../../../src/discovery/wrangler-config.js";
import { tempDir } from "../../helpers/tmp.js";

async function prepared(name: string, config: Record<string, unknown>): Promise<Prepared> {
  const checkout = await tempDir(`fleet-preflight-${name}-`);
  const text = JSON.stringify({ name, main: "src/index.js", ...config }, null, 2);
  await writeFile(join(checkout, "wrangler.jsonc"), text);
  return { checkout, config: "wrangler.jsonc", spec: specFromConfig(parseWranglerConfig(text, "wrangler.jsonc")) };
}

describe("the preflight's lookups", () => {
  it("counts scripts deployed earlier in the run, itself, and placeholders of services — not of Durable Object classes", async () => {
    const first = await prepared("acme-first-worker", { kv_namespaces: [{ binding: "KV", id: "0f2ac74b498b48028cb68387c421e279" }] });
    const second = await prepared("acme-second-worker", {
      services: [
        { binding: "FIRST", service: "acme-first-worker" },
        { binding: "SELF", service: "acme-second-worker" },
        { binding: "LATER", service: "acme-later-worker" },
        { binding: "ELSEWHERE", service: "acme-elsewhere-worker" },
      ],
      durable_objects: { bindings: [{ name: "STATE", class_name: "State", script_name: "acme-later-worker" }] },
    });
    const builds = new Map([
      ["first", Promise.resolve({ prepared: first })],
      ["broken", Promise.reject(new Error("no wrangler config"))],
      ["second", Promise.resolve({ prepared: second })],
    ]);
    const workers = await inDeployOrder([{ id: "first" }, { id: "broken" }, { id: "second" }], builds, new Set(["acme-later-worker"]));
    expect(workers.map((w) => [w.id, [...w.deployedBefore]])).toEqual([
      ["first", []],
      ["second", ["acme-first-worker"]],
    ]);
    expect((await lookupsOf(workers[0]!)).map((l) => `${l.binding} ${l.kind} ${l.resource}`)).toEqual(["KV kv 0f2ac74b498b48028cb68387c421e279"]);
    // LATER gets a placeholder; STATE's class does not come with one; ELSEWHERE nobody provides
    expect((await lookupsOf(workers[1]!)).map((l) => `${l.binding} → ${l.resource} @${l.at}`)).toEqual([
      "ELSEWHERE → acme-elsewhere-worker @wrangler.jsonc:19",
      "STATE → acme-later-worker @wrangler.jsonc:27",
    ]);
  });

  it("one error for every worker's missing resources, grouped by worker", () => {
    const at = { field: "id", at: "wrangler.jsonc:3" };
    const error = missingResourcesError([
      { worker: "ledger", script: "acme-ledger-worker", kind: "kv", binding: "KV", resource: "k1", ...at },
      { worker: "web", script: "acme-web-worker", kind: "queue", binding: "JOBS", resource: "jobs", ...at, field: "queue" },
      { worker: "ledger", script: "acme-ledger-worker", kind: "hyperdrive", binding: "PG", resource: "h1", ...at },
    ]);
    expect(error.message).toBe("3 bound resources of 2 workers not found on the account; nothing was deployed");
    expect(error.problems).toEqual([
      "ledger (acme-ledger-worker):",
      "  wrangler.jsonc:3: KV → KV namespace k1 (id) is not on the account",
      "  wrangler.jsonc:3: PG → Hyperdrive config h1 (id) is not on the account",
      "web (acme-web-worker):",
      "  wrangler.jsonc:3: JOBS → queue jobs (queue) is not on the account",
    ]);
    expect(error.hint).toBe("create them (wrangler kv namespace create, wrangler queues create, wrangler hyperdrive create) or correct the binding in the config, then deploy again");
  });
});
