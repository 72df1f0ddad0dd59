// Fleet releases on the local cloud with hand-made versions (no wrangler build): what a release
// records, the order and health of `rollbackRelease`, and each refusal — a Durable Object
// migration in between, a binding to a script that is gone, a live version fleet did not deploy —
// with nothing changed. The same through `fleet deploy` of the example: test/slow/releases.test.ts.
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { DeployOutcome } from "../../src/cloud/deploy.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { specFromConfig } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { releases, rollbackRelease } from "../../src/api/rollback.js";
import { VersionFactsLookup } from "../../src/releases/facts.js";
import { recordRelease } from "../../src/releases/record.js";
import { ReleaseStore } from "../../src/releases/store.js";
import { tempDir } from "../helpers/tmp.js";

const worker = (dependsOn: string[] = [], calls: string[] = []) => ({ dependsOn, calls, phase: 1 });
// sync binds registry; beacon calls it: registry deploys first and goes back last
const manifest = {
  repoName: "chittyos-{service}-worker",
  providers: { forge: "local", cloud: "local", registry: "local" },
  workers: { registry: worker(), sync: worker(["registry"]), beacon: worker([], ["registry"]) },
} as unknown as Manifest;
const script = (id: string) => `chittyos-${id}-worker`;

const entry = (id: string, version: string, status = 200) =>
  `export default { fetch: () => Response.json({ status: ${status === 200 ? '"ok"' : '"down"'}, service: "${id}", version: "${version}" }, { status: ${status} }) };`;

/** A version of `id` as fleet deploys it: its wrangler config read by specFromConfig. */
function config(id: string, extra: Record<string, unknown> = {}): string {
  const services = id === "sync" ? [{ binding: "REGISTRY_SERVICE", service: script("registry") }] : [];
  return JSON.stringify({ name: script(id), main: "index.js", compatibility_date: "2025-09-01", services, ...extra });
}

async function deployAll(dir: string, versions: Record<string, { version: string; status?: number; config?: Record<string, unknown> }>) {
  const store = LocalCloudStore.at(dir);
  const cloud = LocalCloud.at(dir);
  const releaseStore = ReleaseStore.at(dir);
  const lookup = new VersionFactsLookup(cloud, await releaseStore.list());
  const outcomes: DeployOutcome[] = [];
  for (const [id, v] of Object.entries(versions)) {
    const spec = specFromConfig(parseWranglerConfig(config(id, v.config), "wrangler.jsonc"));
    const commit = `${id}-${v.version}`.padEnd(40, "0");
    const result = await store.deploy(
      spec,
      { main: "index.js", modules: [{ name: "index.js", contents: entry(id, v.version, v.status) }] },
      { repository: id, commit, message: `release ${v.version}` },
    );
    const version = (await cloud.live(script(id)))!;
    lookup.remember(script(id), version, spec, v.version);
    outcomes.push({ id, script: script(id), status: "deployed", version });
    expect(result.version).toBe(version.number);
  }
  const release = await recordRelease({ manifest, cloud, store: releaseStore, lookup, outcomes });
  await cloud.dispose();
  return release!;
}

const active = async (dir: string) => {
  const state = await LocalCloudStore.at(dir).state();
  return Object.fromEntries(Object.keys(manifest.workers).map((id) => [id, state.workers[script(id)]?.active]));
};

describe("fleet releases", () => {
  it("records every live worker after each deploy, and goes back to a release dependants first, each health-checked", async () => {
    const dir = await tempDir();
    const migrations = { migrations: [{ tag: "v1", new_sqlite_classes: ["SyncCoordinator"] }] };
    const r1 = await deployAll(dir, { registry: { version: "1.0.0" }, sync: { version: "1.0.0", config: migrations }, beacon: { version: "1.0.0" } });
    expect(r1.id).toBe("r1");
    expect(r1.workers.map((w) => w.id)).toEqual(["registry", "beacon", "sync"]);
    expect(r1.workers.find((w) => w.id === "sync")).toMatchObject({
      version: { id: "1", number: 1 },
      commit: "sync-1.0.0".padEnd(40, "0"),
      packageVersion: "1.0.0",
      deployed: true,
      facts: { migrationTag: "v1", services: { REGISTRY_SERVICE: script("registry") } },
    });
    expect(r1.boundLive).toEqual([script("registry")]);
    // the local cloud keeps the spec with each version: the migration tag is there for a rollback to read
    expect((await LocalCloudStore.at(dir).version(script("sync"), 1)).spec.migrationTag).toBe("v1");

    const r2 = await deployAll(dir, { registry: { version: "1.1.0" }, sync: { version: "1.1.0", config: migrations } });
    // beacon was not deployed this time: recorded as it is live, with its package version carried from r1
    expect(r2.workers.find((w) => w.id === "beacon")).toMatchObject({ version: { number: 1 }, deployed: false, packageVersion: "1.0.0", facts: {} });
    await deployAll(dir, { beacon: { version: "1.2.0" }, sync: { version: "1.2.0", config: migrations } });
    expect((await releases({ cwd: dir })).map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
    expect(await active(dir)).toEqual({ registry: 2, sync: 3, beacon: 2 });

    const back = await rollbackRelease({ cwd: dir, manifest, release: "r1", health: { timeoutMs: 2000, retries: 1 } });
    expect(back.workers.map((w) => [w.id, w.status, w.from?.number, w.to.number, w.health?.state])).toEqual([
      ["sync", "rolled back", 3, 1, "up"],
      ["beacon", "rolled back", 2, 1, "up"],
      ["registry", "rolled back", 2, 1, "up"],
    ]);
    expect(back.workers[0]!.health!.url).toBe(`https://${script("sync")}.workers.dev/health`);
    expect(await active(dir)).toEqual({ registry: 1, sync: 1, beacon: 1 });
    const again = await rollbackRelease({ cwd: dir, manifest, release: "1" });
    expect(again.workers.map((w) => [w.id, w.status, w.detail])).toEqual([
      ["sync", "skipped", "live at v1 already"],
      ["beacon", "skipped", "live at v1 already"],
      ["registry", "skipped", "live at v1 already"],
    ]);
    await expect(rollbackRelease({ cwd: dir, manifest, release: "r9" })).rejects.toThrow("there is no fleet release r9");
  });

  it("refuses, changing nothing, a migration in between, a binding to a script that is gone, a live version fleet did not deploy", async () => {
    const dir = await tempDir();
    await deployAll(dir, { registry: { version: "1.0.0" }, sync: { version: "1.0.0", config: { migrations: [{ tag: "v1" }] } }, beacon: { version: "1.0.0" } });
    await deployAll(dir, { sync: { version: "2.0.0", config: { migrations: [{ tag: "v1" }, { tag: "v2", new_sqlite_classes: ["Ledger"] }] } } });
    // beacon v2 uploaded by hand: a spec without the facts fleet records
    const store = LocalCloudStore.at(dir);
    const { resources: _r, ...bare } = specFromConfig(parseWranglerConfig(config("beacon"), "wrangler.jsonc"));
    await store.deploy(
      bare,
      { main: "index.js", modules: [{ name: "index.js", contents: entry("beacon", "hand") }] },
      { repository: "", commit: "", message: "by hand" },
    );
    const before = await readFile(store.stateFile, "utf8");
    const refused = rollbackRelease({ cwd: dir, manifest, release: "r1" });
    await expect(refused).rejects.toThrow(/fleet rollback --release r1 is refused, nothing was changed/);
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toContain('sync: a Durable Object migration lies between: live v2 has migration tag "v2", v1 "v1"');
    expect(message).toContain("beacon: the live v2 was not deployed by fleet");
    expect(message).not.toContain("registry:");
    expect(await readFile(store.stateFile, "utf8")).toBe(before);

    // registry gone from the cloud: going back to a sync that binds it is refused too
    const state = JSON.parse(before);
    delete state.workers[script("registry")];
    await writeFile(store.stateFile, JSON.stringify(state));
    const gone = await rollbackRelease({ cwd: dir, manifest, release: "r1", workers: ["sync"] }).catch((e: Error) => e.message);
    expect(gone).toContain(
      `sync: a Durable Object migration lies between: live v2 has migration tag "v2", v1 "v1"; v1 binds REGISTRY_SERVICE to ${script("registry")}, which the cloud no longer has`,
    );
  });

  it("a worker unhealthy at its recorded version is put back, and the ones after it are left as they are", async () => {
    const dir = await tempDir();
    await deployAll(dir, { registry: { version: "1.0.0" }, sync: { version: "1.0.0", status: 503 }, beacon: { version: "1.0.0" } });
    await deployAll(dir, { registry: { version: "2.0.0" }, sync: { version: "2.0.0" }, beacon: { version: "2.0.0" } });
    const result = await rollbackRelease({ cwd: dir, manifest, release: "r1", health: { timeoutMs: 2000, retries: 0 } });
    expect(result.workers.map((w) => [w.id, w.status])).toEqual([
      ["sync", "failed"],
      ["beacon", "not done"],
      ["registry", "not done"],
    ]);
    expect(result.workers[0]!.detail).toBe(`v1's /health on ${script("sync")}.workers.dev is down; put back to v2`);
    expect(await active(dir)).toEqual({ registry: 2, sync: 2, beacon: 2 });
  });
});
