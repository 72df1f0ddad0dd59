// Slow suite: a forge that fails on purpose (the GitHub stand-in). fleet create retries within its
// deadlines (with the retry plugin's real backoff), completes the other repositories, names the
// one it could not, exits 1; the re-run completes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import type { GitHubStandIn } from "../forge/github-stand-in.js";
import { FAULTY_FORGE_ENV, faultyForge } from "../reliability/faulty-forge.fixture.js";

describe("a forge that fails on purpose", () => {
  let github: GitHubStandIn;
  let dir: string;
  const env = FAULTY_FORGE_ENV;
  beforeAll(async () => {
    ({ github, dir } = await faultyForge());
  }, 120_000);
  afterAll(() => github.stop());

  it("retries a 500, a reset and a hang; one repository that keeps failing is named; the re-run completes it", async () => {
    github.faults.push(
      { match: /^POST \/orgs\/chittyos\/repos$/, status: 500 },
      { match: /^PUT \/repos\/chittyos\/chittyos-canon-worker\/topics$/, status: "reset" },
      { match: /^PUT \/repos\/chittyos\/chittyos-docs-worker\/environments\/staging$/, status: "hang" },
      ...Array.from({ length: 4 }, () => ({ match: /^GET \/repos\/chittyos\/chittyos-registry-worker$/, status: 502 as const })),
    );
    const first = await runFleet(["create", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(first.code, first.stderr).toBe(1);
    const repos = JSON.parse(first.stdout).repositories as { id: string; status: string; detail?: string }[];
    expect(repos.map((r) => [r.id, r.status])).toEqual([["canon", "created"], ["docs", "created"], ["registry", "failed"]]);
    expect(repos[2]!.detail).toMatch(/502/);
    expect(first.stderr).toContain("run `fleet create` again");
    const seen = github.requests.filter((r) => r.status < 0 || r.status >= 500).map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);
    // repositories are made a few at a time: the failures, in any order
    expect(seen.sort()).toEqual([
      "POST /orgs/chittyos/repos 500",
      "PUT /repos/chittyos/chittyos-canon-worker/topics -1",
      "PUT /repos/chittyos/chittyos-docs-worker/environments/staging -2",
      ...Array(4).fill("GET /repos/chittyos/chittyos-registry-worker 502"),
    ].sort());
    const second = await runFleet(["create", "canon", "docs", "registry", "--json", "--cwd", dir], env);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout).repositories as { id: string; status: string }[]).map((r) => [r.id, r.status])).toEqual([["canon", "up-to-date"], ["docs", "up-to-date"], ["registry", "created"]]);
    expect(github.violations).toEqual([]);
  }, 180_000);
});
