import { rm } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { ScriptedRepo } from "../helpers/history.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const MANIFEST = JSON.stringify({
  org: "acme",
  repoName: "acme-{service}-worker",
  zone: "acme.dev",
  monorepo: { layout: "directories" },
  workers: {
    api: { domain: "api.acme.dev", source: { dir: "workers/api" } },
    web: { domain: "web.acme.dev", source: { dir: "workers/web" } },
  },
});

async function monorepo(): Promise<ScriptedRepo> {
  const repo = await ScriptedRepo.create();
  await repo.commit("chore: set up", { ".gitignore": ".fleet/\n", "fleet.jsonc": MANIFEST, "README.md": "mono\n" });
  await repo.commit("feat(api): start", { "workers/api/src/index.js": "export default {};\n", "workers/api/wrangler.toml": 'name = "api"\n' });
  await repo.commit("feat(web): start", { "workers/web/src/index.js": "export default {};\n" });
  for (const id of ["api", "web"]) await git(["init", "-q", "--bare", "-b", "main", join(repo.dir, ".fleet/forge/acme", `acme-${id}-worker.git`)], { cwd: repo.dir });
  return repo;
}

const workerRepo = (repo: ScriptedRepo, id: string) => join(repo.dir, ".fleet/forge/acme", `acme-${id}-worker.git`);
const tipOf = (repo: ScriptedRepo, id: string) => gitText(["rev-parse", "refs/heads/main"], { cwd: workerRepo(repo, id) });
const sync = (repo: ScriptedRepo, ...args: string[]) => runFleet(["sync", "--cwd", repo.dir, ...args], { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "t@acme.dev", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "t@acme.dev" });

describe("fleet sync", () => {
  let repo: ScriptedRepo;
  beforeEach(async () => {
    repo = await monorepo();
  });

  it("brings the worker's history into an empty repository, then does nothing the second time", async () => {
    const first = await sync(repo, "--all");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/api +merged/);
    const split = await gitText(["rev-parse", "refs/fleet/split/api"], { cwd: repo.dir });
    const tip = await tipOf(repo, "api");
    const body = await gitText(["log", "-1", "--format=%B", tip], { cwd: workerRepo(repo, "api") });
    expect(body).toContain(`Fleet-Split: ${split}`);
    expect(body).toMatch(/Fleet-Source: .+@[0-9a-f]{40}/);
    expect(await gitText(["log", "--format=%an %s", "main"], { cwd: workerRepo(repo, "api") })).toContain("Ada Lovelace feat(api): start");
    expect(await gitText(["ls-tree", "-r", "--name-only", "main"], { cwd: workerRepo(repo, "api") })).toBe("src/index.js\nwrangler.toml");

    const second = await sync(repo, "--all");
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("nothing to do");
    expect(await tipOf(repo, "api")).toBe(tip);
  });

  it("merges new monorepo commits on top of the repository's own files, subtree-style", async () => {
    await sync(repo, "--all");
    const clone = join(await tempDir(), "api-clone");
    await git(["clone", "-q", workerRepo(repo, "api"), clone], { cwd: repo.dir });
    const env = { GIT_AUTHOR_NAME: "W", GIT_AUTHOR_EMAIL: "w@acme.dev", GIT_COMMITTER_NAME: "W", GIT_COMMITTER_EMAIL: "w@acme.dev" };
    await git(["commit", "-q", "--allow-empty", "-m", "chore: repo-owned change"], { cwd: clone, env });
    await import("node:fs/promises").then((fs) => fs.writeFile(join(clone, "README.md"), "worker readme\n"));
    await git(["add", "README.md"], { cwd: clone });
    await git(["commit", "-q", "-m", "docs: worker readme"], { cwd: clone, env });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const before = await tipOf(repo, "api");

    await repo.commit("fix(api): change", { "workers/api/src/index.js": "export default { fetch() {} };\n" });
    const result = await sync(repo, "api");
    expect(result.code).toBe(0);
    const tip = await tipOf(repo, "api");
    const parents = (await gitText(["rev-list", "--parents", "-n1", tip], { cwd: workerRepo(repo, "api") })).split(" ").slice(1);
    expect(parents).toEqual([before, await gitText(["rev-parse", "refs/fleet/split/api"], { cwd: repo.dir })]);
    const files = await gitText(["ls-tree", "-r", "--name-only", tip], { cwd: workerRepo(repo, "api") });
    expect(files.split("\n")).toEqual(["README.md", "src/index.js", "wrangler.toml"]);
    expect(await gitText(["show", `${tip}:src/index.js`], { cwd: workerRepo(repo, "api") })).toContain("fetch()");
  });

  it("refuses a repository that changed a monorepo-owned path, names it, and pushes nothing", async () => {
    await sync(repo, "--all");
    const clone = join(await tempDir(), "web-clone");
    await git(["clone", "-q", workerRepo(repo, "web"), clone], { cwd: repo.dir });
    await import("node:fs/promises").then((fs) => fs.writeFile(join(clone, "src/index.js"), "edited in the worker repo\n"));
    await git(["commit", "-qam", "edit a monorepo-owned file"], { cwd: clone, env: { GIT_AUTHOR_NAME: "W", GIT_AUTHOR_EMAIL: "w@a", GIT_COMMITTER_NAME: "W", GIT_COMMITTER_EMAIL: "w@a" } });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const before = await tipOf(repo, "web");
    await repo.commit("feat(web): more", { "workers/web/src/extra.js": "x\n" });

    const result = await sync(repo, "--all");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/web +refused .*src\/index\.js/);
    expect(result.stdout).toMatch(/api +up to date/);
    expect(await tipOf(repo, "web")).toBe(before);
  });

  it("knows where it stands from the repository alone: no cache, no local records", async () => {
    await sync(repo, "--all");
    const tips = [await tipOf(repo, "api"), await tipOf(repo, "web")];
    await rm(join(repo.dir, ".git/fleet"), { recursive: true });
    for (const ref of ["refs/fleet/split/api", "refs/fleet/split/web", "refs/fleet/synced/api", "refs/fleet/synced/web"]) {
      await git(["update-ref", "-d", ref], { cwd: repo.dir });
    }
    const again = await sync(repo, "--all");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to do");
    expect([await tipOf(repo, "api"), await tipOf(repo, "web")]).toEqual(tips);
  });

  it("--changed syncs only the workers whose split moved; --dry-run changes nothing", async () => {
    await sync(repo, "--all");
    await repo.commit("fix(web): tweak", { "workers/web/src/index.js": "export default { a: 1 };\n" });
    const webBefore = await tipOf(repo, "web");
    const dry = await sync(repo, "--changed", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/web +merge +1 new commit/);
    expect(dry.stdout).not.toMatch(/api/);
    expect(await tipOf(repo, "web")).toBe(webBefore);
    const real = await sync(repo, "--changed", "--json");
    expect(JSON.parse(real.stdout).workers.map((w: { id: string; status: string }) => [w.id, w.status])).toEqual([["web", "merged"]]);
  });

  it("names a missing worker repository and how to create it", async () => {
    await rm(workerRepo(repo, "api"), { recursive: true });
    const result = await sync(repo, "api");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/api +failed .*no repository at .*fleet create api/);
  });

  it("--no-push keeps the merge here and pushes nothing; the next sync, --all or --changed, still pushes it", async () => {
    expect((await sync(repo, "--all")).code).toBe(0);
    const before = await tipOf(repo, "api");
    await repo.commit("fix(api): one more", { "workers/api/src/index.js": "export default { fixed: true };\n" });
    const kept = await sync(repo, "api", "--no-push");
    expect(kept.code, kept.stderr).toBe(0);
    expect(await tipOf(repo, "api")).toBe(before);
    expect(await gitText(["rev-parse", "refs/fleet/sync/api"], { cwd: repo.dir })).toMatch(/^[0-9a-f]{40}$/);
    const changed = await sync(repo, "--changed", "--dry-run");
    expect(changed.stdout).toMatch(/api +merge/);
    const pushed = await sync(repo, "--all");
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/api +merged/);
    expect(await tipOf(repo, "api")).not.toBe(before);
  });
});
