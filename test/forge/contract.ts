// The Forge contract: every forge (local today, GitHub next) must pass these.
import { expect, it } from "vitest";
import type { Forge, Grant } from "../../src/forge/forge.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";

const IDENTITY = { GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@acme.test", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@acme.test" };

/** What a person may change by hand on a forge, for the tests that need it. */
export interface ByHand {
  /** Turns off the code-owner review of fleet's ruleset on main (someone loosened it). */
  loosenRuleset(repo: string): Promise<void>;
}

const plain = (grants: Grant[]) => grants.map(({ kind, name, permission }) => ({ kind, name, permission }));

export function forgeContract(name: string, make: () => Promise<Forge>, byHand?: ByHand): void {
  it(`${name}: creates a repository with description and lowercased topics, once`, async () => {
    const forge = await make();
    const repo = await forge.create({ name: "acme-api-worker", description: "The API", topics: ["Acme", "worker", "api", "worker"] });
    expect(repo).toMatchObject({ name: "acme-api-worker", description: "The API", topics: ["acme", "api", "worker"], defaultBranch: "main", managedByFleet: true, environments: [], secrets: [] });
    await expect(forge.create({ name: "acme-api-worker", description: "again", topics: [] })).rejects.toThrow(/already exists/);
    expect(await forge.get("acme-missing-worker")).toBeUndefined();
  });

  it(`${name}: updates description and topics, lists by topic`, async () => {
    const forge = await make();
    await forge.create({ name: "acme-a-worker", description: "A", topics: ["acme", "a"] });
    await forge.create({ name: "acme-b-worker", description: "B", topics: ["acme", "b"] });
    await forge.update("acme-a-worker", { description: "A!", topics: ["acme", "a", "edge"] });
    expect((await forge.get("acme-a-worker"))!.description).toBe("A!");
    expect((await forge.list({ topic: "edge" })).map((r) => r.name)).toEqual(["acme-a-worker"]);
    expect((await forge.list()).map((r) => r.name)).toEqual(["acme-a-worker", "acme-b-worker"]);
  });

  it(`${name}: environments are added once; secrets are kept as names and fingerprints, never values`, async () => {
    const forge = await make();
    await forge.create({ name: "acme-s-worker", description: "S", topics: [] });
    await forge.ensureEnvironment("acme-s-worker", "staging");
    await forge.ensureEnvironment("acme-s-worker", "production");
    await forge.ensureEnvironment("acme-s-worker", "staging");
    await forge.setSecret("acme-s-worker", "API_TOKEN", "s3cret-value");
    await forge.setSecret("acme-s-worker", "API_TOKEN", "s3cret-value-2");
    const repo = (await forge.get("acme-s-worker"))!;
    expect(repo.environments).toEqual(["production", "staging"]);
    expect(repo.secrets).toEqual([{ name: "API_TOKEN", fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(JSON.stringify(repo)).not.toContain("s3cret");
  });

  it(`${name}: reads where many repositories' main stands at once; an empty one has none, a missing one is left out`, async () => {
    const forge = await make();
    const pushed = await forge.create({ name: "acme-h-worker", description: "H", topics: [] });
    await forge.create({ name: "acme-e-worker", description: "E", topics: [] });
    const work = await tempDir("fleet-heads-");
    await git(["init", "-q", "-b", "main"], { cwd: work });
    await git(["commit", "-q", "--allow-empty", "-m", "first"], { cwd: work, env: IDENTITY });
    await git(["push", "-q", "--", pushed.url, "main"], { cwd: work, env: forge.gitEnv() });
    const heads = await forge.heads(["acme-h-worker", "acme-e-worker", "acme-missing-worker"]);
    expect([...heads.keys()].sort()).toEqual(["acme-e-worker", "acme-h-worker"]);
    expect(heads.get("acme-h-worker")).toEqual({ url: pushed.url, main: await gitText(["rev-parse", "main"], { cwd: work }) });
    expect(heads.get("acme-e-worker")!.main).toBeNull();
    // many names at once (GitHub then lists the organisation instead of asking one by one): the same answer
    const many = await forge.heads(["acme-h-worker", "acme-e-worker", ...["w", "x", "y", "z"].map((n) => `acme-${n}-missing-worker`)]);
    expect(many).toEqual(heads);
  });

  it(`${name}: grants teams and users a permission, changes and revokes it; reads them back sorted`, async () => {
    const forge = await make();
    await forge.create({ name: "acme-p-worker", description: "P", topics: [] });
    expect(await forge.grants("acme-p-worker")).toEqual([]);
    await forge.grant("acme-p-worker", { kind: "user", name: "outside-carol", permission: "triage" });
    await forge.grant("acme-p-worker", { kind: "team", name: "platform", permission: "push" });
    await forge.grant("acme-p-worker", { kind: "user", name: "ana", permission: "pull" });
    await forge.grant("acme-p-worker", { kind: "team", name: "sre", permission: "maintain" });
    expect(plain(await forge.grants("acme-p-worker"))).toEqual([
      { kind: "team", name: "platform", permission: "push" },
      { kind: "team", name: "sre", permission: "maintain" },
      { kind: "user", name: "ana", permission: "pull" },
      { kind: "user", name: "outside-carol", permission: "triage" },
    ]);
    await forge.grant("acme-p-worker", { kind: "team", name: "platform", permission: "admin" });
    await forge.grant("acme-p-worker", { kind: "user", name: "outside-carol", permission: "push" });
    await forge.revoke("acme-p-worker", { kind: "team", name: "sre" });
    await forge.revoke("acme-p-worker", { kind: "user", name: "ana" });
    expect(plain(await forge.grants("acme-p-worker"))).toEqual([
      { kind: "team", name: "platform", permission: "admin" },
      { kind: "user", name: "outside-carol", permission: "push" },
    ]);
    await forge.revoke("acme-p-worker", { kind: "user", name: "outside-carol" });
    expect(plain(await forge.grants("acme-p-worker"))).toEqual([{ kind: "team", name: "platform", permission: "admin" }]);
  });

  it(`${name}: protects main with fleet's ruleset once, and puts it back when it was changed`, async () => {
    const forge = await make();
    await forge.create({ name: "acme-r-worker", description: "R", topics: [] });
    expect(await forge.mainRuleset("acme-r-worker")).toBe("missing");
    await forge.protectMain("acme-r-worker");
    expect(await forge.mainRuleset("acme-r-worker")).toBe("matches");
    if (byHand) {
      await byHand.loosenRuleset("acme-r-worker");
      expect(await forge.mainRuleset("acme-r-worker")).toBe("differs");
    }
    await forge.protectMain("acme-r-worker");
    expect(await forge.mainRuleset("acme-r-worker")).toBe("matches");
  });
}
