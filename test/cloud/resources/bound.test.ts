// What the preflight looks up: every resource a wrangler config binds for the environment that
// deploys (bindings are not inherited by environments), each at the line that names it.
import { describe, expect, it } from "vitest";
import { boundResources } from "../../../src/cloud/resources/bound.js";

const JSONC = `// the worker's config
{
  "name": "chittyos-ledger-worker",
  "kv_namespaces": [{ "binding": "TOP_KV", "id": "top0000000000000000000000000000a" }],
  "env": {
    "production": {
      "kv_namespaces": [
        { "binding": "LEDGER_KV", "id": "0f2ac74b498b48028cb68387c421e279" }
      ],
      "d1_databases": [
        {
          "binding": "DB",
          "database_name": "ledger",
          "database_id": "11111111-2222-3333-4444-555555555555"
        },
        { "binding": "NAMED", "database_name": "by-name-only" },
        { "binding": "PROVISIONED" }
      ],
      "r2_buckets": [{ "binding": "FILES", "bucket_name": "ledger-files", "jurisdiction": "eu" }],
      "queues": { "producers": [{ "binding": "JOBS", "queue": "ledger-jobs" }], "consumers": [{ "queue": "ledger-inbox" }] },
      "hyperdrive": [{ "binding": "PG", "id": "ffffffffffffffffffffffffffffffff" }],
      "vectorize": [{ "binding": "SEARCH", "index_name": "ledger-index" }],
      "services": [{ "binding": "AUTH", "service": "chittyos-auth-worker" }],
      "durable_objects": { "bindings": [{ "name": "STATE", "class_name": "Ledger", "script_name": "chittyos-platform" }, { "name": "OWN", "class_name": "Own" }] },
    },
  },
}
`;

const TOML = `name = "chittyos-platform"

# switched off for now
# [[kv_namespaces]]
# binding = "OLD"
# id = "00000000000000000000000000000000"

[[kv_namespaces]]
binding = "PROJECTS"
id = "aaaa0000000000000000000000000000"

[[kv_namespaces]]
binding = "CACHE"
id = "bbbb0000000000000000000000000000"

[[services]]
binding = "CHITTYID"
service = "chittyos-id-worker"

[env.production]
name = "chittyos-platform"
kv_namespaces = [
  { binding = "PROJECTS", id = "cccc0000000000000000000000000000" },
]

[[env.production.d1_databases]]
binding = "DB"
database_name = "chittyos-core"
database_id = "dddd0000-0000-0000-0000-000000000000"

[[env.production.queues.consumers]]
queue = "platform-inbox"
`;

describe("boundResources", () => {
  it("reads a JSONC config's environment section, each resource at the line naming it", () => {
    expect(boundResources(JSONC, "wrangler.jsonc", "production")).toEqual([
      { kind: "kv", binding: "LEDGER_KV", resource: "0f2ac74b498b48028cb68387c421e279", field: "id", at: "wrangler.jsonc:8" },
      { kind: "d1", binding: "DB", resource: "11111111-2222-3333-4444-555555555555", field: "database_id", at: "wrangler.jsonc:14" },
      { kind: "d1", binding: "NAMED", resource: "by-name-only", field: "database_name", byName: true, at: "wrangler.jsonc:16" },
      { kind: "r2", binding: "FILES", resource: "ledger-files", field: "bucket_name", jurisdiction: "eu", at: "wrangler.jsonc:19" },
      { kind: "queue", binding: "JOBS", resource: "ledger-jobs", field: "queue", at: "wrangler.jsonc:20" },
      { kind: "queue", binding: "consumer of ledger-inbox", resource: "ledger-inbox", field: "queue", at: "wrangler.jsonc:20" },
      { kind: "hyperdrive", binding: "PG", resource: "ffffffffffffffffffffffffffffffff", field: "id", at: "wrangler.jsonc:21" },
      { kind: "vectorize", binding: "SEARCH", resource: "ledger-index", field: "index_name", at: "wrangler.jsonc:22" },
      { kind: "script", binding: "AUTH", resource: "chittyos-auth-worker", field: "service", at: "wrangler.jsonc:23" },
      { kind: "script", binding: "STATE", resource: "chittyos-platform", field: "script_name", at: "wrangler.jsonc:24" },
    ]);
  });

  it("reads the top level when no environment deploys, and not the environments'", () => {
    expect(boundResources(JSONC, "wrangler.jsonc").map((r) => `${r.binding}@${r.at}`)).toEqual(["TOP_KV@wrangler.jsonc:4"]);
  });

  it("finds a TOML config's lines: [[tables]] by their index, inline arrays under their environment, comments skipped", () => {
    expect(boundResources(TOML, "wrangler.toml").map((r) => `${r.binding} ${r.resource} @${r.at}`)).toEqual([
      "PROJECTS aaaa0000000000000000000000000000 @wrangler.toml:10",
      "CACHE bbbb0000000000000000000000000000 @wrangler.toml:14",
      "CHITTYID chittyos-id-worker @wrangler.toml:18",
    ]);
    expect(boundResources(TOML, "wrangler.toml", "production").map((r) => `${r.binding} ${r.resource} @${r.at}`)).toEqual([
      "PROJECTS cccc0000000000000000000000000000 @wrangler.toml:23",
      "DB dddd0000-0000-0000-0000-000000000000 @wrangler.toml:29",
      "consumer of platform-inbox platform-inbox @wrangler.toml:32",
    ]);
  });
});
