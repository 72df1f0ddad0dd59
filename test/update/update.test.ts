// fleet update on the example, as a team lives it: the repositories are created and synced, a team
// edits its copy (README, its own workflow step) and pushes, the manifest changes the
// compatibility date; every repository gets the new date on fleet/update, the edited one keeps
// both edits, a second run changes nothing, and an edit of the same line conflicts.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { monorepoOnGitHub, setManifest } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const TEAM = { GIT_AUTHOR_NAME: "Team", GIT_AUTHOR_EMAIL: "team@chitty.cc", GIT_COMMITTER_NAME: "Team", GIT_COMMITTER_EMAIL: "team@chitty.cc" };
const NEW_DATE = "2026-11-01";

interface Result {
  id: string;
  status: string;
  files: string[];
  conflicts: string[];
  diff?: string;
}

async function fleet(dir: string, ...args: string[]): Promise<{ code: number; results: Result[]; stderr: string }> {
  const run = await runFleet([...args, "--json", "--cwd", dir]);
  if (run.code > 1) throw new Error(run.stderr);
  return { code: run.code, results: (JSON.parse(run.stdout) as { repositories: Result[] }).repositories, stderr: run.stderr };
}

/** A clone of a worker repository, edited and pushed by its team. */
async function teamEdits(forgeRepo: string, edit: (clone: string) => Promise<void>): Promise<string> {
  const clone = join(await tempDir("fleet-team-"), "clone");
  await git(["clone", "-q", forgeRepo, clone], { cwd: process.cwd() });
  await edit(clone);
  await git(["commit", "-qam", "team: our own changes"], { cwd: clone, env: TEAM });
  await git(["push", "-q", "origin", "main"], { cwd: clone });
  return clone;
}

/** The template column of `fleet status` for one worker. */
async function scaffoldOf(dir: string, id: string): Promise<{ state: string; files: string[] }> {
  const run = await runFleet(["status", id, "--json", "--cwd", dir]);
  const worker = (JSON.parse(run.stdout) as { workers: { id: string; scaffold: { state: string; files: string[] }; next: { command: string } | null }[] }).workers[0]!;
  return worker.scaffold;
}

async function showAt(repo: string, rev: string, path: string): Promise<string> {
  return gitText(["show", `${rev}:${path}`], { cwd: repo });
}

describe("fleet update", () => {
  let dir: string;
  let forge: string;
  beforeAll(async () => {
    dir = join(await tempDir("fleet-update-"), "mono");
    await generateExample(dir, { layout: "router", commits: 40 });
    for (const args of [["init"], ["create", "--all"], ["sync", "--all"]]) {
      const run = await runFleet([...args, "--cwd", dir]);
      if (run.code !== 0) throw new Error(`fleet ${args.join(" ")}: ${run.stderr}`);
    }
    forge = join(dir, ".fleet", "forge", "chittyos");
  });

  it("with nothing changed, has nothing to do", async () => {
    const { code, results } = await fleet(dir, "update", "--all");
    expect(code).toBe(0);
    expect(results.length).toBeGreaterThan(30);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(["up-to-date"]));
  });

  it("brings a new compatibility date to every repository on fleet/update, keeps a team's edits, then says there is nothing more", async () => {
    const notary = join(forge, "chittyos-notary-worker.git");
    await teamEdits(notary, async (clone) => {
      await writeFile(join(clone, "README.md"), `${await readFile(join(clone, "README.md"), "utf8")}\nOn call: the notary team.\n`);
      const workflow = join(clone, ".github/workflows/deploy.yml");
      const text = await readFile(workflow, "utf8");
      expect(text).toContain("      - run: npm test\n");
      await writeFile(workflow, text.replace("      - run: npm test\n", "      - run: npm test\n      - run: npm run lint --if-present\n"));
    });
    const mainBefore = await gitText(["rev-parse", "main"], { cwd: notary });
    await setManifest(dir, ["compatibilityDate"], NEW_DATE);

    const dry = await fleet(dir, "update", "notary", "--dry-run");
    expect(dry.results[0]).toMatchObject({ status: "would-update", files: ["wrangler.jsonc"] });
    expect(dry.results[0]!.diff).toContain(`+  "compatibility_date": "${NEW_DATE}"`);
    expect((await git(["rev-parse", "-q", "--verify", "refs/heads/fleet/update"], { cwd: notary, okCodes: [1] })).code).toBe(1);

    const first = await fleet(dir, "update", "--all");
    expect(first.code).toBe(0);
    const routed = first.results.filter((r) => r.status !== "up-to-date");
    expect(routed.length).toBeGreaterThan(30);
    for (const r of routed) expect(r).toMatchObject({ status: "proposed", files: ["wrangler.jsonc"], conflicts: [] });
    for (const r of routed) {
      const repo = join(forge, `chittyos-${r.id}-worker.git`);
      expect(await showAt(repo, "fleet/update", "wrangler.jsonc")).toContain(`"compatibility_date": "${NEW_DATE}"`);
    }
    // main is never touched; the edited repository keeps both of its team's edits on the branch
    expect(await gitText(["rev-parse", "main"], { cwd: notary })).toBe(mainBefore);
    expect(await showAt(notary, "fleet/update", "README.md")).toContain("On call: the notary team.");
    expect(await showAt(notary, "fleet/update", ".github/workflows/deploy.yml")).toContain("npm run lint --if-present");
    expect(await gitText(["log", "-1", "--format=%P", "fleet/update"], { cwd: notary })).toMatch(new RegExp(`^${mainBefore} [0-9a-f]{40}$`));

    const second = await fleet(dir, "update", "--all");
    expect(second.code).toBe(0);
    expect(second.results.filter((r) => r.status === "proposed-already").map((r) => r.id)).toEqual(routed.map((r) => r.id));
    expect(second.results.every((r) => r.status === "proposed-already" || r.status === "up-to-date")).toBe(true);
    const said = await runFleet(["update", "--all", "--cwd", dir]);
    expect(said.stderr).toContain("nothing to do");
  });

  it("marks and names a line both sides changed, exit 1; once the branch is merged, the next update is based on it", async () => {
    const score = join(forge, "chittyos-score-worker.git");
    await teamEdits(score, async (clone) => {
      const config = join(clone, "wrangler.jsonc");
      await writeFile(config, (await readFile(config, "utf8")).replace(/"compatibility_date": "[^"]+"/, '"compatibility_date": "2026-01-15"'));
    });
    await setManifest(dir, ["compatibilityDate"], "2026-11-15");
    const conflicted = await fleet(dir, "update", "score");
    expect(conflicted.code).toBe(1);
    expect(conflicted.results[0]).toMatchObject({ status: "conflicted", conflicts: ["wrangler.jsonc"] });
    expect(await scaffoldOf(dir, "score")).toEqual({ state: "behind", files: ["wrangler.jsonc"] });
    const marked = await showAt(score, "fleet/update", "wrangler.jsonc");
    expect(marked).toMatch(/<<<<<<< .*\n {2}"compatibility_date": "2026-01-15",\n=======\n {2}"compatibility_date": "2026-11-15",\n>>>>>>> /);

    // the team resolves it their way and merges the branch: the template's next change merges cleanly on top
    const clone = join(await tempDir("fleet-merge-"), "clone");
    await git(["clone", "-q", score, clone], { cwd: process.cwd() });
    await git(["merge", "-q", "--no-edit", "origin/fleet/update"], { cwd: clone, env: TEAM, okCodes: [1] });
    const config = join(clone, "wrangler.jsonc");
    await writeFile(config, (await readFile(config, "utf8")).replace(/<<<<<<< [^\n]*\n[^\n]*\n=======\n([^\n]*\n)>>>>>>> [^\n]*\n/, "$1"));
    await git(["commit", "-qam", "Merge fleet/update"], { cwd: clone, env: TEAM });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const merged = await fleet(dir, "update", "score");
    expect(merged.results[0]).toMatchObject({ status: "up-to-date" });
    expect(await scaffoldOf(dir, "score")).toEqual({ state: "current", files: [] });

    await setManifest(dir, ["compatibilityDate"], "2026-12-01");
    const next = await fleet(dir, "update", "score");
    expect(next.code).toBe(0);
    expect(next.results[0]).toMatchObject({ status: "proposed", conflicts: [] });
    expect(await showAt(score, "fleet/update", "wrangler.jsonc")).toContain('"compatibility_date": "2026-12-01"');
  });

  it("refuses to replace a fleet/update someone committed to, and names the way forward", async () => {
    const notary = join(forge, "chittyos-notary-worker.git");
    const clone = join(await tempDir("fleet-branch-"), "clone");
    await git(["clone", "-q", "-b", "fleet/update", notary, clone], { cwd: process.cwd() });
    await writeFile(join(clone, "NOTES.md"), "ours\n");
    await git(["add", "NOTES.md"], { cwd: clone });
    await git(["commit", "-qm", "notes on the update"], { cwd: clone, env: TEAM });
    await git(["push", "-q", "origin", "fleet/update"], { cwd: clone });
    const tip = await gitText(["rev-parse", "fleet/update"], { cwd: notary });
    const run = await fleet(dir, "update", "notary");
    expect(run.code).toBe(1);
    expect(run.results[0]).toMatchObject({ status: "skipped" });
    expect(JSON.stringify(run.results[0])).toContain("commits fleet did not make");
    expect(await gitText(["rev-parse", "fleet/update"], { cwd: notary })).toBe(tip);
  });
});

describe("fleet update on the GitHub stand-in", () => {
  const TOKEN = "ghp_updateToken00112233445566778899aab";
  const ENV = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc", GH_TOKEN: TOKEN, GITHUB_TOKEN: "" };
  const WORKERS = ["canon", "docs"];
  let dir: string;
  let github: GitHubStandIn;
  beforeAll(async () => {
    const root = await tempDir("fleet-update-gh-");
    github = await new GitHubStandIn("chittyos", TOKEN, join(root, "github")).start();
    dir = join(root, "monorepo");
    await monorepoOnGitHub(dir, github, 20);
    for (const args of [["create", ...WORKERS], ["sync", ...WORKERS]]) {
      const run = await runFleet([...args, "--cwd", dir], ENV);
      expect(run.code, run.stderr).toBe(0);
    }
  }, 180_000);
  afterAll(async () => {
    await github.stop();
    expect(github.violations, "requests GitHub's OpenAPI description does not allow").toEqual([]);
  });

  it("opens a pull request of fleet/update per repository, and reuses the open one the next time", async () => {
    await setManifest(dir, ["compatibilityDate"], NEW_DATE);
    const run = async () => {
      const out = await runFleet(["update", ...WORKERS, "--json", "--cwd", dir], ENV);
      expect(out.code, out.stderr).toBe(0);
      return (JSON.parse(out.stdout) as { repositories: (Result & { pullRequest?: { number: number; reused: boolean } })[] }).repositories;
    };
    const first = await run();
    expect(first.map((r) => [r.status, r.pullRequest?.number, r.pullRequest?.reused])).toEqual([
      ["proposed", 1, false],
      ["proposed", 1, false],
    ]);
    for (const id of WORKERS) {
      const pulls = github.pulls.get(`chittyos-${id}-worker`)!;
      expect(pulls).toEqual([expect.objectContaining({ head: "fleet/update", base: "main", state: "open" })]);
      expect(pulls[0]!.body).toContain("wrangler.jsonc");
    }
    const second = await run();
    expect(second.map((r) => [r.status, r.pullRequest?.number, r.pullRequest?.reused])).toEqual([
      ["proposed-already", 1, true],
      ["proposed-already", 1, true],
    ]);
    expect(github.pulls.get("chittyos-canon-worker")).toHaveLength(1);
    const created = github.requests.filter((r) => r.operationId === "pulls/create");
    expect(created.map((r) => r.status)).toEqual([201, 201]);
  });
});
