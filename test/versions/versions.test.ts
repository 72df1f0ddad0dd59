// fleet versions on the example: a worker with no tag is unreleased at package.json's version; a
// release (what release-please's merge leaves: package.json at 1.1.0, `chore(main): release
// 1.1.0`, a tag v1.1.0) shows with its date and the commits after it; tags are ordered as semver;
// the same over the GitHub stand-in's git. (Deployed, and in the registry: test/slow/versions-deploy.)
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { releaseTags } from "../../src/versions/releases.js";
import { setManifest } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { commitAfter, exampleWithRepositories, ok, release, RELEASE_DATE, TEAM, versionsOf } from "./fixture.js";

const RELEASED = "registry";
const UNRELEASED = "docs";

describe("release tags", () => {
  it("are vX.Y.Z tags in semver order, pre-releases before their release, annotated ones peeled", () => {
    const listing = [
      "a1\trefs/tags/v1.10.0-rc.1",
      "a2\trefs/tags/v1.9.0",
      "a3\trefs/tags/v1.10.0-rc.2",
      "c3\trefs/tags/v1.10.0-rc.2^{}",
      "a4\trefs/tags/v1.10.0-rc.10",
      "a5\trefs/tags/v1.10.0",
      "a6\trefs/tags/v1.10.0-alpha",
      "a7\trefs/tags/release-2",
      "a8\trefs/tags/v1.2",
      "a9\trefs/tags/v01.2.3",
      "b1\trefs/tags/v2.0.0-rc.01",
      "b2\trefs/tags/v0.9.0+build.5",
    ].join("\n");
    const tags = releaseTags(listing);
    expect(tags.map((t) => t.tag)).toEqual(["v1.10.0", "v1.10.0-rc.10", "v1.10.0-rc.2", "v1.10.0-rc.1", "v1.10.0-alpha", "v1.9.0", "v0.9.0+build.5"]);
    expect(tags.find((t) => t.tag === "v1.10.0-rc.2")).toMatchObject({ object: "a3", commit: "c3", version: "1.10.0-rc.2" });
    expect(tags.at(-1)).toMatchObject({ version: "0.9.0", commit: "b2" });
  });
});

describe("fleet versions", () => {
  let dir: string;
  let clone: string;
  let forge: string;
  beforeAll(async () => {
    ({ dir, clone, forge } = await exampleWithRepositories([RELEASED, UNRELEASED]));
  }, 60_000);

  it("a worker with no tag is unreleased, at package.json's version, every commit of main unreleased", async () => {
    const bare = join(forge, `chittyos-${UNRELEASED}-worker.git`);
    const main = await gitText(["rev-parse", "refs/heads/main"], { cwd: bare });
    const commits = Number(await gitText(["rev-list", "--count", "refs/heads/main"], { cwd: bare }));
    expect(commits).toBeGreaterThan(1);
    expect(await versionsOf(dir, [UNRELEASED])).toEqual([
      {
        id: UNRELEASED,
        repository: `chittyos-${UNRELEASED}-worker`,
        state: "unreleased",
        version: "1.0.0",
        tag: null,
        commit: null,
        date: null,
        commitsSince: commits,
        main,
        prerelease: null,
        live: { state: "not-deployed" },
      },
    ]);
    expect(await ok(dir, ["versions", UNRELEASED])).toMatch(new RegExp(`${UNRELEASED}\\s+unreleased \\(1\\.0\\.0\\)\\s+${commits}\\s+not deployed`));
  });

  it("a release shows with its tag's date and the commits on main after it", async () => {
    const tagged = await release(clone, "1.1.0");
    const [released] = await versionsOf(dir, [RELEASED]);
    expect(released).toMatchObject({ state: "released", version: "1.1.0", tag: "v1.1.0", commit: tagged, date: RELEASE_DATE, commitsSince: 0, main: tagged });
    expect(released!.live).toEqual({ state: "not-deployed" });
    // fetched into the monorepo, where fleet keeps what it read
    expect(await gitText(["rev-parse", `refs/fleet/versions/${RELEASED}/release`, `refs/fleet/versions/${RELEASED}/main`], { cwd: dir })).toBe(
      `${tagged}\n${tagged}`,
    );

    const after = await commitAfter(clone, "NOTES.md", "fix: say who is on call");
    const [waiting] = await versionsOf(dir, [RELEASED]);
    expect(waiting).toMatchObject({ version: "1.1.0", commit: tagged, commitsSince: 1, main: after });
    const table = await ok(dir, ["versions"]);
    expect(table).toMatch(new RegExp(`${RELEASED}\\s+1\\.1\\.0\\s+2026-03-02\\s+1\\s+not deployed`));
    expect(table).toMatch(new RegExp(`${UNRELEASED}\\s+unreleased`));
    // every worker of the manifest that is not external, the ones without a repository said so
    expect(table).toMatch(/canon\s+no repository/);
    expect(table).not.toMatch(/^auth\s/m);
  });

  it("takes the newest release by semver; a pre-release newer than it is named beside it, never taken for it", async () => {
    await git(["tag", "v1.10.0-rc.1"], { cwd: clone });
    await git(["tag", "v1.9.0", "HEAD~1"], { cwd: clone });
    await git(["tag", "-a", "v1.10.0-rc.2", "-m", "rc"], { cwd: clone, env: TEAM });
    await git(["tag", "release-2"], { cwd: clone });
    await git(["push", "-q", "origin", "--tags"], { cwd: clone });
    const [worker] = await versionsOf(dir, [RELEASED]);
    expect(worker).toMatchObject({ version: "1.9.0", tag: "v1.9.0", prerelease: "v1.10.0-rc.2", commitsSince: 1 });
    expect(await ok(dir, ["versions", RELEASED])).toContain("1.9.0 (next v1.10.0-rc.2)");
    await git(["push", "-q", "origin", "--delete", "v1.9.0", "v1.10.0-rc.1", "v1.10.0-rc.2", "release-2"], { cwd: clone });
    expect((await versionsOf(dir, [RELEASED]))[0]).toMatchObject({ version: "1.1.0", prerelease: null });
  });

  it("refuses an external worker and an unknown one, changing nothing", async () => {
    const external = await runFleet(["versions", "auth", "--cwd", dir]);
    expect(external.code).toBe(2);
    expect(external.stderr).toContain("auth is external");
    const unknown = await runFleet(["versions", "nope", "--cwd", dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown worker: nope");
  });
});

describe("fleet versions on the GitHub stand-in", () => {
  const TOKEN = "ghp_versionsToken0011223344556677889900";
  const ENV = { ...TEAM, GH_TOKEN: TOKEN, GITHUB_TOKEN: "" };
  let github: GitHubStandIn;
  let root: string;
  beforeAll(async () => {
    root = await tempDir("fleet-versions-gh-");
    github = await new GitHubStandIn("chittyos", TOKEN, join(root, "github")).start();
  });
  afterAll(async () => {
    await github.stop();
    expect(github.violations, "requests GitHub's OpenAPI description does not allow").toEqual([]);
  });

  it("reads the tags and main over git's HTTP with the token", async () => {
    const dir = join(root, "mono");
    await generateExample(dir, { layout: "router", commits: 4 });
    await ok(dir, ["init"]);
    await setManifest(dir, ["providers", "forge"], "github");
    await setManifest(dir, ["providers", "github"], { apiUrl: github.apiUrl, gitUrl: github.gitUrl });
    for (const args of [
      ["create", UNRELEASED],
      ["sync", UNRELEASED],
    ])
      await ok(dir, args, ENV);
    // the release, pushed straight into the stand-in's repository
    const clone = join(root, "clone");
    await git(["clone", "-q", join(root, "github", "chittyos", `chittyos-${UNRELEASED}-worker.git`), clone], { cwd: root });
    const tagged = await release(clone, "2.0.0");
    const [docs] = await versionsOf(dir, [UNRELEASED], ENV);
    expect(docs).toMatchObject({ state: "released", version: "2.0.0", tag: "v2.0.0", commit: tagged, date: RELEASE_DATE, commitsSince: 0 });
  }, 30_000);
});
