// `fleet access` on the example, on the local forge and on the GitHub stand-in: apply, then the
// forge reports exactly the manifest's grants; a grant added by hand is reported (exit 1) and
// revoked only with --prune; a wrong level is put right; an apply stopped half-way, run again,
// repeats none of its writes. `fleet create` applies the same access to a new repository.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessResult } from "../../src/api/access.js";
import { generateExample } from "../../src/example/index.js";
import { LocalForge } from "../../src/forge/local.js";
import { gitText } from "../../src/git/git.js";
import { monorepoOnGitHub, setManifest } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "./extracted.fixture.js";

const WORKERS = ["canon", "docs"];
const TOKEN = "ghp_accessToken00112233445566778899aa";
const ENV = { ...IDENTITY, GH_TOKEN: TOKEN, GITHUB_TOKEN: "" };

/** The fleet's access, and docs's own on top: what the forge must end up reporting. */
async function giveAccess(dir: string): Promise<void> {
  await setManifest(dir, ["access"], { teams: { platform: "push" }, users: { ana: "pull" } });
  await setManifest(dir, ["owners"], ["@chittyos/platform"]);
  await setManifest(dir, ["protect"], true);
  await setManifest(dir, ["workers", "docs", "access"], { teams: { sre: "maintain", platform: "admin" } });
}

const EXPECTED: Record<string, string[]> = {
  canon: ["team platform push", "user ana pull", "ruleset main matches"],
  docs: ["team platform admin", "team sre maintain", "user ana pull", "ruleset main matches"],
};

async function fleetAccess(dir: string, ...args: string[]): Promise<{ code: number; result: AccessResult; stderr: string }> {
  const run = await runFleet(["access", ...WORKERS, "--json", "--cwd", dir, ...args], ENV);
  if (run.code === 2) return { code: 2, result: undefined as never, stderr: run.stderr };
  return { code: run.code, result: JSON.parse(run.stdout) as AccessResult, stderr: run.stderr };
}

/** What the forge reports, per worker, in words. */
function reported(result: AccessResult): Record<string, string[]> {
  return Object.fromEntries(
    result.repositories.map((r) => [r.worker, r.rows.filter((row) => row.has !== null).map((row) => `${row.kind} ${row.who} ${row.has}`)]),
  );
}

type HandGrant = (repo: string, kind: "team" | "user", name: string, permission: string) => Promise<void>;

async function accessScenario(dir: string, byHand: HandGrant): Promise<void> {
  const before = await fleetAccess(dir);
  expect(before.code).toBe(1);
  expect(before.result.repositories.flatMap((r) => r.rows.map((row) => `${r.worker} ${row.kind} ${row.who} ${row.state}`))).toEqual([
    "canon team platform missing",
    "canon user ana missing",
    "canon ruleset main missing",
    "docs team platform missing",
    "docs team sre missing",
    "docs user ana missing",
    "docs ruleset main missing",
  ]);

  const applied = await fleetAccess(dir, "--apply");
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.result.repositories.flatMap((r) => r.rows.map((row) => row.action))).toEqual(Array(7).fill(expect.stringMatching(/granted|protected/)));
  const after = await fleetAccess(dir);
  expect(after.code).toBe(0);
  expect(reported(after.result)).toEqual(EXPECTED);

  // by hand: a user the manifest does not name, and a team at another level
  await byHand("chittyos-canon-worker", "user", "bo", "push");
  await byHand("chittyos-docs-worker", "team", "sre", "pull");
  const drifted = await fleetAccess(dir);
  expect(drifted.code).toBe(1);
  expect(drifted.result.repositories.flatMap((r) => r.rows.filter((row) => row.state !== "ok").map((row) => `${r.worker} ${row.kind} ${row.who} ${row.state} ${row.has}`))).toEqual([
    "canon user bo extra push",
    "docs team sre wrong-level pull",
  ]);
  // --apply puts the level right and keeps the extra grant: still exit 1
  const kept = await fleetAccess(dir, "--apply");
  expect(kept.code).toBe(1);
  expect(reported((await fleetAccess(dir)).result).canon).toContain("user bo push");
  const text = await runFleet(["access", ...WORKERS, "--cwd", dir], ENV);
  expect(text.code).toBe(1);
  expect(text.stdout).toMatch(/canon +chittyos-canon-worker +user bo +- +push +extra/);
  // --prune revokes it
  const pruned = await fleetAccess(dir, "--apply", "--prune");
  expect(pruned.code).toBe(0);
  expect(pruned.result.repositories[0]!.rows.find((row) => row.who === "bo")).toMatchObject({ state: "extra", action: "revoked" });
  const clean = await fleetAccess(dir);
  expect(clean.code).toBe(0);
  expect(reported(clean.result)).toEqual(EXPECTED);
}

describe("fleet access on the local forge", () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await tempDir("fleet-access-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 20 });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    expect((await runFleet(["create", ...WORKERS, "--cwd", dir], ENV)).code).toBe(0);
    await giveAccess(dir);
  }, 120_000);

  it("applies the manifest's grants, reports hand-made ones, and revokes them only with --prune", async () => {
    const forge = new LocalForge(dir, "chittyos");
    await accessScenario(dir, (repo, kind, name, permission) => forge.grant(repo, { kind, name, permission: permission as "pull" }));
  }, 120_000);

  it("fleet create applies the same access to a new repository, with CODEOWNERS in its scaffold", async () => {
    const created = await runFleet(["create", "registry", "--json", "--cwd", dir], ENV);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).repositories[0].changes).toEqual(
      expect.arrayContaining(["grant team platform push", "grant user ana pull", "protect main with fleet's ruleset"]),
    );
    const checked = await runFleet(["access", "registry", "--json", "--cwd", dir], ENV);
    expect(checked.code).toBe(0);
    const url = (await new LocalForge(dir, "chittyos").get("chittyos-registry-worker"))!.url;
    expect(await gitText(["show", "main:.github/CODEOWNERS"], { cwd: url })).toContain("* @chittyos/platform");
    // a second create changes nothing
    const again = await runFleet(["create", "registry", "--json", "--cwd", dir], ENV);
    expect(JSON.parse(again.stdout).repositories[0].status).toBe("up-to-date");
  }, 120_000);

  it("--prune without --apply is refused", async () => {
    const run = await runFleet(["access", "--prune", "--cwd", dir], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--prune only goes with --apply");
  });
});

describe("fleet access on the GitHub stand-in", () => {
  let dir: string;
  let github: GitHubStandIn;
  beforeAll(async () => {
    const root = await tempDir("fleet-access-gh-");
    github = await new GitHubStandIn("chittyos", TOKEN, join(root, "github")).start();
    dir = join(root, "monorepo");
    await monorepoOnGitHub(dir, github, 20);
    const created = await runFleet(["create", ...WORKERS, "--cwd", dir], ENV);
    expect(created.code, created.stderr).toBe(0);
    await giveAccess(dir);
  }, 180_000);
  afterAll(async () => {
    await github.stop();
    expect(github.violations, "requests GitHub's OpenAPI description does not allow").toEqual([]);
  });

  it("an apply stopped half-way, run again, makes only the writes still missing", async () => {
    const writes = () => github.requests.filter((r) => r.operationId && r.method !== "GET" && r.status < 300).map((r) => `${r.method} ${r.path}`);
    const before = writes().length;
    github.faults.push({ match: /^PUT \/repos\/chittyos\/chittyos-docs-worker\/collaborators\/ana$/, status: 403, message: "Must have admin rights to Repository." });
    const stopped = await runFleet(["access", ...WORKERS, "--apply", "--cwd", dir], ENV);
    expect(stopped.code).toBe(2);
    // the time GitHub's pace needs is said up front: seven writes, a second apart
    expect(stopped.stderr).toContain("applying 7 access changes in the GitHub organisation chittyos, about 6 s at its write limits");
    expect(stopped.stderr).toMatch(/cannot give user ana pull on chittyos-docs-worker \(HTTP 403[\s\S]*Administration repository permission/);
    const first = writes().slice(before);
    expect(first).toHaveLength(5); // canon's three, docs's two teams
    const resumed = await runFleet(["access", ...WORKERS, "--apply", "--json", "--cwd", dir], ENV);
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = writes().slice(before + first.length);
    expect(second).toEqual(["PUT /repos/chittyos/chittyos-docs-worker/collaborators/ana", "POST /repos/chittyos/chittyos-docs-worker/rulesets"]);
    expect(new Set([...first, ...second]).size).toBe(7);
    // and the same once more: nothing to write
    expect((await runFleet(["access", ...WORKERS, "--apply", "--cwd", dir], ENV)).code).toBe(0);
    expect(writes().length).toBe(before + 7);
  }, 180_000);

  it("reports what GitHub grants: the manifest's after apply, hand-made grants until --prune", async () => {
    // start again from nothing granted
    for (const repo of github.repos.values()) {
      repo.access.teams.clear();
      repo.access.rulesets.clear();
      for (const login of [...repo.access.collaborators.keys()]) if (login !== github.people.self) repo.access.collaborators.delete(login);
    }
    await accessScenario(dir, async (repo, kind, name, permission) => {
      const access = github.repos.get(repo)!.access;
      if (kind === "team") access.teams.set(name, permission);
      else access.collaborators.set(name, ({ pull: "read", push: "write" } as const)[permission as "pull"]);
    });
  }, 180_000);
});
