// A forge that fails on purpose (the GitHub stand-in): a worker repository git cannot reach is
// named and the others are synced. fleet create's retries (real backoff, tens of seconds) are
// tried in the slow suite (test/slow/forge-retries.test.ts).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { monorepoOnGitHub } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const TOKEN = "ghp_faultsToken00112233445566778899";

describe("a forge that fails on purpose", () => {
  let github: GitHubStandIn;
  let dir: string;
  const env = { ...IDENTITY, GH_TOKEN: TOKEN, FLEET_HTTP_TIMEOUT: "1", CLOUDFLARE_API_TOKEN: "x", CLOUDFLARE_ACCOUNT_ID: "y" };
  beforeAll(async () => {
    const root = await tempDir("fleet-forge-faults-");
    github = await new GitHubStandIn("chittyos", TOKEN, join(root, "github")).start();
    dir = join(root, "monorepo");
    await monorepoOnGitHub(dir, github, 30);
    const create = await runFleet(["create", "canon", "docs", "registry", "--cwd", dir], env);
    expect(create.code, create.stderr).toBe(0);
  }, 120_000);
  afterAll(() => github.stop());

  it("a worker repository git cannot reach: fleet sync merges the others, names it, exits 1; the re-run finishes it", async () => {
    github.gitFaults.push({ match: /^GET \/chittyos\/chittyos-docs-worker\.git\/info\/refs$/, status: 503 });
    const first = await runFleet(["sync", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(first.code, first.stderr).toBe(1);
    const workers = JSON.parse(first.stdout).workers as { id: string; status: string; detail?: string }[];
    expect(workers.map((w) => [w.id, w.status])).toEqual([["canon", "merged"], ["docs", "failed"], ["registry", "merged"]]);
    expect(workers[1]!.detail, workers[1]!.detail).toMatch(/could not read the worker repository: git ls-remote .*chittyos-docs-worker.git .*failed.*; run fleet sync again/);
    const second = await runFleet(["sync", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout).workers as { id: string; status: string }[]).map((w) => [w.id, w.status])).toEqual([["canon", "up-to-date"], ["docs", "merged"], ["registry", "up-to-date"]]);
  }, 180_000);
});
