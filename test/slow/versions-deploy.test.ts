// A worker's release, deployed: fleet versions says the live deployment runs it, fleet registry sync
// sends its version, and a commit after it, deployed, is named as what runs ("1.1.0+1.<commit>").
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { localRuntime } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { RegistryClient, type RegistryFetch } from "../../src/registry/client.js";
import { LOCAL_REGISTRY_URL } from "../../src/registry/local.js";
import { commitAfter, exampleWithRepositories, ok, release, versionsOf } from "../versions/fixture.js";

const ID = "registry";

async function registryEntry(dir: string, id: string) {
  const runtime = localRuntime(LocalCloudStore.at(dir), { persist: true });
  try {
    const client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => runtime.fetch(url, init as never)) as RegistryFetch);
    return (await client.get(id))!;
  } finally {
    await runtime.dispose();
  }
}

/** The worker's /health on its workers.dev name (the scaffold routes no hostname before cutover). */
async function healthOf(dir: string): Promise<{ http: number; body: { status?: unknown; version?: unknown } }> {
  const cloud = LocalCloud.at(dir, { persist: false });
  try {
    const response = await cloud.fetch(`https://chittyos-${ID}-worker.workers.dev/health`);
    return { http: response.status, body: (await response.json()) as { status?: unknown; version?: unknown } };
  } finally {
    await cloud.dispose();
  }
}

describe("a deployed release", () => {
  let dir: string;
  let clone: string;
  beforeAll(async () => {
    ({ dir, clone } = await exampleWithRepositories([ID]));
  });

  it("is live in fleet versions, the registry entry's version, and answers /health", async () => {
    const tagged = await release(clone, "1.1.0");
    await ok(dir, ["deploy", ID]);
    const [live] = await versionsOf(dir, [ID]);
    expect(live).toMatchObject({ version: "1.1.0", commitsSince: 0, live: { state: "yes", commit: tagged, runs: "1.1.0" } });
    expect(await ok(dir, ["versions", ID])).toMatch(new RegExp(`${ID}\\s+1\\.1\\.0\\s+2026-03-02\\s+0\\s+yes`));
    await ok(dir, ["registry", "sync"]);
    expect((await registryEntry(dir, ID)).version).toBe("1.1.0");
    expect(await healthOf(dir)).toMatchObject({ http: 200, body: { status: "ok", version: "1.1.0" } });
  });

  it("a commit after the release: counted, still live until deployed, then named as what runs", async () => {
    const after = await commitAfter(clone, "NOTES.md", "fix: say who is on call");
    expect((await versionsOf(dir, [ID]))[0]).toMatchObject({ commitsSince: 1, main: after, live: { state: "yes" } });
    await ok(dir, ["deploy", ID]);
    const runs = `1.1.0+1.${after.slice(0, 7)}`;
    expect((await versionsOf(dir, [ID]))[0]!.live).toEqual({ state: "no", commit: after, cloudVersion: "2", runs });
    expect(await ok(dir, ["versions", ID])).toContain(`no (runs ${runs})`);
    await ok(dir, ["registry", "sync"]);
    expect((await registryEntry(dir, ID)).version).toBe(runs);
    // back to the release: the entry says its version again
    await ok(dir, ["rollback", ID]);
    await ok(dir, ["registry", "sync"]);
    expect((await registryEntry(dir, ID)).version).toBe("1.1.0");
  });
});
