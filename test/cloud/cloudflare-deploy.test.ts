// fleet's deploy to a Cloudflare account — the one deploy loop, real wrangler against the
// Cloudflare API stand-in, whose edge runs what was deployed: dependency order, health through
// the hostname, the rollback of an unhealthy new version, and fleet rollback. A binding cycle
// (placeholders) is deployed in the slow suite (test/slow/cloudflare-cycle.test.ts).
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployInOrder, type DeployOptions, type DeployTarget } from "../../src/cloud/deploy.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";
import { workerRepo } from "./cloudflare-worker-repo.js";

const TOKEN = "cf-deploy-token-99887766";
const ACCOUNT = "fedcba9876543210fedcba9876543210";

describe("fleet deploy to Cloudflare (wrangler against the API stand-in and its edge)", () => {
  let api: CloudflareStandIn;
  let root: string;
  let cloud: CloudflareCloud;
  let targets: DeployTarget[];
  const options: DeployOptions = { environment: "production", health: { timeoutMs: 5000, retries: 0, backoffMs: 10 } };

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    root = await tempDir("fleet-cf-deploy-");
    const registry = await workerRepo(root, "chittyos-registry-worker", "registry.chitty.cc", "1");
    const beacon = await workerRepo(root, "chittyos-beacon-worker", "beacon.chitty.cc", "1");
    targets = [
      { id: "registry", script: "chittyos-registry-worker", repository: registry, branch: "main", dependsOn: [] },
      { id: "beacon", script: "chittyos-beacon-worker", repository: beacon, branch: "main", dependsOn: ["registry"] },
    ];
    cloud = new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl, edgeUrl: api.origin }, join(root, ".fleet", "cloudflare"));
  });
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("deploys in dependency order, checks each on its hostname, and records the commit with the version", async () => {
    const outcomes = await deployInOrder(cloud, targets, options);
    expect(outcomes.map((o) => [o.id, o.status, o.health?.url])).toEqual([
      ["registry", "deployed", "https://registry.chitty.cc/health"],
      ["beacon", "deployed", "https://beacon.chitty.cc/health"],
    ]);
    const uploads = api.requests.filter((r) => r.method === "PUT" && /\/workers\/scripts\/[^/]+$/.test(r.path)).map((r) => r.path.split("/").pop());
    expect(uploads).toEqual(["chittyos-registry-worker", "chittyos-beacon-worker"]);
    // the edge answered with the deployed code
    expect(api.edgeLog.filter((e) => e.host === "beacon.chitty.cc")).toEqual([{ host: "beacon.chitty.cc", status: 200, script: "chittyos-beacon-worker" }]);
    const commit = (await git(["rev-parse", "HEAD"], { cwd: targets[1]!.repository })).stdout.trim();
    // the version's tag holds the commit's first 20 hex digits, its message the subject
    expect(await cloud.live("chittyos-beacon-worker")).toMatchObject({ number: 1, source: { commit: commit.slice(0, 20), message: "version 1" } });
    expect(outcomes[1]!.version).toMatchObject({ number: 1, source: { commit: commit.slice(0, 20) } });
  }, 120_000);

  it("rolls an unhealthy new version back to the one that was live", async () => {
    const beacon = targets[1]!.repository;
    await writeFile(join(beacon, "src", "index.js"), `export default { fetch() { return new Response("broken", { status: 500 }); } };\n`);
    await git(["commit", "-qam", "version 2"], { cwd: beacon, env: IDENTITY });
    const [outcome] = await deployInOrder(cloud, [{ ...targets[1]!, dependsOn: [] }], options);
    const script = api.scripts.get("chittyos-beacon-worker")!;
    const [v1, v2] = script.versions.map((v) => v.id);
    expect(outcome).toMatchObject({ status: "failed", version: { id: v2, number: 2 }, rolledBackTo: { id: v1, number: 1 } });
    expect(outcome!.detail).toBe("deployed v2 but /health on beacon.chitty.cc is down; rolled back to v1");
    expect(script.deployments[0]).toMatchObject({
      versions: [{ version_id: v1, percentage: 100 }],
      annotations: { "workers/message": expect.stringContaining("/health was down") },
    });
    // and the edge serves v1 again
    expect(await (await cloud.fetch("https://beacon.chitty.cc/health", { signal: AbortSignal.timeout(10_000) })).json()).toEqual({
      status: "ok",
      version: "1",
    });
  }, 120_000);

  it("fleet rollback on Cloudflare goes back to the version live before the current one", async () => {
    const script = api.scripts.get("chittyos-beacon-worker")!;
    const [v1, v2] = script.versions.map((v) => v.id);
    expect(script.deployments[0]!.versions[0]!.version_id).toBe(v1); // after the rollback above
    const dir = await tempDir("fleet-cf-rollback-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    await writeFile(
      join(dir, "fleet.jsonc"),
      JSON.stringify({
        org: "chittyos",
        zone: "chitty.cc",
        monorepo: { layout: "directories" },
        providers: { cloud: "cloudflare" },
        workers: { beacon: { domain: "beacon.chitty.cc", source: { dir: "workers/beacon" } } },
      }),
    );
    const result = await runFleet(["rollback", "beacon", "--json", "--cwd", dir], api.env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ worker: "beacon", script: "chittyos-beacon-worker", from: 1, to: 2, fromId: v1, toId: v2 });
    expect(script.deployments[0]).toMatchObject({
      versions: [{ version_id: v2, percentage: 100 }],
      annotations: { "workers/message": "fleet rollback beacon" },
    });
    const noToken = await runFleet(["rollback", "beacon", "--cwd", dir], { ...api.env, CLOUDFLARE_API_TOKEN: "" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("CLOUDFLARE_API_TOKEN is not set");
  }, 60_000);

  it("uploads runtime secrets with the version, from standard input: the worker sees them, nothing on disk or in an argument", async () => {
    const repo = await workerRepo(root, "chittyos-mail-worker", "mail.chitty.cc", "1");
    await writeFile(
      join(repo, "src", "index.js"),
      `export default { fetch(request, env) { return Response.json({ status: "ok", key: typeof env.SENDGRID_API_KEY }); } };\n`,
    );
    await git(["commit", "-qam", "reads its key"], { cwd: repo, env: IDENTITY });
    const value = "SG.secret-value-1618033988";
    const [outcome] = await deployInOrder(
      cloud,
      [{ id: "mail", script: "chittyos-mail-worker", repository: repo, branch: "main", dependsOn: [], secrets: { SENDGRID_API_KEY: value } }],
      options,
    );
    expect(outcome).toMatchObject({ status: "deployed", version: { number: 1, source: { message: "reads its key" } } });
    expect(await cloud.secretNames("chittyos-mail-worker")).toEqual(["SENDGRID_API_KEY"]);
    expect(await (await cloud.fetch("https://mail.chitty.cc/", { signal: AbortSignal.timeout(10_000) })).json()).toEqual({ status: "ok", key: "string" });
    // one upload carried it (with the version's tag and message), never a command line or a file
    const upload = api.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/scripts/chittyos-mail-worker"));
    expect(upload).toHaveLength(1);
    expect(upload[0]!.body).toContain(value);
    const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    for (const f of files) expect(await readFile(join(f.parentPath, f.name), "utf8"), join(f.parentPath, f.name)).not.toContain(value);
  }, 120_000);

  it("skips a worker whose dependency is not healthy, naming it", async () => {
    const before = api.requests.length;
    const [outcome] = await deployInOrder(cloud, [{ ...targets[1]!, dependsOn: [], externalHealthUrls: ["https://nobody.chitty.cc/health"] }], options);
    expect(outcome).toMatchObject({ status: "skipped", detail: expect.stringContaining("https://nobody.chitty.cc/health") });
    expect(api.requests.length).toBe(before);
    expect(api.edgeLog.at(-1)).toEqual({ host: "nobody.chitty.cc", status: 530 });
  });
});
