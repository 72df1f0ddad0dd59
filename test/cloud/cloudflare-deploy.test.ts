// fleet's deploy to a Cloudflare account — real wrangler against the Cloudflare API stand-in:
// dependency order, dependencies' health first, and the rollback of an unhealthy new version.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployToCloudflare } from "../../src/cloud/cloudflare/deploy.js";
import type { DeployTarget } from "../../src/cloud/deploy.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const TOKEN = "cf-deploy-token-99887766";
const ACCOUNT = "fedcba9876543210fedcba9876543210";

async function workerRepo(root: string, script: string, host: string, version: string): Promise<string> {
  const dir = join(root, script);
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(join(dir, "src", "index.js"), `export default { fetch() { return Response.json({ status: "ok", version: ${JSON.stringify(version)} }); } };\n`);
  await writeFile(join(dir, "wrangler.jsonc"), JSON.stringify({ name: script, main: "src/index.js", compatibility_date: "2025-09-01", env: { production: { name: script, routes: [{ pattern: host, custom_domain: true }] } } }));
  await git(["init", "-q", "--initial-branch=main"], { cwd: dir });
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-qm", `version ${version}`], { cwd: dir, env: IDENTITY });
  return dir;
}

describe("fleet deploy to Cloudflare (wrangler against the API stand-in)", () => {
  let api: CloudflareStandIn;
  let root: string;
  const healthy = new Map<string, boolean>();
  // The workers' hostnames as the internet would answer them; here a table the test controls.
  const fetcher = async (url: string) => {
    const host = new URL(url).hostname;
    return healthy.get(host) ? Response.json({ status: "ok" }) : new Response("bad gateway", { status: 502 });
  };
  let targets: DeployTarget[];
  let options: Parameters<typeof deployToCloudflare>[1];

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    root = await tempDir("fleet-cf-deploy-");
    const registry = await workerRepo(root, "chittyos-registry-worker", "registry.chitty.cc", "1");
    const beacon = await workerRepo(root, "chittyos-beacon-worker", "beacon.chitty.cc", "1");
    targets = [
      { id: "registry", script: "chittyos-registry-worker", repository: registry, branch: "main", dependsOn: [], healthUrl: "https://registry.chitty.cc/health" },
      { id: "beacon", script: "chittyos-beacon-worker", repository: beacon, branch: "main", dependsOn: ["registry"], healthUrl: "https://beacon.chitty.cc/health" },
    ];
    options = {
      cloud: new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl }),
      environment: "production",
      workDir: join(root, ".fleet", "cloudflare"),
      health: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
      fetcher,
    };
  });
  afterAll(() => api.stop());

  it("deploys in dependency order once each dependency answers healthy", async () => {
    healthy.set("registry.chitty.cc", true).set("beacon.chitty.cc", true);
    const outcomes = await deployToCloudflare(targets, options);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([["registry", "deployed"], ["beacon", "deployed"]]);
    const uploads = api.requests.filter((r) => r.method === "PUT" && /\/workers\/scripts\/[^/]+$/.test(r.path)).map((r) => r.path.split("/").pop());
    expect(uploads).toEqual(["chittyos-registry-worker", "chittyos-beacon-worker"]);
  }, 120_000);

  it("rolls an unhealthy new version back to the one that was live", async () => {
    const beacon = targets[1]!.repository;
    await writeFile(join(beacon, "src", "index.js"), `export default { fetch() { return new Response("broken", { status: 500 }); } };\n`);
    await git(["commit", "-qam", "version 2"], { cwd: beacon, env: IDENTITY });
    healthy.set("beacon.chitty.cc", false);
    const [outcome] = await deployToCloudflare([{ ...targets[1]!, dependsOn: [] }], options);
    const script = api.scripts.get("chittyos-beacon-worker")!;
    const [v1, v2] = script.versions.map((v) => v.id);
    expect(outcome).toMatchObject({ status: "failed", detail: `version ${v2} is down at https://beacon.chitty.cc/health; rolled back to ${v1}` });
    expect(script.deployments[0]).toMatchObject({ versions: [{ version_id: v1, percentage: 100 }], annotations: { "workers/message": expect.stringContaining("health check failed") } });
  }, 120_000);

  it("fleet rollback on Cloudflare goes back to the version live before the current one", async () => {
    const script = api.scripts.get("chittyos-beacon-worker")!;
    const [v1, v2] = script.versions.map((v) => v.id);
    expect(script.deployments[0]!.versions[0]!.version_id).toBe(v1); // after the rollback above
    const dir = await tempDir("fleet-cf-rollback-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    await writeFile(join(dir, "fleet.jsonc"), JSON.stringify({ org: "chittyos", zone: "chitty.cc", monorepo: { layout: "directories" }, providers: { cloud: "cloudflare" }, workers: { beacon: { domain: "beacon.chitty.cc", source: { dir: "workers/beacon" } } } }));
    const env = { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_BASE_URL: api.baseUrl };
    const result = await runFleet(["rollback", "beacon", "--json", "--cwd", dir], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ worker: "beacon", script: "chittyos-beacon-worker", from: v1, to: v2 });
    expect(script.deployments[0]).toMatchObject({ versions: [{ version_id: v2, percentage: 100 }], annotations: { "workers/message": "fleet rollback beacon" } });
    const noToken = await runFleet(["rollback", "beacon", "--cwd", dir], { ...env, CLOUDFLARE_API_TOKEN: "" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("CLOUDFLARE_API_TOKEN is not set");
  }, 60_000);

  it("skips a worker whose dependency is not healthy, naming it", async () => {
    healthy.set("registry.chitty.cc", false);
    const before = api.requests.length;
    const [outcome] = await deployToCloudflare([{ ...targets[1]!, dependsOn: [] , externalHealthUrls: ["https://registry.chitty.cc/health"] }], options);
    expect(outcome).toMatchObject({ status: "skipped", detail: expect.stringContaining("https://registry.chitty.cc/health") });
    expect(api.requests.length).toBe(before);
  });
});
