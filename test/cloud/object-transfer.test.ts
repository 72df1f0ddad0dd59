// Durable Object namespaces in the local cloud: a worker that binds the platform's class by
// script_name sees the platform's objects; a transferred_classes migration moves the namespace to
// the worker, which then reads the very objects the platform wrote; the platform no longer has
// the class; a second transfer and a rollback across the transfer are refused; the cutover's undo
// hands the objects back. Run for real in workerd, with persisted storage.
import { Miniflare } from "miniflare";
import { afterEach, describe, expect, it } from "vitest";
import { miniflareOptions } from "../../src/cloud/runtime.js";
import type { MigrationStep, WorkerSpec } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { tempDir } from "../helpers/tmp.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };
const PLATFORM = "chittyos-platform";
const WORKER = "chittyos-sync-worker";

const COUNTER = `export class SyncCoordinator {
  constructor(state) { this.state = state; }
  async fetch() {
    const seen = ((await this.state.storage.get("seen")) ?? 0) + 1;
    await this.state.storage.put("seen", seen);
    return Response.json({ seen });
  }
}
export default { fetch: (request, env) => env.SYNC_STATE.get(env.SYNC_STATE.idFromName("scope-x")).fetch(request) };`;

function version(script: string, durable: WorkerSpec["durableObjects"][string], steps: MigrationStep[] = [], objectExports?: WorkerSpec["objectExports"]) {
  const spec: WorkerSpec = {
    script,
    compatibilityDate: "2025-09-01",
    compatibilityFlags: [],
    routes: [],
    kv: [],
    d1: [],
    r2: [],
    durableObjects: { SYNC_STATE: durable },
    vars: {},
    services: {},
    ...(steps.length ? { migrationSteps: steps, migrationTag: steps.at(-1)!.tag } : {}),
    ...(objectExports ? { objectExports } : {}),
  };
  return { spec, bundle: { main: "index.js", modules: [{ name: "index.js", contents: COUNTER }] } };
}

const created: MigrationStep = { tag: "v1", created: ["SyncCoordinator"], deleted: [], transfers: [] };
const transfer: MigrationStep = { tag: "v1", created: [], deleted: [], transfers: [{ from: "SyncCoordinator", fromScript: PLATFORM, to: "SyncCoordinator" }] };

describe("Durable Object namespaces in the local cloud", () => {
  let mf: Miniflare | undefined;
  afterEach(async () => {
    await mf?.dispose();
    mf = undefined;
  });

  async function seen(store: LocalCloudStore, script: string): Promise<number | string> {
    await mf?.dispose();
    mf = new Miniflare((await miniflareOptions(store)) as never);
    const response = await mf.dispatchFetch(`https://${script}.workers.dev/`);
    return response.ok ? ((await response.json()) as { seen: number }).seen : `HTTP ${response.status}`;
  }

  it("moves the platform's objects to the worker by a transfer, and back by the cutover's undo", async () => {
    const store = new LocalCloudStore(await tempDir());
    const platform = version(PLATFORM, { className: "SyncCoordinator" }, [created]);
    await store.deploy(platform.spec, platform.bundle, source);
    expect(await seen(store, PLATFORM)).toBe(1);
    expect(await seen(store, PLATFORM)).toBe(2);

    // before its cutover the worker binds the platform's namespace: the same objects
    const sharing = version(WORKER, { className: "SyncCoordinator", scriptName: PLATFORM });
    await store.deploy(sharing.spec, sharing.bundle, source);
    expect(await seen(store, WORKER)).toBe(3);

    // the transfer: the worker owns the namespace, the counter goes on
    const owning = version(WORKER, { className: "SyncCoordinator" }, [transfer]);
    await store.deploy(owning.spec, owning.bundle, source);
    expect(await seen(store, WORKER)).toBe(4);
    const state = await store.state();
    expect(Object.values(state.objects!).map((o) => [o.script, o.className])).toEqual([[WORKER, "SyncCoordinator"]]);
    // the platform's own binding to the class it lost fails; bound to the worker it sees the objects
    expect(await seen(store, PLATFORM)).toMatch(/^HTTP 5/);
    await expect(store.deploy(platform.spec, platform.bundle, source)).rejects.toThrow(/transferred to chittyos-sync-worker; bind it with script_name/);
    const forwarding = version(PLATFORM, { className: "SyncCoordinator", scriptName: WORKER }, [created]);
    await store.deploy(forwarding.spec, forwarding.bundle, source);
    expect(await seen(store, PLATFORM)).toBe(5);
    expect(await seen(store, WORKER)).toBe(6);

    // a second transfer from the platform is refused: it has no such class any more
    const again = version("chittyos-other-worker", { className: "SyncCoordinator" }, [transfer]);
    await expect(store.deploy(again.spec, again.bundle, source)).rejects.toThrow(/which has no such class/);

    // a rollback across the transfer is refused; the cutover's undo hands the objects back
    await expect(store.rollback(WORKER, 1)).rejects.toThrow(/cannot cross that transfer/);
    await store.rollback(PLATFORM, 1);
    await store.rollback(WORKER, 1, { undoTransfers: true });
    expect(await seen(store, PLATFORM)).toBe(7);
    expect(await seen(store, WORKER)).toBe(8);
    expect(Object.values((await store.state()).objects!).map((o) => o.script)).toEqual([PLATFORM]);
    // and the same transfer can run again
    await store.deploy(owning.spec, owning.bundle, source);
    expect(await seen(store, WORKER)).toBe(9);
  });

  it("the declarative form (exports): the worker expects the class, then the platform's `transferred` hands the objects over", async () => {
    const store = new LocalCloudStore(await tempDir());
    const platform = version(PLATFORM, { className: "SyncCoordinator" }, [], { SyncCoordinator: { state: "created" } });
    await store.deploy(platform.spec, platform.bundle, source);
    expect(await seen(store, PLATFORM)).toBe(1);

    // the worker awaits the class: no objects of its own yet (its binding fails), the platform's stay
    const expecting = version(WORKER, { className: "SyncCoordinator" }, [], { SyncCoordinator: { state: "expecting-transfer", transferFrom: PLATFORM } });
    await store.deploy(expecting.spec, expecting.bundle, source);
    expect(await seen(store, WORKER)).toMatch(/^HTTP 5/);
    expect(await seen(store, PLATFORM)).toBe(2);

    // handing it to a script that does not expect it is refused, nothing changed
    const elsewhere = version(PLATFORM, { className: "SyncCoordinator", scriptName: "chittyos-other-worker" }, [], {
      SyncCoordinator: { state: "transferred", transferredTo: "chittyos-other-worker" },
    });
    await expect(store.deploy(elsewhere.spec, elsewhere.bundle, source)).rejects.toThrow(/which does not expect it/);
    expect(Object.values((await store.state()).objects!).map((o) => o.script)).toEqual([PLATFORM]);

    const handing = version(PLATFORM, { className: "SyncCoordinator", scriptName: WORKER }, [], {
      SyncCoordinator: { state: "transferred", transferredTo: WORKER },
    });
    await store.deploy(handing.spec, handing.bundle, source);
    expect(Object.values((await store.state()).objects!).map((o) => o.script)).toEqual([WORKER]);
    expect(await seen(store, WORKER)).toBe(3);
    expect(await seen(store, PLATFORM)).toBe(4);

    // the cutover's undo hands them back
    await store.rollback(PLATFORM, 1);
    await store.rollback(WORKER, 1, { undoTransfers: true });
    expect(Object.values((await store.state()).objects!).map((o) => o.script)).toEqual([PLATFORM]);
    expect(await seen(store, PLATFORM)).toBe(5);
  });
});
