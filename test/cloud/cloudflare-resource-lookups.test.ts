// Which bound resources a Cloudflare account lacks, asked of the API stand-in: every kind, one
// listing each (every page of it), R2 per jurisdiction, D1 by id or by name; a token that may
// not list a kind is told which permission it needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareApi } from "../../src/cloud/cloudflare/api.js";
import { missingOnAccount } from "../../src/cloud/cloudflare/resource-lookups.js";
import type { ResourceLookup } from "../../src/cloud/resources/bound.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const ACCOUNT = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const TOKEN = "cf-lookups-token-1123581321";
const D1_ID = "a1b2c3d4-0000-4000-8000-000000000001";
const HYPERDRIVE = "4d5e6f708192a3b4c5d6e7f809a1b2c3";

/** A namespace id of 32 hex digits, from a number. */
const kvId = (n: number) => n.toString(16).padStart(32, "0");

function lookup(kind: ResourceLookup["kind"], resource: string, extra: Partial<ResourceLookup> = {}): ResourceLookup {
  return {
    worker: "ledger",
    script: "acme-ledger-worker",
    kind,
    binding: `${kind.toUpperCase()}_${resource.slice(0, 4)}`,
    resource,
    field: "id",
    at: "wrangler.jsonc:1",
    ...extra,
  };
}

describe("missingOnAccount", () => {
  let api: CloudflareStandIn;

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    // more namespaces than one page holds: the one wanted is on the last page
    for (let n = 1; n <= 120; n++) api.resources.addKv(kvId(n));
    api.resources.addD1(D1_ID, "chittyos-core");
    api.resources.addR2("ledger-files", "eu");
    api.resources.addR2("ledger-assets");
    api.resources.addQueue("ledger-jobs");
    api.resources.hyperdrive.add(HYPERDRIVE);
    api.resources.vectorize.add("ledger-index");
    api.deployedElsewhere("acme-auth-worker");
  });
  afterAll(async () => {
    await api.stop();
    expect(api.violations).toEqual([]);
  });

  it("lists each kind once and returns exactly the ones the account lacks", async () => {
    const present = [
      lookup("kv", kvId(120)),
      lookup("d1", D1_ID, { field: "database_id" }),
      lookup("d1", "chittyos-core", { field: "database_name", byName: true }),
      lookup("r2", "ledger-files", { field: "bucket_name", jurisdiction: "eu" }),
      lookup("r2", "ledger-assets", { field: "bucket_name" }),
      lookup("queue", "ledger-jobs", { field: "queue" }),
      lookup("hyperdrive", HYPERDRIVE),
      lookup("vectorize", "ledger-index", { field: "index_name" }),
      lookup("script", "acme-auth-worker", { field: "service" }),
    ];
    const missing = [
      lookup("kv", kvId(121)),
      lookup("d1", "a1b2c3d4-0000-4000-8000-000000000002", { field: "database_id" }),
      lookup("d1", "chittyos-ledger", { field: "database_name", byName: true }),
      // the same name, but not in the jurisdiction the binding names
      lookup("r2", "ledger-assets", { field: "bucket_name", jurisdiction: "eu" }),
      lookup("queue", "ledger-inbox", { binding: "consumer of ledger-inbox", field: "queue" }),
      lookup("hyperdrive", "0".repeat(32)),
      lookup("vectorize", "ledger-old-index", { field: "index_name" }),
      lookup("script", "acme-audit-worker", { field: "script_name" }),
    ];
    const before = api.requests.length;
    const cloud = new CloudflareApi({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl });
    expect(await missingOnAccount(cloud, ACCOUNT, [...present, ...missing])).toEqual(missing);
    const asked = api.requests.slice(before).map((r) => `${r.path.replace(`/accounts/${ACCOUNT}`, "")}${r.query}`);
    expect(asked.sort()).toEqual(
      [
        "/storage/kv/namespaces?page=1&per_page=50",
        "/storage/kv/namespaces?page=2&per_page=50",
        "/storage/kv/namespaces?page=3&per_page=50",
        // by id and by name: one listing
        "/d1/database?page=1&per_page=50",
        // the default jurisdiction and the EU's list apart
        "/r2/buckets?per_page=1000",
        "/r2/buckets?per_page=1000",
        "/queues",
        "/hyperdrive/configs",
        "/vectorize/v2/indexes",
        "/workers/scripts",
      ].sort(),
    );
  });

  it("a token that may not list a kind: a UserError naming the permission it needs", async () => {
    const cloud = new CloudflareApi({ apiToken: "not-the-token", accountId: ACCOUNT, apiBaseUrl: api.baseUrl });
    await expect(missingOnAccount(cloud, ACCOUNT, [lookup("d1", D1_ID, { field: "database_id" })])).rejects.toMatchObject({
      name: "UserError",
      message: expect.stringMatching(/^could not list the account's D1 databases before deploying: .*; nothing was deployed$/),
      hint: "the token needs Account › D1: Read to check the bindings",
    });
  });
});
