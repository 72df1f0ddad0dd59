// fleet cutover against a real monorepo and the local cloud: the monorepo edit on its own branch,
// the route move, the rollback when the hostname's health fails, --apply and its refusal.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { locateRouterEntry } from "../../src/discovery/router.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fileAt } from "../../src/git/commit-files.js";
import { git, gitText } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { NO_SECRETS, platformDeployed } from "../lifecycle/fixture.js";

const ID = "project-initiation";
const SCRIPT = "chittyos-project-initiation-worker";
const PLATFORM = "chittyos-platform";
const HOST = "initiate.chitty.cc";
const ROUTER = "src/platform-worker.js";

// A worker that is healthy on its own workers.dev name and fails on its hostname: the kind of
// fault only the move itself reveals.
const FAILS_ON_ITS_HOSTNAME = `export default {
  fetch(request) {
    const host = new URL(request.url).hostname;
    if (host.endsWith(".workers.dev")) return Response.json({ status: "ok", service: "project-initiation" });
    return new Response("misconfigured for " + host, { status: 500 });
  },
};
`;

describe("fleet cutover", () => {
  let dir: string;
  const worktree = async () => ({
    head: await gitText(["rev-parse", "HEAD"], { cwd: dir }),
    status: await gitText(["status", "--porcelain"], { cwd: dir }),
    router: await readFile(join(dir, ROUTER), "utf8"),
  });
  const cloud = async () => {
    const state = await LocalCloudStore.at(dir).state();
    return { holder: state.routes[HOST], worker: state.workers[SCRIPT]?.active, platform: state.workers[PLATFORM]?.active };
  };

  beforeAll(async () => {
    const fixture = await platformDeployed(60);
    dir = fixture.dir;
    const migrate = await runFleet(["migrate", ID, "--secrets-file", fixture.secretsFile, "--cwd", dir], NO_SECRETS);
    if (migrate.code !== 0) throw new Error(migrate.stdout + migrate.stderr);
  }, 300_000);

  it("--dry-run shows the edit and the move, and changes nothing", async () => {
    const before = { tree: await worktree(), cloud: await cloud() };
    const result = await runFleet(["cutover", ID, "--dry-run", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`-   "${HOST}": handleProjectInitiation,`);
    expect(result.stdout).toContain(`+   "${HOST}": (request, env) => env.PROJECT_INITIATION_SERVICE.fetch(request),`);
    expect(result.stdout).toContain(`add src/services/project-initiation.js.MIGRATED`);
    expect(result.stdout).toContain(`Route: ${PLATFORM} → ${SCRIPT}`);
    expect(await gitText(["branch", "--list", "fleet/*"], { cwd: dir })).toBe("");
    expect({ tree: await worktree(), cloud: await cloud() }).toEqual(before);
  });

  it("--apply on a work tree with uncommitted changes is refused before anything is done", async () => {
    const readme = join(dir, "README.md");
    const original = await readFile(readme, "utf8");
    await writeFile(readme, `${original}\nwork in progress\n`);
    try {
      const before = await cloud();
      const result = await runFleet(["cutover", ID, "--apply", "--cwd", dir], NO_SECRETS);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("the work tree has uncommitted changes");
      expect(result.stderr).toContain("README.md");
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await gitText(["branch", "--list", "fleet/*"], { cwd: dir })).toBe("");
      expect(await cloud()).toEqual(before);
    } finally {
      await writeFile(readme, original);
    }
  });

  it("rolls both deployments back when the hostname's health fails after the move", async () => {
    const store = LocalCloudStore.at(dir);
    const good = (await store.state()).workers[SCRIPT]!.active;
    const record = await store.version(SCRIPT, good);
    await store.deploy(record.spec, { main: "index.js", modules: [{ name: "index.js", contents: FAILS_ON_ITS_HOSTNAME }] }, record.source);
    const before = { tree: await worktree(), cloud: await cloud() };
    expect(before.cloud.holder).toBe(PLATFORM);

    const result = await runFleet(["cutover", ID, "--apply", "--retries", "1", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe("rolled-back");
    expect(report.detail).toContain(`https://${HOST}/health is down`);
    expect(report.steps).toEqual([
      expect.stringContaining(`deploying ${PLATFORM}`),
      expect.stringContaining(`no longer holds ${HOST}`),
      expect.stringContaining(`holds ${HOST}`),
      `rolled ${SCRIPT} back to v${before.cloud.worker}`,
      `rolled ${PLATFORM} back to v${before.cloud.platform}`,
    ]);
    // both are back where they were; the platform serves the hostname again; main did not move
    expect(await cloud()).toEqual(before.cloud);
    expect((await requestOnce(store, `https://${HOST}/health`)).body).toMatchObject({ status: "ok", service: "project-initiation" });
    expect(await worktree()).toEqual(before.tree);
    await store.rollback(SCRIPT, good);
  }, 180_000);

  it("moves the route; the branch's router differs only in the entry; the user's work tree is untouched", async () => {
    const before = await worktree();
    const base = await gitText(["rev-parse", "main"], { cwd: dir });
    const result = await runFleet(["cutover", ID, "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`https://${HOST}/health is up`);
    expect((await cloud()).holder).toBe(SCRIPT);
    expect(await worktree()).toEqual(before);
    expect(await gitText(["rev-parse", "main"], { cwd: dir })).toBe(base);

    const branch = await gitText(["rev-parse", "fleet/cutover/project-initiation"], { cwd: dir });
    expect(await gitText(["rev-parse", `${branch}^`], { cwd: dir })).toBe(base);
    const old = (await fileAt(dir, base, ROUTER))!;
    const edited = (await fileAt(dir, branch, ROUTER))!;
    const entry = locateRouterEntry(old, ROUTER, HOST)!;
    const replacement = "(request, env) => env.PROJECT_INITIATION_SERVICE.fetch(request)";
    expect(edited.slice(0, entry.start)).toBe(old.slice(0, entry.start));
    expect(edited.slice(entry.start, entry.start + replacement.length)).toBe(replacement);
    expect(edited.slice(entry.start + replacement.length)).toBe(old.slice(entry.end));

    const config = parseWranglerConfig((await fileAt(dir, branch, "wrangler.toml"))!, "wrangler.toml");
    expect(config.routes.map((r) => r.host)).not.toContain(HOST);
    expect(config.routes).toHaveLength(parseWranglerConfig((await fileAt(dir, base, "wrangler.toml"))!, "wrangler.toml").routes.length - 1);
    expect(config.services.get("PROJECT_INITIATION_SERVICE")).toBe(SCRIPT);
    expect(await fileAt(dir, branch, "src/services/project-initiation.js.MIGRATED")).toContain(`Migrated to: https://github.com/chittyos/${SCRIPT}`);
    const { stdout: changed } = await git(["diff", "--name-only", base, branch], { cwd: dir });
    expect(changed.trim().split("\n").sort()).toEqual(["src/platform-worker.js", "src/services/project-initiation.js.MIGRATED", "wrangler.toml"]);

    // the platform, built from the branch, forwards the hostname through the binding
    const store = LocalCloudStore.at(dir);
    const platform = await store.version(PLATFORM, (await store.state()).workers[PLATFORM]!.active);
    expect(platform.source.commit).toBe(branch);
    expect(platform.spec.services.PROJECT_INITIATION_SERVICE).toBe(SCRIPT);
  }, 180_000);

  it("a second run changes nothing; --apply then fast-forwards main", async () => {
    const versions = await cloud();
    const branch = await gitText(["rev-parse", "fleet/cutover/project-initiation"], { cwd: dir });
    const again = await runFleet(["cutover", ID, "--json", "--cwd", dir], NO_SECRETS);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "already-moved", monorepo: { committed: false, applied: false, commit: branch } });
    expect(await cloud()).toEqual(versions);

    const apply = await runFleet(["cutover", ID, "--apply", "--cwd", dir], NO_SECRETS);
    expect(apply.code, apply.stderr).toBe(0);
    expect(await gitText(["rev-parse", "main"], { cwd: dir })).toBe(branch);
    expect(await readFile(join(dir, "src/services/project-initiation.js.MIGRATED"), "utf8")).toContain("Migrated to:");
    expect(await gitText(["status", "--porcelain", "--untracked-files=no"], { cwd: dir })).toBe("");
    const last = await runFleet(["cutover", ID, "--apply", "--cwd", dir], NO_SECRETS);
    expect(last.stderr).toContain(`nothing to do: ${ID} is cut over`);
    expect(await cloud()).toEqual(versions);
  }, 180_000);

  it("refuses a worker it cannot cut over, naming why", async () => {
    for (const [args, message] of [
      [["id"], "id is external"],
      [["projct-initiation"], "did you mean project-initiation"],
      [[], "fleet cutover needs a worker"],
    ] as const) {
      const result = await runFleet(["cutover", ...args, "--cwd", dir], NO_SECRETS);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const undeployed = await runFleet(["cutover", "beacon", "--cwd", dir], NO_SECRETS);
    expect(undeployed.code).toBe(2);
    expect(undeployed.stderr).toContain("beacon is not deployed in the local cloud");
  });
});
