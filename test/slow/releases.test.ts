// Fleet releases on the local cloud, end to end through the CLI (about 35 s, hence the slow
// suite; test/releases/ holds the same rules on hand-made versions): three deploys of three workers of the example (registry;
// sync, which binds it and has a Durable Object; beacon, which calls it), then the fleet back to
// the first release, dependants first, each health-checked; and a release across a Durable
// Object migration refused with nothing changed.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "jsonc-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { generateExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import type { FleetRelease } from "../../src/releases/release.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { cloneWorker, IDENTITY } from "../repos/extracted.fixture.js";

const WORKERS = ["registry", "sync", "beacon"];
const script = (id: string) => `chittyos-${id}-worker`;

/** Pushes one commit to a worker repository: its package.json version, and optionally its wrangler config. */
async function pushChange(dir: string, id: string, version: string, wrangler?: (config: Record<string, unknown>) => void): Promise<void> {
  const clone = await cloneWorker(dir, script(id));
  const pkgFile = join(clone, "package.json");
  await writeFile(pkgFile, `${JSON.stringify({ ...JSON.parse(await readFile(pkgFile, "utf8")), version }, null, 2)}\n`);
  if (wrangler) {
    const file = join(clone, "wrangler.jsonc");
    const config = parse(await readFile(file, "utf8")) as Record<string, unknown>;
    wrangler(config);
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  }
  await git(["commit", "-qam", `fix: ${id} ${version}`], { cwd: clone, env: IDENTITY });
  await git(["push", "-q", "origin", "main"], { cwd: clone });
}

async function deploy(dir: string, ids: string[]): Promise<string> {
  const result = await runFleet(["deploy", ...ids, "--retries", "2", "--json", "--cwd", dir]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout).release as string;
}

describe("fleet releases and fleet rollback --release", () => {
  let dir: string;
  const release = async (id: string) => JSON.parse(await readFile(join(dir, ".fleet", "releases", `${id}.json`), "utf8")) as FleetRelease;
  const live = async () => {
    const state = await LocalCloudStore.at(dir).state();
    return Object.fromEntries(WORKERS.map((id) => [id, state.workers[script(id)]?.active]));
  };

  beforeAll(async () => {
    dir = join(await tempDir(), "router");
    await generateExample(dir, { layout: "router", commits: 120 });
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    for (const args of [["init"], ["create", ...WORKERS], ["sync", ...WORKERS]]) {
      const result = await runFleet([...args, "--cwd", dir], IDENTITY);
      if (result.code !== 0) throw new Error(result.stdout + result.stderr);
    }
  }, 120_000);

  it("every deploy records every live worker; rollback --release goes back dependants first, health-checked", async () => {
    expect(await deploy(dir, WORKERS)).toBe("r1");
    await pushChange(dir, "registry", "1.0.1");
    await pushChange(dir, "sync", "1.0.1");
    expect(await deploy(dir, ["registry", "sync"])).toBe("r2");
    await pushChange(dir, "beacon", "1.0.2");
    await pushChange(dir, "sync", "1.0.2");
    const third = await runFleet(["deploy", "beacon", "sync", "--retries", "2", "--cwd", dir]);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).toContain("fleet release r3: 3 workers live (fleet rollback --release r3 returns to it)");

    const r1 = await release("r1");
    expect(r1.cloud).toBe("local");
    const sync1 = r1.workers.find((w) => w.id === "sync")!;
    // its Durable Objects are the platform's until its cutover: bound there by script_name, no migration of its own
    const objects = { SYNC_STATE: "chittyos-platform/SyncCoordinator" };
    expect(sync1).toMatchObject({ script: script("sync"), version: { number: 1 }, deployed: true, facts: { objects } });
    expect(sync1.facts!.migrationTag).toBeUndefined();
    expect(Object.values(sync1.facts!.services)).toContain(script("registry"));
    // a worker not deployed this time is recorded as live, with what it was deployed with
    const r2 = await release("r2");
    expect(r2.workers.map((w) => [w.id, w.version.number, w.deployed, w.packageVersion])).toEqual(
      expect.arrayContaining([
        ["registry", 2, true, "1.0.1"],
        ["sync", 2, true, "1.0.1"],
        ["beacon", 1, false, r1.workers.find((w) => w.id === "beacon")!.packageVersion],
      ]),
    );
    expect(r2.workers.map((w) => w.id).indexOf("registry")).toBeLessThan(r2.workers.map((w) => w.id).indexOf("sync"));
    expect(await live()).toEqual({ registry: 2, sync: 3, beacon: 2 });

    const list = await runFleet(["releases", "--cwd", dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^r1 +\S+ \S+ +local +3 +registry v1, .*$/m);
    expect(list.stdout).toMatch(/^r3 +.* local +3 +.*sync v3/m);

    const health = async (id: string) =>
      (await requestOnce(LocalCloudStore.at(dir), `https://${script(id)}.workers.dev/health`)) as { body: { version: string } };
    expect((await health("registry")).body.version).toBe("1.0.1");
    const shown = await runFleet(["releases", "r2", "--cwd", dir]);
    expect(shown.stdout).toMatch(/^registry +v2 +[0-9a-f]{12} fix: registry 1\.0\.1 +1\.0\.1 +yes$/m);
    expect(shown.stdout).toMatch(/^sync +v2 +[0-9a-f]{12} fix: sync 1.0.1 +1.0.1 +yes$/m);
    const back = await runFleet(["rollback", "--release", "r1", "--cwd", dir]);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const rows = back.stdout.split("\n").filter((line) => WORKERS.some((id) => line.startsWith(`${id} `)));
    // dependants first: registry, which the other two bind or call, goes back last
    expect(rows.map((line) => line.split(/ +/)[0])).toEqual([...rows.map((line) => line.split(/ +/)[0]).filter((id) => id !== "registry"), "registry"]);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/rolled back +v[23] +v1 +up \d+ ms/);
    expect(await live()).toEqual({ registry: 1, sync: 1, beacon: 1 });
    // the version each answers is the one it had then
    expect((await health("registry")).body.version).toBe(r1.workers.find((w) => w.id === "registry")!.packageVersion);
    const again = await runFleet(["rollback", "--release", "r1", "--json", "--cwd", dir]);
    expect(JSON.parse(again.stdout).workers.map((w: { status: string }) => w.status)).toEqual(["skipped", "skipped", "skipped"]);
  }, 120_000);

  it("refuses, naming the worker and changing nothing, a release across a Durable Object migration", async () => {
    await pushChange(dir, "sync", "1.1.0", (config) => {
      config.migrations = [...((config.migrations as unknown[] | undefined) ?? []), { tag: "v2" }];
    });
    expect(await deploy(dir, ["sync"])).toBe("r4");
    expect((await release("r4")).workers.find((w) => w.id === "sync")!.facts!.migrationTag).toBe("v2");
    await deploy(dir, ["registry"]); // r5: registry v3
    const before = await readFile(LocalCloudStore.at(dir).stateFile, "utf8");
    const refused = await runFleet(["rollback", "--release", "r3", "--cwd", dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("fleet rollback --release r3 is refused, nothing was changed");
    expect(refused.stderr).toMatch(/sync: a Durable Object migration lies between: live v4 has migration tag "v2", v3 none/);
    expect(refused.stderr).not.toMatch(/registry:/);
    expect(await readFile(LocalCloudStore.at(dir).stateFile, "utf8")).toBe(before);
    // the workers that can go back still can, named
    const registry = await runFleet(["rollback", "--release", "r3", "registry", "--json", "--cwd", dir]);
    expect(registry.code, registry.stderr).toBe(0);
    expect(JSON.parse(registry.stdout).workers).toEqual([
      expect.objectContaining({ id: "registry", status: "rolled back", from: { id: "3", number: 3 }, to: { id: "2", number: 2 } }),
    ]);
  }, 120_000);
});
