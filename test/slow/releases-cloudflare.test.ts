// Fleet releases on a Cloudflare account (about 30 s of wrangler runs, hence the slow suite):
// real wrangler against the API stand-in, whose edge runs what was deployed. Two deploys of two
// workers (beacon binds registry), then the fleet back to the first release through `wrangler
// rollback`, beacon first, each checked on its hostname.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollbackRelease } from "../../src/api/rollback.js";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployInOrder, type DeployTarget } from "../../src/cloud/deploy.js";
import { git } from "../../src/git/git.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { VersionFactsLookup } from "../../src/releases/facts.js";
import { recordRelease } from "../../src/releases/record.js";
import { ReleaseStore } from "../../src/releases/store.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { workerRepo } from "../cloud/cloudflare-worker-repo.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const TOKEN = "cf-release-token-31415926";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const manifest = {
  repoName: "chittyos-{service}-worker",
  providers: { forge: "local", cloud: "cloudflare", registry: "local" },
  workers: { registry: { dependsOn: [], phase: 1 }, beacon: { dependsOn: ["registry"], phase: 1 } },
} as unknown as Manifest;

describe("fleet releases on Cloudflare (wrangler against the API stand-in and its edge)", () => {
  let api: CloudflareStandIn;
  let root: string;
  let cloud: CloudflareCloud;
  let targets: DeployTarget[];

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    root = await tempDir("fleet-cf-releases-");
    const registry = await workerRepo(root, "chittyos-registry-worker", "registry.chitty.cc", "1");
    const beacon = await workerRepo(root, "chittyos-beacon-worker", "beacon.chitty.cc", "1", { REGISTRY: "chittyos-registry-worker" });
    targets = [
      { id: "registry", script: "chittyos-registry-worker", repository: registry, branch: "main", dependsOn: [] },
      { id: "beacon", script: "chittyos-beacon-worker", repository: beacon, branch: "main", dependsOn: ["registry"] },
    ];
    cloud = new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl, edgeUrl: api.origin }, join(root, ".fleet", "cloudflare"));
  });
  afterAll(async () => {
    await api.stop();
    expect(api.violations).toEqual([]);
  });

  /** What `fleet deploy` does after its deploy loop: a release of every live worker. */
  async function deployAndRecord() {
    const store = ReleaseStore.at(root);
    const lookup = new VersionFactsLookup(cloud, await store.list());
    const outcomes = await deployInOrder(cloud, targets, {
      environment: "production",
      health: { timeoutMs: 5000, retries: 1, backoffMs: 10 },
      onDeployed: (d) => lookup.remember(d.script, d.version, d.spec, d.packageVersion),
    });
    expect(outcomes.map((o) => o.status)).toEqual(["deployed", "deployed"]);
    return (await recordRelease({ manifest, cloud, store, lookup, outcomes, environment: "production" }))!;
  }

  const version = async (host: string) =>
    ((await (await cloud.fetch(`https://${host}/health`, { signal: AbortSignal.timeout(10_000) })).json()) as { version: string }).version;

  it("records each version with its bindings' targets, and goes back dependants first", async () => {
    const r1 = await deployAndRecord();
    expect(r1).toMatchObject({ id: "r1", cloud: "cloudflare", environment: "production", boundLive: ["chittyos-registry-worker"] });
    expect(r1.workers.find((w) => w.id === "beacon")).toMatchObject({
      version: { number: 1 },
      deployed: true,
      facts: { services: { REGISTRY: "chittyos-registry-worker" } },
    });
    for (const t of targets) {
      await writeFile(join(t.repository, "src", "index.js"), `export default { fetch() { return Response.json({ status: "ok", version: "2" }); } };\n`);
      await git(["commit", "-qam", "version 2"], { cwd: t.repository, env: IDENTITY });
    }
    await deployAndRecord();
    expect(await version("beacon.chitty.cc")).toBe("2");

    const back = await rollbackRelease({ cwd: root, manifest, env: api.env, release: "r1", health: { timeoutMs: 5000, retries: 1 } });
    expect(back.workers.map((w) => [w.id, w.status, w.from?.number, w.to.number, w.health?.url])).toEqual([
      ["beacon", "rolled back", 2, 1, "https://beacon.chitty.cc/health"],
      ["registry", "rolled back", 2, 1, "https://registry.chitty.cc/health"],
    ]);
    expect(await version("beacon.chitty.cc")).toBe("1");
    expect(await version("registry.chitty.cc")).toBe("1");
    expect(api.scripts.get("chittyos-beacon-worker")!.deployments[0]).toMatchObject({ annotations: { "workers/message": "fleet rollback --release r1" } });

    const local = { ...manifest, providers: { ...manifest.providers, cloud: "local" } } as Manifest;
    await expect(rollbackRelease({ cwd: root, manifest: local, release: "r2" })).rejects.toThrow(
      "fleet release r2 was recorded in Cloudflare; the manifest names the local cloud",
    );
  }, 120_000);
});
