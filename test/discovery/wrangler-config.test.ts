import { describe, expect, it } from "vitest";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { UserError } from "../../src/errors.js";

describe("wrangler config", () => {
  it("reads every binding kind and the routes from TOML", () => {
    const config = parseWranglerConfig(
      `name = "platform"
main = "src/platform-worker.js"
compatibility_date = "2025-09-01"
compatibility_flags = ["nodejs_compat"]
routes = [ { pattern = "initiate.chitty.cc/*", zone_name = "chitty.cc" }, "ai.chitty.cc/*", { pattern = "ledger.chitty.cc", custom_domain = true } ]
[[kv_namespaces]]
binding = "SESSIONS"
id = "a"
[[d1_databases]]
binding = "LEDGER_DB"
database_name = "ledger"
database_id = "b"
[[r2_buckets]]
binding = "EVIDENCE"
bucket_name = "evidence"
[ai]
binding = "AI"
[[durable_objects.bindings]]
name = "SYNC_STATE"
class_name = "SyncState"
[[queues.producers]]
binding = "EVENTS"
queue = "events"
[[services]]
binding = "CHITTYID"
service = "chittyos-id-worker"
[vars]
ENVIRONMENT = "production"
`,
      "wrangler.toml",
    );
    expect(config.name).toBe("platform");
    expect(config.compatibilityFlags).toEqual(["nodejs_compat"]);
    expect(Object.fromEntries([...config.bindings].map(([n, b]) => [n, b.kind]))).toEqual({
      SESSIONS: "kv", LEDGER_DB: "d1", EVIDENCE: "r2", AI: "ai", SYNC_STATE: "durable-object", EVENTS: "queue", CHITTYID: "service", ENVIRONMENT: "var",
    });
    expect(config.services.get("CHITTYID")).toBe("chittyos-id-worker");
    expect(config.routes.map((r) => [r.host, r.customDomain])).toEqual([["initiate.chitty.cc", false], ["ai.chitty.cc", false], ["ledger.chitty.cc", true]]);
  });

  it("reads JSONC with comments and trailing commas", () => {
    const config = parseWranglerConfig('{ // c\n "name": "x", "kv_namespaces": [{ "binding": "K", "id": "1" },], }', "wrangler.jsonc");
    expect([...config.bindings.keys()]).toEqual(["K"]);
  });

  it("names the file when it cannot be read", () => {
    expect(() => parseWranglerConfig("name = ", "workers/a/wrangler.toml")).toThrow(UserError);
    expect(() => parseWranglerConfig("name = ", "workers/a/wrangler.toml")).toThrow(/workers\/a\/wrangler\.toml is not valid TOML/);
  });
});
