// Slow suite: a Durable Object's data moves with its worker at cutover on a Cloudflare account
// (the API stand-in and its edge, real wrangler). The example's sync service keeps a counter in
// the platform's SyncCoordinator namespace; until the cutover the sync worker binds it by
// script_name; the cutover deploys the worker's transferred_classes migration first, then the
// platform binding the class to the worker: the counter goes on through the worker, the platform
// no longer has the class. A cutover that fails after the transfer leaves the platform serving the
// hostname with the same objects (Cloudflare cannot roll a transfer back).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { gitText } from "../../src/git/git.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { setManifest } from "../forge/github-fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const HOST = "sync.chitty.cc";
const PLATFORM = "chittyos-platform";
const WORKER = "chittyos-sync-worker";

describe("fleet cutover moves Durable Object data on Cloudflare", () => {
  let api: CloudflareStandIn;
  let dir: string;
  let env: Record<string, string>;

  /** The counter's next value through the edge, as a user reaches the hostname (or a workers.dev name). */
  const seen = async (host = HOST): Promise<number | string> => {
    const response = await fetch(`${api.origin}/api/sync?scope=x`, { headers: { "x-forwarded-host": host }, signal: AbortSignal.timeout(30_000) });
    return response.ok ? ((await response.json()) as { seen: number }).seen : `HTTP ${response.status} ${await response.text()}`;
  };
  const owners = () => [...api.objects.namespaces.values()].filter((n) => n.className === "SyncCoordinator").map((n) => n.script);

  beforeAll(async () => {
    api = await new CloudflareStandIn("5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d", "cf-objects-token-8675309").start();
    api.addDnsRecord(HOST);
    for (const external of ["chittyos-id-worker", "chittyos-auth-worker"]) api.deployedElsewhere(external);
    env = { ...IDENTITY, ...api.env };
    dir = join(await tempDir("fleet-cf-objects-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 40 });
    // every resource the platform binds (KV, D1, its queue), made beforehand as a team would
    api.resources.seedFromFile(join(dir, "wrangler.toml"));
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    await setManifest(dir, ["providers", "cloud"], "cloudflare");
    const platform = await runFleet(["deploy", "--platform", "--cwd", dir], env);
    expect(platform.code, platform.stdout + platform.stderr).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await api.stop();
    expect(api.violations).toEqual([]);
  });

  it("the counter goes on from the platform to the worker through the cutover; the platform no longer has the class", async () => {
    expect([await seen(), await seen(), await seen()]).toEqual([1, 2, 3]);
    expect(owners()).toEqual([PLATFORM]);
    // migrated: the worker runs on its own name, binding the platform's namespace by script_name
    const secrets = join(dir, "..", "secrets.env");
    await writeFile(secrets, "JWT_SECRET=test-jwt\n");
    const migrate = await runFleet(["migrate", "registry", "sync", "--secrets-file", secrets, "--cwd", dir], env);
    expect(api.scripts.get(WORKER)?.deployments.length, migrate.stdout + migrate.stderr).toBe(1);
    expect(await seen()).toBe(4);
    expect(await seen(`${WORKER}.fleet-stand-in.workers.dev`)).toBe(5);

    // a cutover that fails after the worker took the objects over (the platform's upload refused):
    // the hostname goes back to the platform, which binds the class where the objects are now
    api.failNext("POST", new RegExp(`/workers/scripts/${PLATFORM}/versions$`), "injected: the platform's upload is refused");
    const failed = await runFleet(["cutover", "sync", "--json", "--cwd", dir], env);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    const report = JSON.parse(failed.stdout) as { status: string; detail: string };
    expect(report.status).toBe("rolled-back");
    expect(report.detail).toContain(`the Durable Objects of SyncCoordinator stay with ${WORKER}`);
    expect(report.detail).toContain(`binds SyncCoordinator to ${WORKER}, where the objects are`);
    expect(api.holders().get(HOST)).toBe(PLATFORM);
    expect(owners()).toEqual([WORKER]);
    expect(await seen()).toBe(6);

    const cutover = await runFleet(["cutover", "sync", "--apply", "--json", "--cwd", dir], env);
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0);
    expect(api.holders().get(HOST)).toBe(WORKER);
    expect(owners()).toEqual([WORKER]);
    expect(api.objects.tags.get(WORKER)).toBe("v1");
    expect(await seen()).toBe(7);
    expect(await seen()).toBe(8);

    // the platform's live version binds the class to the worker
    const platform = api.scripts.get(PLATFORM)!;
    const live = platform.versions.find((v) => v.id === platform.deployments[0]!.versions[0]!.version_id)!;
    const bindings = live.metadata.bindings as { type: string; name: string; class_name?: string; script_name?: string }[];
    expect(bindings.find((b) => b.name === "SYNC_STATE")).toMatchObject({ class_name: "SyncCoordinator", script_name: WORKER });
    // the worker's repository takes the class over on main, and its live version came from main
    const repo = join(dir, ".fleet", "forge", "chittyos", `${WORKER}.git`);
    const config = JSON.parse((await gitText(["show", "main:wrangler.jsonc"], { cwd: repo })).replace(/^\/\/.*$/gm, "")) as { migrations: unknown };
    expect(config.migrations).toEqual([{ tag: "v1", transferred_classes: [{ from: "SyncCoordinator", from_script: PLATFORM, to: "SyncCoordinator" }] }]);
  }, 900_000);
});
