// The GitHub forge against a stand-in of GitHub that checks every request against GitHub's own
// OpenAPI description and serves git through the real git http-backend.
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GitHubForge, type GitHubForgeOptions } from "../../src/forge/github.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { forgeContract } from "./contract.js";
import { GitHubStandIn } from "./github-stand-in.js";
import { checkResponse } from "./openapi-check.js";

const TOKEN = "ghp_fleetTestToken0123456789abcdefABCDEF";
const started: GitHubStandIn[] = [];

async function standIn(): Promise<GitHubStandIn> {
  const s = await new GitHubStandIn("acme", TOKEN, await tempDir("fleet-gh-")).start();
  started.push(s);
  return s;
}

async function forgeOn(s: GitHubStandIn, token = TOKEN, extra: Partial<GitHubForgeOptions> = {}): Promise<GitHubForge> {
  return new GitHubForge({ org: "acme", token, apiUrl: s.apiUrl, gitUrl: s.gitUrl, stateDir: await tempDir("fleet-gh-state-"), ...extra });
}

describe("the GitHub forge", () => {
  afterEach(() => {
    for (const s of started) expect(s.violations, "requests GitHub's OpenAPI description does not allow").toEqual([]);
  });
  afterAll(() => Promise.all(started.map((s) => s.stop())));

  forgeContract("github", async () => forgeOn(await standIn()), {
    async loosenRuleset(repo) {
      for (const ruleset of started.at(-1)!.repos.get(repo)!.access.rulesets.values()) ruleset.rules[0].parameters.require_code_owner_review = false;
    },
  });

  it("seals secrets with the repository's key; writes go one at a time, at least a second apart", async () => {
    const s = await standIn();
    const forge = await forgeOn(s);
    await forge.create({ name: "acme-k-worker", description: "K", topics: ["acme"] });
    await forge.setSecret("acme-k-worker", "API_TOKEN", "sealed-value-1");
    expect(s.openSecret("acme-k-worker", "API_TOKEN")).toBe("sealed-value-1");
    const writes = s.requests.filter((r) => r.method !== "GET" && r.operationId);
    expect(writes.map((w) => w.operationId)).toEqual(["repos/create-in-org", "repos/replace-all-topics", "actions/create-or-update-repo-secret"]);
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.at - writes[i - 1]!.at).toBeGreaterThanOrEqual(950);
  });

  it("a request the description does not allow fails the check (a misspelt field)", async () => {
    const s = await standIn();
    const response = await fetch(`${s.apiUrl}/orgs/acme/repos`, { method: "POST", headers: { authorization: `token ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ nmae: "acme-typo-worker" }) });
    expect(response.status).toBe(400);
    expect(s.violations.join("\n")).toMatch(/body of repos\/create-in-org: .*must have required property 'name'/);
    const unknown = await fetch(`${s.apiUrl}/orgs/acme/repositories`, { headers: { authorization: `token ${TOKEN}` } });
    expect(unknown.status).toBe(400);
    expect(s.violations.join("\n")).toContain("GET /orgs/acme/repositories is not an operation of GitHub's REST API");
    // and the stand-in's own answers are held to the description too
    expect(checkResponse("repos/get", 200, { name: 42 }).join("\n")).toMatch(/must have required property 'full_name'/);
    s.violations.length = 0; // seen: this test is about the check itself
  });

  it("pushes and clones over HTTPS with the token only in git's environment; without it, a clear refusal", async () => {
    const s = await standIn();
    const forge = await forgeOn(s);
    const repo = await forge.create({ name: "acme-g-worker", description: "G", topics: [] });
    expect(repo.url).toBe(`${s.gitUrl}/acme/acme-g-worker.git`);
    const work = await tempDir("fleet-gh-work-");
    await git(["init", "-q", "--initial-branch=main", work], { cwd: work });
    await git(["commit", "-q", "--allow-empty", "-m", "first"], { cwd: work, env: IDENTITY });
    await git(["push", "-q", repo.url, "main"], { cwd: work, env: forge.gitEnv() });
    const clone = join(await tempDir("fleet-gh-clone-"), "c");
    await git(["clone", "-q", repo.url, clone], { cwd: work, env: forge.gitEnv() });
    expect(await gitText(["log", "--format=%s"], { cwd: clone })).toBe("first");
    expect(await gitText(["config", "--get-regexp", "."], { cwd: clone })).not.toContain(TOKEN.slice(4));

    const refused = await git(["push", repo.url, "main"], { cwd: work, env: { GIT_TERMINAL_PROMPT: "0" }, okCodes: [128] });
    expect(refused.code).toBe(128);
    expect(refused.stderr).toMatch(/could not read Username|Authentication failed/);
    const wrong = await git(["ls-remote", repo.url], { cwd: work, env: (await forgeOn(s, "ghp_wrong")).gitEnv(), okCodes: [128] });
    expect(wrong.code).toBe(128);
    expect(wrong.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it("honours GitHub's secondary rate limit (retry-after) and retries a server error", async () => {
    const s = await standIn();
    const forge = await forgeOn(s);
    s.faults.push({ match: /^POST \/orgs\/acme\/repos$/, status: 403, headers: { "retry-after": "1" }, message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." });
    s.faults.push({ match: /^GET \/orgs\/acme\/repos$/, status: 502 });
    await forge.create({ name: "acme-r-worker", description: "R", topics: [] });
    const creates = s.requests.filter((r) => r.method === "POST" && r.path === "/orgs/acme/repos");
    expect(creates.map((r) => r.status)).toEqual([403, 201]);
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(950); // waited as retry-after said
    expect((await forge.list()).map((r) => r.name)).toEqual(["acme-r-worker"]);
    expect(s.requests.filter((r) => r.path.startsWith("/orgs/acme/repos?")).map((r) => r.status)).toEqual([502, 200]);
  });

  it("an invitation not yet accepted counts as granted; the token's own access is not reported; refusals name the permission", async () => {
    const s = await standIn();
    const forge = await forgeOn(s);
    await forge.create({ name: "acme-i-worker", description: "I", topics: [] });
    expect(s.repos.get("acme-i-worker")!.access.collaborators.get("fleet-bot")).toBe("admin");
    await forge.grant("acme-i-worker", { kind: "user", name: "outside-dan", permission: "push" });
    await forge.grant("acme-i-worker", { kind: "user", name: "bo", permission: "pull" });
    expect(await forge.grants("acme-i-worker")).toEqual([
      { kind: "user", name: "bo", permission: "pull" },
      { kind: "user", name: "outside-dan", permission: "push", pending: true },
    ]);
    await expect(forge.grant("acme-i-worker", { kind: "team", name: "ghosts", permission: "pull" })).rejects.toThrow(
      expect.objectContaining({ name: "UserError", hint: expect.stringContaining("Members organisation permission (read)") }),
    );
    s.faults.push({ match: /^POST \/repos\/acme\/acme-i-worker\/rulesets$/, status: 403, message: "Resource not accessible by personal access token" });
    await expect(forge.protectMain("acme-i-worker")).rejects.toThrow(
      expect.objectContaining({ message: expect.stringMatching(/cannot protect main of acme-i-worker \(HTTP 403/), hint: expect.stringContaining("Administration repository permission (read and write)") }),
    );
  });

  it("paces writes under the write limits it is given, and says how long the rest will take", async () => {
    const s = await standIn();
    const forge = await forgeOn(s, TOKEN, { writeLimits: [{ count: 2, windowMs: 4000 }] });
    await forge.create({ name: "acme-w-worker", description: "W", topics: [] });
    expect(forge.writeTime(1)).toBeGreaterThan(1500);
    await forge.grant("acme-w-worker", { kind: "team", name: "platform", permission: "push" });
    await forge.grant("acme-w-worker", { kind: "team", name: "sre", permission: "push" });
    const writes = s.requests.filter((r) => r.method !== "GET").map((r) => r.at);
    expect(writes).toHaveLength(4);
    // no three writes inside one 4-second window
    expect(writes[2]! - writes[0]!).toBeGreaterThanOrEqual(3950);
    expect(writes[3]! - writes[1]!).toBeGreaterThanOrEqual(3950);
  });

  it("a wrong token is a clear error naming what to set", async () => {
    const s = await standIn();
    const forge = await forgeOn(s, "ghp_wrong");
    await expect(forge.list()).rejects.toThrow(/GitHub refused the token/);
  });
});
