// A whole run against GitHub (the stand-in) — create, sync, deploy, status, a deploy of a
// repository whose custom build writes its environment to a file, a refused push — with
// known fake tokens and secret values, then every file under the working folders, every git
// config, every line printed and the status page searched for them, raw and base64.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushHostileBuild, readDump } from "../helpers/hostile-build.js";
import { leaks } from "../helpers/leaks.js";
import { runFleet, type RunResult } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { monorepoOnGitHub, setManifest } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";

const GH_TOKEN = "ghp_hygieneToken9f8e7d6c5b4a39281706";
const WRONG_TOKEN = "ghp_wrongToken1122334455667788990011";
const CLOUDFLARE_API_TOKEN = "cf-hygiene-api-token-5566778899aabbcc";
const SECRET_VALUES = { CLOUDFLARE_ACCOUNT_ID: "acct-hygiene-0f1e2d3c", JWT_SECRET: "jwt-hygiene-secret-a1b2c3d4" };
const WORKERS = ["registry", "project-initiation"];

describe("secrets hygiene with the GitHub forge", () => {
  let root: string;
  let dir: string;
  let github: GitHubStandIn;
  let cloudflare: CloudflareStandIn;
  const outputs: RunResult[] = [];
  const env = { ...IDENTITY, GH_TOKEN, CLOUDFLARE_API_TOKEN, ...SECRET_VALUES, GITHUB_TOKEN: "" };

  beforeAll(async () => {
    root = await tempDir("fleet-hygiene-");
    github = await new GitHubStandIn("chittyos", GH_TOKEN, join(root, "github")).start();
    cloudflare = await new CloudflareStandIn(SECRET_VALUES.CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN).start();
    dir = join(root, "monorepo");
    await monorepoOnGitHub(dir, github, 60);
    cloudflare.resources.seedFromFile(join(dir, "wrangler.toml")); // the KV namespaces and D1 databases it binds
  }, 120_000);
  afterAll(async () => {
    await Promise.all([github.stop(), cloudflare.stop()]);
    expect(cloudflare.violations).toEqual([]);
  });

  it("create, sync, deploy and status work against GitHub and leave no token or secret value anywhere", async () => {
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const result = await runFleet([...args, "--cwd", dir], { ...env, ...extra });
      outputs.push(result);
      return result;
    };
    const create = await run(["create", ...WORKERS, "--verbose"]);
    expect(create.code, create.stderr).toBe(0);
    expect(github.openSecret("chittyos-registry-worker", "CLOUDFLARE_API_TOKEN")).toBe(CLOUDFLARE_API_TOKEN);
    const sync = await run(["sync", ...WORKERS, "--verbose"]);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    const deploy = await run(["deploy", ...WORKERS]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const status = await run(["status", ...WORKERS, "--json", "--html", join(dir, "status.html")]);
    const steps = JSON.parse(status.stdout).workers[0].steps as { step: string; state: string }[];
    expect(steps.filter((s) => ["repository", "code", "tests", "actions", "secrets", "deployed", "health"].includes(s.step)).map((s) => s.state)).toEqual(
      Array(7).fill("done"),
    );
    // a team with write access adds a custom build step that writes its environment to a file;
    // the platform team deploys with every token set: the build runs, and sees none of them
    const dump = join(root, "hostile", "build-env");
    await mkdir(join(root, "hostile"));
    await pushHostileBuild(join(root, "github", "chittyos", "chittyos-registry-worker.git"), dump);
    const hostile = await run(["deploy", "registry"], { FLEET_GH_TOKEN: GH_TOKEN, FLEET_REGISTRY_TOKEN: CLOUDFLARE_API_TOKEN });
    expect(hostile.code, hostile.stdout + hostile.stderr).toBe(0);
    expect((await readDump(dump)).runs).toBe(1);
    // the same workers to "Cloudflare" (wrangler against the API stand-in); their hostnames do
    // not resolve from here, so the health check after the upload fails: exit 1, nothing leaked
    await setManifest(dir, ["providers", "cloud"], "cloudflare");
    const toCloudflare = await run(["deploy", "registry", "--retries", "0", "--timeout", "500", "--json"], { CLOUDFLARE_API_BASE_URL: cloudflare.baseUrl });
    expect(JSON.parse(toCloudflare.stdout).workers[0]).toMatchObject({
      id: "registry",
      status: "failed",
      detail: expect.stringContaining("/health on chittyos-registry-worker.fleet-stand-in.workers.dev is down"),
    });
    expect(cloudflare.scripts.get("chittyos-registry-worker")?.versions).toHaveLength(1);
    expect(cloudflare.requests.every((r) => r.authorized)).toBe(true);
    // the build ran again for Cloudflare, once: the upload ran nothing of the repository's
    const { runs, names } = await readDump(dump);
    expect(runs).toBe(2);
    expect(names.filter((n) => /TOKEN|SECRET|CLOUDFLARE|GITHUB|^GH_/.test(n))).toEqual([]);
    // a refused push: the error names the failure, not the token
    const refused = await run(["sync", "registry", "--verbose"], { GH_TOKEN: WRONG_TOKEN });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/GitHub refused the token|Authentication failed|could not read Username/);
    expect(github.violations).toEqual([]);

    expect(
      await leaks([GH_TOKEN, WRONG_TOKEN, CLOUDFLARE_API_TOKEN, ...Object.values(SECRET_VALUES)], [dir, join(root, "github"), join(root, "hostile")], outputs),
    ).toEqual([]);
  }, 300_000);
});
