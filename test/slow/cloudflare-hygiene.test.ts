// Slow suite: secrets hygiene over a migration and a cutover on Cloudflare. Against the GitHub and
// Cloudflare stand-ins, with known fake tokens and a runtime secret's value in the environment:
// the platform deployed, three workers migrated (one of them reads the secret, which goes up with
// its version), one cut over, one redeployed after its team added a build step that writes its
// environment to a file. Then every file under the working folders and the stand-in's
// storage, and every line fleet printed, is searched for the values, raw and encoded.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { monorepoOnGitHub, setManifest } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { pushHostileBuild, readDump } from "../helpers/hostile-build.js";
import { leaks } from "../helpers/leaks.js";
import { runFleet, type RunResult } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const GH_TOKEN = "ghp_cfHygieneToken0a9b8c7d6e5f4a3b2c1d";
const CLOUDFLARE_API_TOKEN = "cf-migrate-hygiene-token-99aa88bb77cc";
const ACCOUNT = "acct-cf-hygiene-7e6d5c4b";
const JWT_SECRET = "jwt-runtime-secret-value-31415926";

describe("secrets hygiene over migrate and cutover on Cloudflare", () => {
  let root: string;
  let dir: string;
  let github: GitHubStandIn;
  let cloudflare: CloudflareStandIn;
  const outputs: RunResult[] = [];

  beforeAll(async () => {
    root = await tempDir("fleet-cf-hygiene-");
    github = await new GitHubStandIn("chittyos", GH_TOKEN, join(root, "github")).start();
    cloudflare = await new CloudflareStandIn(ACCOUNT, CLOUDFLARE_API_TOKEN).start();
    cloudflare.addDnsRecord("initiate.chitty.cc");
    for (const external of ["chittyos-id-worker", "chittyos-auth-worker"]) cloudflare.deployedElsewhere(external); // the external workers the platform binds
    cloudflare.addQueue("chittyos-project-events"); // the queue the platform produces to and consumes, made beforehand as wrangler needs
    dir = join(root, "monorepo");
    await monorepoOnGitHub(dir, github, 40);
    cloudflare.resources.seedFromFile(join(dir, "wrangler.toml")); // the KV namespaces and D1 databases it binds
    await setManifest(dir, ["providers", "cloud"], "cloudflare");
  }, 120_000);
  afterAll(async () => {
    await Promise.all([github.stop(), cloudflare.stop()]);
    expect(cloudflare.violations).toEqual([]);
  });

  it("leaves no token or secret value anywhere", async () => {
    const env = {
      ...IDENTITY,
      GH_TOKEN,
      GITHUB_TOKEN: "",
      CLOUDFLARE_API_TOKEN,
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      CLOUDFLARE_API_BASE_URL: cloudflare.baseUrl,
      FLEET_EDGE_URL: cloudflare.origin,
      JWT_SECRET,
    };
    const run = async (args: string[]) => {
      const result = await runFleet([...args, "--cwd", dir, "--verbose"], env);
      outputs.push(result);
      expect(result.code, `${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
      return result;
    };
    await run(["deploy", "--platform"]);
    await run(["migrate", "registry", "project-initiation", "trust"]);
    // trust's code reads JWT_SECRET: its value went up with its version, by name only here
    expect([...cloudflare.scripts.get("chittyos-trust-worker")!.secrets]).toEqual(["JWT_SECRET"]);
    await run(["cutover", "project-initiation", "--apply"]);
    expect(cloudflare.holders().get("initiate.chitty.cc")).toBe("chittyos-project-initiation-worker");
    await run(["status", "--json", "--html", join(dir, "status.html")]);
    // a migrated worker's team adds a build step that writes its environment to a file: deployed
    // with every token set, the build runs once, without any, and the worker deploys
    const dump = join(root, "hostile", "build-env");
    await mkdir(join(root, "hostile"));
    await pushHostileBuild(join(root, "github", "chittyos", "chittyos-trust-worker.git"), dump);
    await run(["deploy", "trust"]);
    expect(cloudflare.scripts.get("chittyos-trust-worker")!.versions.length).toBeGreaterThan(1);
    const { runs, names } = await readDump(dump);
    expect(runs).toBe(1);
    expect(names.filter((n) => n in env)).toEqual([]);
    expect(github.violations).toEqual([]);
    expect(await leaks([GH_TOKEN, CLOUDFLARE_API_TOKEN, JWT_SECRET], [dir, join(root, "github"), join(root, "hostile")], outputs)).toEqual([]);
  }, 900_000);
});
