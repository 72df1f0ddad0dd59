// A worker repository's version on the example, from creation to a release: its CHANGELOG lists
// its own split history, and a release as release-please makes it (CHANGELOG.md, package.json, its
// manifest, a tag v1.1.0) is no drift for fleet update, status or create, and is the version
// /health answers once deployed (the generated entry types none: 1.1.0 can only come from package.json).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { parseConventional } from "../../src/scaffold/changelog.js";
import { cloneWorker, IDENTITY } from "../repos/extracted.fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const ID = "registry";
const REPO = `chittyos-${ID}-worker`;

async function fleet(dir: string, ...args: string[]) {
  const run = await runFleet([...args, "--cwd", dir], IDENTITY);
  expect(run.code, `fleet ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run;
}

const health = async (dir: string) =>
  ((await requestOnce(LocalCloudStore.at(dir), `https://${REPO}.workers.dev/health`)) as { status: number; body: Record<string, unknown> }).body;

const scaffoldState = async (dir: string) =>
  (JSON.parse((await fleet(dir, "status", ID, "--json")).stdout) as { workers: { scaffold: { state: string; files: string[] } }[] }).workers[0]!.scaffold;

describe("a worker repository's version, on the router example", () => {
  let dir: string;
  let forgeRepo: string;
  beforeAll(async () => {
    dir = join(await tempDir("fleet-versions-"), "mono");
    await generateExample(dir, { layout: "router", commits: 150 });
    await fleet(dir, "init");
    await fleet(dir, "create", ID);
    forgeRepo = join(dir, ".fleet", "forge", "chittyos", `${REPO}.git`);
  }, 120_000);

  it("CHANGELOG.md lists the worker's own history, grouped by conventional type; release-please starts after it", async () => {
    const changelog = await gitText(["show", "main:CHANGELOG.md"], { cwd: forgeRepo });
    const today = new Date().toISOString().slice(0, 10);
    expect(changelog).toMatch(new RegExp(`^# Changelog\\n\\n## \\[1\\.0\\.0\\] - ${today}\\n`));
    const split = `refs/fleet/split/${ID}`;
    const commits = (await gitText(["log", "--no-merges", "--format=%H %s", split], { cwd: dir })).split("\n");
    expect(commits.length).toBeGreaterThan(3);
    for (const line of commits) {
      const [hash, ...subject] = line.split(" ");
      const cc = parseConventional({ subject: subject.join(" "), body: "" });
      expect(changelog, line).toContain(`${cc ? cc.subject : subject.join(" ")} ([${hash!.slice(0, 7)}](https://github.com/chittyos/${REPO}/commit/${hash}))`);
    }
    // the example writes conventional commits: grouped under release-please's headings
    expect(changelog).toMatch(/^### (Features|Bug Fixes|Code Refactoring|Tests)$/m);
    expect(changelog).not.toMatch(/^### \d{4}-/m);
    const entries = changelog.split("\n").filter((l) => l.startsWith("* "));
    expect(entries).toHaveLength(commits.length);
    // none of the monorepo's commits that are not the worker's
    const all = Number(await gitText(["rev-list", "--count", "--no-merges", "HEAD"], { cwd: dir }));
    expect(entries.length).toBeLessThan(all);
    const config = JSON.parse(await gitText(["show", "main:release-please-config.json"], { cwd: forgeRepo }));
    expect(config["bootstrap-sha"]).toBe(await gitText(["rev-parse", split], { cwd: dir }));
    expect(JSON.parse(await gitText(["show", "main:.release-please-manifest.json"], { cwd: forgeRepo }))).toEqual({ ".": "1.0.0" });
  });

  it("a release (CHANGELOG.md, package.json, its manifest, tag v1.1.0) is no drift for update, status or create, and /health answers it once deployed", async () => {
    await fleet(dir, "sync", ID);
    const clone = await cloneWorker(dir, REPO);
    const changelog = await readFile(join(clone, "CHANGELOG.md"), "utf8");
    const released = changelog.replace("# Changelog\n", "# Changelog\n\n## [1.1.0](https://github.com/chittyos/x/compare/v1.0.0...v1.1.0) (2026-12-01)\n\n### Bug Fixes\n\n* a fix\n");
    await writeFile(join(clone, "CHANGELOG.md"), released);
    const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
    await writeFile(join(clone, "package.json"), `${JSON.stringify({ ...pkg, version: "1.1.0" }, null, 2)}\n`);
    await writeFile(join(clone, ".release-please-manifest.json"), `${JSON.stringify({ ".": "1.1.0" }, null, 2)}\n`);
    await git(["commit", "-qam", "chore(main): release 1.1.0"], { cwd: clone, env: IDENTITY });
    await git(["tag", "v1.1.0"], { cwd: clone });
    await git(["push", "-q", "origin", "main", "v1.1.0"], { cwd: clone });

    const update = JSON.parse((await fleet(dir, "update", ID, "--dry-run", "--json")).stdout) as { repositories: { status: string; files: string[] }[] };
    expect(update.repositories[0]).toMatchObject({ status: "up-to-date", files: [] });
    expect(await scaffoldState(dir)).toEqual({ state: "current", files: [] });
    const create = await fleet(dir, "create", ID);
    expect(create.stderr).not.toContain("edited since fleet generated them");

    await fleet(dir, "deploy", ID);
    expect(await health(dir)).toMatchObject({ status: "ok", service: ID, version: "1.1.0" });
  }, 120_000);
});
