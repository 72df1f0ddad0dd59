// A Durable Object's data moves with its worker at cutover (the example's router layout, the
// local cloud): objects written through the platform before the cutover answer the same data
// through the worker after it — the counter goes on, it does not restart. Until the cutover the
// worker binds the platform's namespace by script_name (the same objects during dual-deploy); the
// cutover transfers the namespace to the worker and the platform binds the class to it; a failed
// cutover leaves the data with the platform.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fileAt } from "../../src/git/commit-files.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { NO_SECRETS, platformDeployed } from "../lifecycle/fixture.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const ID = "sync";
const WORKER = "chittyos-sync-worker";
const PLATFORM = "chittyos-platform";
const COUNTER = "https://sync.chitty.cc/api/sync?scope=x";

/** The counter's next value, asked through the local cloud as `fleet up` serves it (persisted state). */
async function seen(dir: string, url = COUNTER): Promise<number | string> {
  const cloud = LocalCloud.at(dir);
  try {
    const response = await cloud.fetch(url);
    return response.ok ? ((await response.json()) as { seen: number }).seen : `HTTP ${response.status}`;
  } finally {
    await cloud.dispose();
  }
}

async function owners(dir: string): Promise<string[]> {
  const state = await LocalCloudStore.at(dir).state();
  return Object.values(state.objects ?? {})
    .filter((o) => o.className === "SyncCoordinator")
    .map((o) => o.script);
}

describe("fleet cutover moves a Durable Object's data with its worker", () => {
  let dir: string;
  let secretsFile: string;
  let forgeRepo: string;

  beforeAll(async () => {
    ({ dir, secretsFile } = await platformDeployed(60));
    const migrate = await runFleet(["migrate", ID, "--secrets-file", secretsFile, "--cwd", dir], NO_SECRETS);
    if (migrate.code !== 0) throw new Error(migrate.stdout + migrate.stderr);
    const org = JSON.parse((await readFile(join(dir, "fleet.jsonc"), "utf8")).replace(/^\s*\/\/.*$/gm, "")).org as string;
    forgeRepo = join(dir, ".fleet", "forge", org, `${WORKER}.git`);
  }, 300_000);

  it("before the cutover the worker binds the platform's namespace: both see the same objects", async () => {
    expect(await seen(dir)).toBe(1);
    expect(await seen(dir)).toBe(2);
    expect(await seen(dir, `https://${WORKER}.workers.dev/api/sync?scope=x`)).toBe(3);
    const config = parseWranglerConfig((await fileAt(forgeRepo, "main", "wrangler.jsonc"))!, "wrangler.jsonc");
    expect(config.bindings.get("SYNC_STATE")?.config).toMatchObject({ class_name: "SyncCoordinator", script_name: PLATFORM });
    expect(config.raw.migrations).toBeUndefined();
    expect(await owners(dir)).toEqual([PLATFORM]);
    // the plan and the cutover's dry run say the class moves, and from where
    const plan = JSON.parse((await runFleet(["plan", "--json", "--cwd", dir])).stdout) as { workers: { id: string; transfers: unknown }[] };
    expect(plan.workers.find((w) => w.id === ID)!.transfers).toEqual([{ className: "SyncCoordinator", from: PLATFORM }]);
    expect(plan.workers.filter((w) => (w.transfers as unknown[]).length).map((w) => w.id)).toEqual([ID]);
    const dry = await runFleet(["cutover", ID, "--dry-run", "--cwd", dir], NO_SECRETS);
    expect(dry.stdout).toContain(`0. deploy ${WORKER} from its repository's fleet/cutover branch, taking over the Durable Objects of SyncCoordinator`);
    expect(dry.stdout).toContain(`+ script_name = "${WORKER}"`);
  });

  it("a cutover that fails after the worker took the objects over hands them back to the platform", async () => {
    // the worker's repository gets a fault only the move reveals: healthy on workers.dev, 500 on its hostname
    const clone = join(await tempDir("fleet-sync-clone-"), "repo");
    await git(["clone", "--quiet", forgeRepo, clone], { cwd: dir });
    const entry = join(clone, "src", "index.js");
    const original = await readFile(entry, "utf8");
    const fault = `if (!new URL(request.url).hostname.endsWith(".workers.dev")) return new Response("misconfigured", { status: 500 });`;
    await writeFile(entry, original.replace("async fetch(request, env, ctx) {", `async fetch(request, env, ctx) {\n    ${fault}`));
    await git(["commit", "--quiet", "-am", "A fault on the hostname"], { cwd: clone, env: IDENTITY });
    await git(["push", "--quiet", "origin", "HEAD:main"], { cwd: clone });

    const result = await runFleet(["cutover", ID, "--retries", "1", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe("rolled-back");
    expect(report.steps[0]).toBe(`${WORKER} took over the Durable Objects of SyncCoordinator`);
    expect(report.detail).toContain(`the Durable Objects of SyncCoordinator went back to ${PLATFORM}`);
    expect(await owners(dir)).toEqual([PLATFORM]);
    // the platform serves the hostname, with the data it had
    expect((await LocalCloudStore.at(dir).state()).routes["sync.chitty.cc"]).toBe(PLATFORM);
    expect(await seen(dir)).toBe(4);

    await writeFile(entry, original);
    await git(["commit", "--quiet", "-am", "The fault undone"], { cwd: clone, env: IDENTITY });
    await git(["push", "--quiet", "origin", "HEAD:main"], { cwd: clone });
  }, 300_000);

  it("the cutover transfers the namespace: the counter goes on through the worker, and the platform no longer defines the class", async () => {
    const result = await runFleet(["cutover", ID, "--apply", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const state = await LocalCloudStore.at(dir).state();
    expect(state.routes["sync.chitty.cc"]).toBe(WORKER);
    expect(await owners(dir)).toEqual([WORKER]);
    expect(await seen(dir)).toBe(5);
    expect(await seen(dir)).toBe(6);

    // the platform's config binds the class to the worker (on main after --apply), and so does its live version
    const platformConfig = parseWranglerConfig((await fileAt(dir, "main", "wrangler.toml"))!, "wrangler.toml");
    expect(platformConfig.bindings.get("SYNC_STATE")?.config).toMatchObject({ class_name: "SyncCoordinator", script_name: WORKER });
    const platform = await LocalCloudStore.at(dir).version(PLATFORM, state.workers[PLATFORM]!.active);
    expect(platform.spec.durableObjects.SYNC_STATE).toEqual({ className: "SyncCoordinator", scriptName: WORKER });

    // the worker's repository owns the class now: no script_name, the transfer as a migration step
    const workerConfig = parseWranglerConfig((await fileAt(forgeRepo, "main", "wrangler.jsonc"))!, "wrangler.jsonc");
    expect(workerConfig.bindings.get("SYNC_STATE")?.config).toEqual({ name: "SYNC_STATE", class_name: "SyncCoordinator" });
    expect(workerConfig.raw.migrations).toEqual([
      { tag: "v1", transferred_classes: [{ from: "SyncCoordinator", from_script: PLATFORM, to: "SyncCoordinator" }] },
    ]);

    // going back to the release the migration recorded would cross the transfer: refused, nothing changes
    const rollback = await runFleet(["rollback", "--release", "r1", "--cwd", dir], NO_SECRETS);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(2);
    expect(rollback.stdout + rollback.stderr).toContain(`the Durable Objects of SyncCoordinator (SYNC_STATE) moved from ${PLATFORM} to ${WORKER}`);
    expect(await owners(dir)).toEqual([WORKER]);

    // a run stopped after the move, before the worker's repository got the take-over and the routes:
    // the next run commits both (the worker keeps the objects; its redeploy from main applies nothing again)
    const before = (await git(["rev-parse", "main~2"], { cwd: forgeRepo })).stdout.trim();
    await git(["update-ref", "refs/heads/main", before], { cwd: forgeRepo });
    await git(["reset", "--quiet", "--hard", "HEAD~1"], { cwd: dir }); // nor was the monorepo's main fast-forwarded
    const resumed = await runFleet(["cutover", ID, "--json", "--cwd", dir], NO_SECRETS);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const again1 = parseWranglerConfig((await fileAt(forgeRepo, "main", "wrangler.jsonc"))!, "wrangler.jsonc");
    expect(again1.bindings.get("SYNC_STATE")?.config).toEqual({ name: "SYNC_STATE", class_name: "SyncCoordinator" });
    expect(again1.routes.map((r) => r.host)).toEqual(["sync.chitty.cc"]);
    expect(await owners(dir)).toEqual([WORKER]);
    expect(await seen(dir)).toBe(7);

    // a second run changes nothing and the data stays
    const again = await runFleet(["cutover", ID, "--json", "--cwd", dir], NO_SECRETS);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await owners(dir)).toEqual([WORKER]);
    expect(await seen(dir)).toBe(8);
  }, 300_000);
});
