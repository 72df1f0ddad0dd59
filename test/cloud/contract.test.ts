// The Cloud contract: the same questions asked of the local cloud and of a Cloudflare account
// (real wrangler and fleet's API calls against the stand-in, whose edge runs what was deployed)
// get the same answers — deploy, the live version and its commit, every version, rollback,
// hostnames and their holder, secret names, and the worker answering on its hostname and on its
// workers.dev name.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareCheckout } from "../../src/cloud/build.js";
import type { Cloud, Deployed } from "../../src/cloud/cloud.js";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { buildDir, checkout } from "../../src/cloud/deploy.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";
import { sameCommit } from "../../src/cloud/cloud.js";

const SCRIPT = "chittyos-contract-worker";
const HOST = "contract.chitty.cc";

async function workerRepo(root: string): Promise<string> {
  const dir = join(root, "repo");
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(
    join(dir, "wrangler.jsonc"),
    JSON.stringify({
      name: SCRIPT,
      main: "src/index.js",
      compatibility_date: "2025-09-01",
      workers_dev: true,
      routes: [{ pattern: HOST, custom_domain: true }],
      vars: { GREETING: "hello" },
    }),
  );
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  return dir;
}

async function commitVersion(repo: string, version: string): Promise<string> {
  await writeFile(
    join(repo, "src", "index.js"),
    `export default { fetch(request, env) { return Response.json({ status: "ok", version: ${JSON.stringify(version)}, greeting: env.GREETING }); } };\n`,
  );
  await git(["add", "-A"], { cwd: repo });
  await git(["commit", "-qm", `version ${version}`], { cwd: repo, env: IDENTITY });
  return gitText(["rev-parse", "HEAD"], { cwd: repo });
}

/** What the deploy loop does for one worker: check out, prepare, deploy with the commit as source. */
async function deployFrom(cloud: Cloud, repo: string): Promise<Deployed> {
  const dir = await buildDir(cloud.workDir, SCRIPT);
  const commit = await checkout(repo, "main", dir);
  await prepareCheckout(dir, join(cloud.workDir, "packages"));
  const prepared = await cloud.prepare(dir, "wrangler.jsonc");
  return cloud.deploy(prepared, { repository: repo, commit, message: `version of ${commit.slice(0, 7)}` });
}

async function answer(cloud: Cloud, url: string): Promise<unknown> {
  await cloud.settle();
  const response = await cloud.fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.json() };
}

const clouds: Record<string, () => Promise<{ cloud: Cloud; stop(): Promise<void> }>> = {
  local: async () => {
    const cloud = new LocalCloud((await import("../../src/cloud/store.js")).LocalCloudStore.at(await tempDir("fleet-contract-local-")), { persist: false });
    return { cloud, stop: () => cloud.dispose() };
  },
  cloudflare: async () => {
    const api = await new CloudflareStandIn("0123456789abcdef0123456789abcdef", "cf-contract-token-5544").start();
    const cloud = new CloudflareCloud(
      { apiToken: api.token, accountId: api.accountId, apiBaseUrl: api.baseUrl, edgeUrl: api.origin },
      join(await tempDir("fleet-contract-cf-"), ".fleet", "cloudflare"),
    );
    return {
      cloud,
      stop: async () => {
        await api.stop();
        // every request it received was one Cloudflare's OpenAPI description allows
        expect(api.violations).toEqual([]);
      },
    };
  },
};

for (const [kind, make] of Object.entries(clouds)) {
  describe(`the ${kind} cloud keeps the Cloud contract`, () => {
    let cloud: Cloud;
    let stop: () => Promise<void>;
    let repo: string;
    const commits: string[] = [];
    const deployed: Deployed[] = [];

    beforeAll(async () => {
      ({ cloud, stop } = await make());
      repo = await workerRepo(await tempDir("fleet-contract-repo-"));
    });
    afterAll(() => stop());

    it("knows nothing of a worker never deployed", async () => {
      expect(cloud.kind).toBe(kind);
      expect(await cloud.live(SCRIPT)).toBeUndefined();
      expect(await cloud.versions(SCRIPT)).toEqual([]);
      expect((await cloud.hostnames()).has(HOST)).toBe(false);
    });

    it("deploys a version that is live with its commit, holds its hostname, and answers there and on workers.dev", async () => {
      commits.push(await commitVersion(repo, "1"));
      deployed.push(await deployFrom(cloud, repo));
      expect(deployed[0]).toMatchObject({ script: SCRIPT, routes: [HOST], refused: [], host: HOST, version: { number: 1 } });
      const live = await cloud.live(SCRIPT);
      expect(live).toMatchObject({ id: deployed[0]!.version.id, number: 1, source: { message: `version of ${commits[0]!.slice(0, 7)}` } });
      // the commit, whole or the prefix the cloud keeps (Cloudflare: its first 20 hex digits)
      expect(sameCommit(live!.source!.commit, commits[0]!), live!.source!.commit).toBe(true);
      expect((await cloud.hostnames()).get(HOST)).toBe(SCRIPT);
      expect(await answer(cloud, `https://${HOST}/health`)).toEqual({ status: 200, body: { status: "ok", version: "1", greeting: "hello" } });
      const dev = await cloud.workersDevHost(SCRIPT);
      expect(dev).toMatch(new RegExp(`^${SCRIPT}\\.([a-z0-9-]+\\.)?workers\\.dev$`));
      expect(await answer(cloud, `https://${dev}/health`)).toMatchObject({ status: 200, body: { version: "1" } });
      expect(await cloud.secretNames(SCRIPT)).toEqual([]);
    }, 120_000);

    it("lists every version oldest first, and rolls back to the one live before", async () => {
      commits.push(await commitVersion(repo, "2"));
      deployed.push(await deployFrom(cloud, repo));
      const versions = await cloud.versions(SCRIPT);
      expect(versions.map((v) => [v.number, sameCommit(v.source!.commit, commits[v.number - 1]!)])).toEqual([
        [1, true],
        [2, true],
      ]);
      expect(await answer(cloud, `https://${HOST}/health`)).toMatchObject({ body: { version: "2" } });
      expect(await cloud.rollback(SCRIPT, undefined, "contract: back")).toEqual({ from: deployed[1]!.version.id, to: deployed[0]!.version.id });
      const back = await cloud.live(SCRIPT);
      expect([back!.number, sameCommit(back!.source!.commit, commits[0]!)]).toEqual([1, true]);
      expect(await answer(cloud, `https://${HOST}/health`)).toMatchObject({ body: { version: "1" } });
      // and forward again, by id
      expect(await cloud.rollback(SCRIPT, deployed[1]!.version.id)).toEqual({ from: deployed[0]!.version.id, to: deployed[1]!.version.id });
      expect(await cloud.live(SCRIPT)).toMatchObject({ number: 2 });
    }, 120_000);

    it("answers a hostname no worker holds with no worker's code", async () => {
      const response = await cloud.fetch("https://nobody.chitty.cc/health", { signal: AbortSignal.timeout(30_000) });
      expect(response.status).toBeGreaterThanOrEqual(400);
      await response.body?.cancel();
    });
  });
}
