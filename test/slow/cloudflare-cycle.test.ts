// Slow suite: two workers binding each other deploy to Cloudflare (real wrangler against the API
// stand-in). Cloudflare refuses a service binding to a script that does not exist, so fleet puts
// up a placeholder of the one bound first, then deploys both in order.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployInOrder, type DeployOptions, type DeployTarget } from "../../src/cloud/deploy.js";
import { tempDir } from "../helpers/tmp.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { workerRepo } from "../cloud/cloudflare-worker-repo.js";

const TOKEN = "cf-cycle-token-55443322";
const ACCOUNT = "0123456789abcdef0123456789abcdef";

describe("fleet deploy to Cloudflare of a binding cycle", () => {
  let api: CloudflareStandIn;
  let root: string;
  let cloud: CloudflareCloud;
  const options: DeployOptions = { environment: "production", health: { timeoutMs: 5000, retries: 0, backoffMs: 10 } };

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    root = await tempDir("fleet-cf-cycle-");
    cloud = new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl, edgeUrl: api.origin }, join(root, ".fleet", "cloudflare"));
  });
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("two workers binding each other: a placeholder of the one bound first, then both in order (Cloudflare refuses a binding to a missing script)", async () => {
    const ledger = await workerRepo(root, "chittyos-ledger-worker", "ledger.chitty.cc", "1", { CASES: "chittyos-cases-worker" });
    const cases = await workerRepo(root, "chittyos-cases-worker", "cases.chitty.cc", "1", { LEDGER: "chittyos-ledger-worker" });
    // as the order breaks the cycle: ledger first (its edge to cases left out), then cases
    const pair: DeployTarget[] = [
      { id: "ledger", script: "chittyos-ledger-worker", repository: ledger, branch: "main", dependsOn: [] },
      { id: "cases", script: "chittyos-cases-worker", repository: cases, branch: "main", dependsOn: ["ledger"] },
    ];
    // without a placeholder, the account refuses ledger's upload (code 10143)
    const refused = await deployInOrder(cloud, pair.slice(0, 1), options);
    expect(refused[0]).toMatchObject({ status: "failed", detail: expect.stringContaining("10143") });
    expect(api.scripts.get("chittyos-ledger-worker")?.versions.length ?? 0).toBe(0);

    const events: string[] = [];
    const fleetScripts = new Set(pair.map((t) => t.script));
    const outcomes = await deployInOrder(cloud, pair, { ...options, fleetScripts, onEvent: (m) => events.push(m) });
    expect(outcomes.map((o) => [o.id, o.status, o.placeholders ?? []])).toEqual([
      ["ledger", "deployed", ["chittyos-cases-worker"]],
      ["cases", "deployed", []],
    ]);
    expect(events).toContain("deploying a placeholder of chittyos-cases-worker (answers 503): chittyos-ledger-worker binds it before its own deploy");
    // the placeholder went up first, named as such, then the real cases replaced it
    const casesVersions = api.scripts.get("chittyos-cases-worker")!.versions;
    expect(casesVersions.map((v) => (v.metadata.annotations as Record<string, string> | undefined)?.["workers/message"])).toEqual(["fleet placeholder: answers 503 until deployed", "version 1"]);
    expect(api.scripts.get("chittyos-ledger-worker")!.versions).toHaveLength(1);
    // a second run needs no placeholder: both exist
    const again = await deployInOrder(cloud, pair, { ...options, fleetScripts });
    expect(again.map((o) => o.placeholders)).toEqual([undefined, undefined]);
  }, 180_000);
});
