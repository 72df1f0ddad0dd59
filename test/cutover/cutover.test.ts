// fleet cutover against a real monorepo and the local cloud: the monorepo edit on its own branch,
// the route move, the rollback when a hostname's health fails, --apply and its refusal. The
// platform has the shape of a real one: deployed with --env production, its routes and service
// bindings only in [env.production]; the worker has a second hostname and a path route.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planCutover } from "../../src/api/cutover.js";
import { openSession } from "../../src/api/session.js";
import { requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { locatePathRoutes, locateRouterEntry } from "../../src/discovery/router.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fileAt } from "../../src/git/commit-files.js";
import { git, gitText } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { generateExample } from "../../src/example/index.js";
import { parseManifest } from "../../src/manifest/load.js";
import { tempDir } from "../helpers/tmp.js";
import { NO_SECRETS, statusOf } from "../lifecycle/fixture.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const ID = "project-initiation";
const SCRIPT = "chittyos-project-initiation-worker";
const PLATFORM = "chittyos-platform-production";
const HOST = "initiate.chitty.cc";
const ALIAS = "start.chitty.cc";
const PATH = "/api/projects/";
const ROUTER = "src/platform-worker.js";
const FORWARD = "(request, env) => env.PROJECT_INITIATION_SERVICE.fetch(request)";

/**
 * The example monorepo reshaped as real routers are: a second hostname and a path route for one
 * service, and the wrangler config's routes and service bindings only under [env.production].
 */
async function reshape(dir: string): Promise<void> {
  const routerPath = join(dir, ROUTER);
  let router = await readFile(routerPath, "utf8");
  router = router.replace(`  "${HOST}": handleProjectInitiation,\n`, `  "${HOST}": handleProjectInitiation,\n  "${ALIAS}": handleProjectInitiation,\n`);
  router = router.replace("    const { hostname } = new URL(request.url);\n", `    const { hostname, pathname } = new URL(request.url);\n    if (pathname.startsWith("${PATH}")) return handleProjectInitiation(request, env, ctx);\n`);
  await writeFile(routerPath, router);
  const configPath = join(dir, "wrangler.toml");
  let toml = await readFile(configPath, "utf8");
  const routes = /\nroutes = \[\n[\s\S]*?\n\]\n/.exec(toml)![0];
  toml = toml.replace(routes, "\n");
  const services = toml.slice(toml.indexOf("[[services]]")).replaceAll("[[services]]", "[[env.production.services]]");
  toml += `\n[env.production]\nname = "${PLATFORM}"\n${routes.trim().replace(/\n\]$/, `,\n  { pattern = "${ALIAS}/*", zone_name = "chitty.cc" }\n]`)}\n\n${services}`;
  await writeFile(configPath, toml);
  await git(["commit", "--quiet", "-am", "Platform: routes per environment, start.chitty.cc, /api/projects/ on every hostname"], { cwd: dir, env: IDENTITY });
}

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
    return { holder: state.routes[HOST], aliasHolder: state.routes[ALIAS], worker: state.workers[SCRIPT]?.active, platform: state.workers[PLATFORM]?.active };
  };

  beforeAll(async () => {
    dir = join(await tempDir("fleet-cutover-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 60 });
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    await reshape(dir);
    const init = await runFleet(["init", "--cwd", dir]);
    if (init.code !== 0) throw new Error(init.stderr);
    const deploy = await runFleet(["deploy", "--platform", "--env", "production", "--cwd", dir]);
    if (deploy.code !== 0) throw new Error(deploy.stdout + deploy.stderr);
    const secretsFile = join(dir, "..", "secrets.env");
    await writeFile(secretsFile, "CLOUDFLARE_API_TOKEN=test-token-value\nCLOUDFLARE_ACCOUNT_ID=test-account\nJWT_SECRET=test-jwt\n");
    const migrate = await runFleet(["migrate", ID, "--secrets-file", secretsFile, "--cwd", dir], NO_SECRETS);
    if (migrate.code !== 0) throw new Error(migrate.stdout + migrate.stderr);
  }, 300_000);

  it("discovery gave the worker its second hostname and its path route; the platform runs its production environment", async () => {
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    expect(manifest.workers[ID]).toMatchObject({ domain: HOST, aliases: [ALIAS], paths: [PATH] });
    expect(await cloud()).toMatchObject({ holder: PLATFORM, aliasHolder: PLATFORM });
  });

  it("--dry-run shows the edit and the move, and changes nothing", async () => {
    const before = { tree: await worktree(), cloud: await cloud() };
    const result = await runFleet(["cutover", ID, "--dry-run", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`-   "${HOST}": handleProjectInitiation,`);
    expect(result.stdout).toContain(`+   "${HOST}": ${FORWARD},`);
    expect(result.stdout).toContain(`+   "${ALIAS}": ${FORWARD},`);
    expect(result.stdout).toContain(`+     if (pathname.startsWith("${PATH}")) return (${FORWARD})(request, env, ctx);`);
    expect(result.stdout).toContain(`-   { pattern = "${ALIAS}/*", zone_name = "chitty.cc" }`);
    expect(result.stdout).toContain(`+ [[env.production.services]]`);
    expect(result.stdout).toContain(`add src/services/project-initiation.js.MIGRATED`);
    expect(result.stdout).toContain(`Route: ${PLATFORM} → ${SCRIPT}`);
    expect(result.stdout).toContain(`deploy ${PLATFORM} from fleet/cutover/${ID} (--env production)`);
    expect(await gitText(["branch", "--list", "fleet/*"], { cwd: dir })).toBe("");
    expect({ tree: await worktree(), cloud: await cloud() }).toEqual(before);
  });

  it("planCutover (the library's dry run) gives the plan --dry-run shows, and changes nothing", async () => {
    const before = { tree: await worktree(), cloud: await cloud() };
    const plan = await planCutover(openSession({ cwd: dir }), ID, { health: { timeoutMs: 3000, retries: 2, backoffMs: 100 } });
    expect(plan).toMatchObject({ id: ID, branch: "main", base: before.tree.head, moved: false, holders: [PLATFORM], platform: { script: PLATFORM, environment: "production" } });
    expect(plan.change.hosts).toEqual([HOST, ALIAS]);
    expect([...plan.change.files.keys()].sort()).toEqual([ROUTER, "src/services/project-initiation.js.MIGRATED", "wrangler.toml"]);
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
    expect(report.detail).toContain(`https://${ALIAS}/health is down`);
    expect(report.steps).toEqual([
      expect.stringContaining(`deploying ${PLATFORM}`),
      expect.stringContaining(`no longer holds ${HOST}, ${ALIAS}`),
      expect.stringContaining(`holds ${HOST}, ${ALIAS}`),
      `rolled ${SCRIPT} back to v${before.cloud.worker}`,
      `rolled ${PLATFORM} back to v${before.cloud.platform}`,
    ]);
    // both are back where they were; the platform serves the hostname again; main did not move
    expect(await cloud()).toEqual(before.cloud);
    expect((await requestOnce(store, `https://${HOST}/health`)).body).toMatchObject({ status: "ok", service: "project-initiation" });
    expect(await worktree()).toEqual(before.tree);
    await store.rollback(SCRIPT, good);
  }, 180_000);

  it("moves every hostname and the path route; the branch's router differs only in those entries; the user's work tree is untouched", async () => {
    const before = await worktree();
    const base = await gitText(["rev-parse", "main"], { cwd: dir });
    const result = await runFleet(["cutover", ID, "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`https://${HOST}/health is up`);
    expect(result.stdout).toContain(`https://${ALIAS}/health is up`);
    expect(await cloud()).toMatchObject({ holder: SCRIPT, aliasHolder: SCRIPT });
    expect(await worktree()).toEqual(before);
    expect(await gitText(["rev-parse", "main"], { cwd: dir })).toBe(base);

    const branch = await gitText(["rev-parse", "fleet/cutover/project-initiation"], { cwd: dir });
    expect(await gitText(["rev-parse", `${branch}^`], { cwd: dir })).toBe(base);
    const old = (await fileAt(dir, base, ROUTER))!;
    const edited = (await fileAt(dir, branch, ROUTER))!;
    // exactly the three entries replaced, every other character as it was
    const sites = [
      { ...locateRouterEntry(old, ROUTER, HOST)!, text: FORWARD },
      { ...locateRouterEntry(old, ROUTER, ALIAS)!, text: FORWARD },
      ...locatePathRoutes(old, ROUTER).filter((r) => r.prefix === PATH).map((r) => ({ start: r.start, end: r.end, text: `(${FORWARD})` })),
    ].sort((a, b) => b.start - a.start);
    expect(sites).toHaveLength(3);
    expect(edited).toBe(sites.reduce((code, site) => code.slice(0, site.start) + site.text + code.slice(site.end), old));

    const config = parseWranglerConfig((await fileAt(dir, branch, "wrangler.toml"))!, "wrangler.toml");
    const baseConfig = parseWranglerConfig((await fileAt(dir, base, "wrangler.toml"))!, "wrangler.toml");
    const production = config.environments.get("production")!.routes.map((r) => r.host);
    expect(production).not.toContain(HOST);
    expect(production).not.toContain(ALIAS);
    expect(production).toHaveLength(baseConfig.environments.get("production")!.routes.length - 2);
    expect(config.services.get("PROJECT_INITIATION_SERVICE")).toBe(SCRIPT);
    expect((config.raw.env as Record<string, { services: { binding: string; service: string }[] }>).production!.services).toContainEqual({ binding: "PROJECT_INITIATION_SERVICE", service: SCRIPT });
    const marker = await fileAt(dir, branch, "src/services/project-initiation.js.MIGRATED");
    expect(marker).toContain(`Migrated to: https://github.com/chittyos/${SCRIPT}`);
    expect(marker).toContain(`Hostnames: ${HOST}, ${ALIAS}`);
    expect(marker).toContain(`Paths on every hostname: ${PATH}`);
    const { stdout: changed } = await git(["diff", "--name-only", base, branch], { cwd: dir });
    expect(changed.trim().split("\n").sort()).toEqual(["src/platform-worker.js", "src/services/project-initiation.js.MIGRATED", "wrangler.toml"]);

    // the platform, built from the branch in its production environment, forwards through the binding
    const store = LocalCloudStore.at(dir);
    const platform = await store.version(PLATFORM, (await store.state()).workers[PLATFORM]!.active);
    expect(platform.source.commit).toBe(branch);
    expect(platform.spec.services.PROJECT_INITIATION_SERVICE).toBe(SCRIPT);

    // the path route on another hostname reaches the worker's own deployment: a version of the
    // worker that says who it is answers it (then the real one comes back)
    const good = (await store.state()).workers[SCRIPT]!.active;
    const record = await store.version(SCRIPT, good);
    const whoAmI = `export default { fetch(request) { return Response.json({ servedBy: "worker", path: new URL(request.url).pathname }); } };`;
    await store.deploy(record.spec, { main: "index.js", modules: [{ name: "index.js", contents: whoAmI }] }, record.source);
    try {
      expect((await requestOnce(store, `https://registry.chitty.cc${PATH}abc`)).body).toEqual({ servedBy: "worker", path: `${PATH}abc` });
      expect((await requestOnce(store, "https://registry.chitty.cc/health")).body).not.toMatchObject({ servedBy: "worker" });
    } finally {
      await store.rollback(SCRIPT, good);
    }
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
    // the checklist observes the whole hand-over: both hostnames and the path route forwarded
    const migrated = (await statusOf(dir, ID)).migrated!;
    expect(migrated.state).toBe("done");
    expect(migrated.evidence).toContain(`forwards ${HOST}, ${ALIAS}, path ${PATH} to env.PROJECT_INITIATION_SERVICE`);
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
