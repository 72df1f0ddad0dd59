// Before a deploy to Cloudflare, every resource the workers bind is looked up on the account:
// the missing ones are refused together — per worker, each binding with its config line — with
// exit 2 and nothing deployed; with all of them there the deploy goes out as before. Real fleet
// (`fleet deploy` in-process) and real wrangler against the API stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScriptedRepo } from "../helpers/history.js";
import { runFleet } from "../helpers/run.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const KV_ID = "0f2ac74b498b48028cb68387c421e279";
const D1_ID = "5e0c3d6a-1b2f-4c8d-9e7a-3f4b5c6d7e8f";

const MANIFEST = {
  org: "acme",
  repoName: "acme-{service}-worker",
  zone: "acme.dev",
  monorepo: { layout: "directories" },
  providers: { cloud: "cloudflare" },
  workers: {
    ledger: { domain: "ledger.acme.dev", source: { dir: "workers/ledger" } },
    web: { domain: "web.acme.dev", dependsOn: ["ledger"], source: { dir: "workers/web" } },
  },
};

const HEALTHY = "export default { fetch: (request, env) => Response.json({ status: 'ok', bound: Object.keys(env).sort() }) };\n";

// line numbers matter: the message names them
const LEDGER_CONFIG = `{
  "name": "acme-ledger-worker",
  "main": "src/index.js",
  "compatibility_date": "2025-09-01",
  "env": {
    "production": {
      "name": "acme-ledger-worker",
      "workers_dev": true,
      "kv_namespaces": [{ "binding": "LEDGER_KV", "id": "${KV_ID}" }],
      "d1_databases": [{ "binding": "DB", "database_name": "ledger", "database_id": "${D1_ID}" }],
      "services": [{ "binding": "AUDIT", "service": "acme-audit-worker" }]
    }
  }
}
`;

// web binds ledger, which this deploy puts out first: present by the time web goes out
const WEB_CONFIG = `{
  "name": "acme-web-worker",
  "main": "src/index.js",
  "compatibility_date": "2025-09-01",
  "env": { "production": { "name": "acme-web-worker", "workers_dev": true, "services": [{ "binding": "LEDGER", "service": "acme-ledger-worker" }] } }
}
`;

const uploads = (api: CloudflareStandIn) =>
  api.requests.filter((r) => (r.method === "PUT" && /\/workers\/scripts\/[^/]+$/.test(r.path)) || (r.method === "POST" && r.path.endsWith("/versions")));

describe("resources checked before a deploy to Cloudflare", () => {
  let api: CloudflareStandIn;
  let repo: ScriptedRepo;

  beforeAll(async () => {
    api = await new CloudflareStandIn("1a2b3c4d5e6f70819a2b3c4d5e6f7081", "cf-preflight-token-2718").start();
    repo = await ScriptedRepo.create();
    await repo.commit("chore: set up", { ".gitignore": ".fleet/\n", "fleet.jsonc": JSON.stringify(MANIFEST, null, 2) });
    await repo.commit("feat: ledger and web", {
      "workers/ledger/src/index.js": HEALTHY,
      "workers/ledger/wrangler.jsonc": LEDGER_CONFIG,
      "workers/web/src/index.js": HEALTHY,
      "workers/web/wrangler.jsonc": WEB_CONFIG,
    });
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, "--all", "--cwd", repo.dir], IDENTITY);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("refuses a deploy binding a missing KV namespace, D1 database and script: one message, exit 2, nothing deployed", async () => {
    const result = await runFleet(["deploy", "--all", "--cwd", repo.dir], { ...IDENTITY, ...api.env });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain("error: 3 bound resources of 1 worker not found on the account; nothing was deployed\n");
    expect(result.stderr).toContain(
      [
        "  ledger (acme-ledger-worker):",
        `    wrangler.jsonc:9: LEDGER_KV → KV namespace ${KV_ID} (id) is not on the account`,
        `    wrangler.jsonc:10: DB → D1 database ${D1_ID} (database_id) is not on the account`,
        "    wrangler.jsonc:11: AUDIT → Worker script acme-audit-worker (service) is not deployed, and no worker of this deploy puts it there first",
      ].join("\n"),
    );
    expect(result.stderr).toContain("hint: create them (wrangler kv namespace create, wrangler d1 create, deploy it first)");
    // web's binding to ledger, which the same run deploys first, is not among them
    expect(result.stderr).not.toContain("acme-web-worker");
    expect(uploads(api)).toEqual([]);
    expect([...api.scripts.values()].filter((s) => s.versions.length)).toEqual([]);
  }, 60_000);

  it("deploys as before once they exist, each kind listed once for the whole run", async () => {
    api.resources.addKv(KV_ID);
    api.resources.addD1(D1_ID, "ledger");
    api.deployedElsewhere("acme-audit-worker");
    const listings = api.requests.length;
    const result = await runFleet(["deploy", "--all", "--json", "--cwd", repo.dir], { ...IDENTITY, ...api.env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const deployed = JSON.parse(result.stdout) as { workers: { id: string; status: string }[] };
    expect(deployed.workers.map((w) => [w.id, w.status])).toEqual([
      ["ledger", "deployed"],
      ["web", "deployed"],
    ]);
    const account = `/accounts/${api.accountId}`;
    const lookedUp = api.requests
      .slice(listings)
      .filter((r) => r.method === "GET" && [`${account}/storage/kv/namespaces`, `${account}/d1/database`, `${account}/workers/scripts`].includes(r.path));
    expect(lookedUp.map((r) => r.path).sort()).toEqual([`${account}/d1/database`, `${account}/storage/kv/namespaces`, `${account}/workers/scripts`]);
    // the worker runs with what it binds
    const health = await (await fetch(`${api.origin}/health`, { headers: { "x-forwarded-host": "acme-ledger-worker.fleet-stand-in.workers.dev" } })).json();
    expect(health).toEqual({ status: "ok", bound: ["AUDIT", "DB", "LEDGER_KV"] });
  }, 120_000);
});
