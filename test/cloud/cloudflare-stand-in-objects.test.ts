// The stand-in's model of Durable Object namespaces, as Cloudflare documents transfers: the source
// script loses the class, a binding to it by the old owner is refused, a second transfer is
// refused, and a refused upload changes nothing.
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { StandInObjects } from "./cloudflare-stand-in-objects.js";

const binding = (className: string, script?: string) => ({
  type: "durable_object_namespace",
  name: "SYNC_STATE",
  class_name: className,
  ...(script ? { script_name: script } : {}),
});
const transfer = { from: "SyncCoordinator", from_script: "platform", to: "SyncCoordinator" };

describe("the Cloudflare stand-in's Durable Object namespaces", () => {
  const objects = new StandInObjects();
  afterAll(() => rm(objects.persist, { recursive: true, force: true }));

  it("creates, transfers once, and refuses what Cloudflare refuses", () => {
    expect(
      objects.upload("platform", { bindings: [binding("SyncCoordinator")], migrations: { new_tag: "v1", new_sqlite_classes: ["SyncCoordinator"] } }),
    ).toBeUndefined();
    const key = objects.keyOf("platform", "SyncCoordinator");
    expect(key).toBe("platform-SyncCoordinator");
    // the worker shares it by script_name, then takes it over
    expect(objects.upload("worker", { bindings: [binding("SyncCoordinator", "platform")] })).toBeUndefined();
    expect(
      objects.upload("worker", { bindings: [binding("SyncCoordinator")], migrations: { new_tag: "v1", steps: [{ transferred_classes: [transfer] }] } }),
    ).toBeUndefined();
    expect(objects.keyOf("worker", "SyncCoordinator")).toBe(key);
    expect(objects.keyOf("platform", "SyncCoordinator")).toBeUndefined();
    // the old owner binding the class as its own is refused; bound to the worker it is fine
    expect(objects.upload("platform", { bindings: [binding("SyncCoordinator")] })?.message).toMatch(/transferred to worker/);
    expect(objects.upload("platform", { bindings: [binding("SyncCoordinator", "worker")] })).toBeUndefined();
    // a second transfer: the platform has no such class any more, and nothing changes
    const before = [...objects.namespaces];
    expect(
      objects.upload("other", { bindings: [binding("SyncCoordinator")], migrations: { new_tag: "v1", transferred_classes: [transfer] } })?.message,
    ).toMatch(/no such class/);
    expect([...objects.namespaces]).toEqual(before);
    expect(objects.tags.get("other")).toBeUndefined();
    // an upload whose old_tag is not the script's is refused
    expect(objects.upload("worker", { migrations: { old_tag: "v0", new_tag: "v2", steps: [] } })?.code).toBe(10079);
    // the edge runs the worker's class under the platform's storage key
    expect(objects.miniflareBindings("worker", [binding("SyncCoordinator")], new Set(["worker"]))).toEqual({
      SYNC_STATE: { className: "SyncCoordinator", unsafeUniqueKey: key },
    });
  });

  it("the declarative form: the destination expects the class, the source's transferred hands it over", () => {
    const o = new StandInObjects();
    const exp = (state: Record<string, string>) => ({ SyncCoordinator: { type: "durable-object", ...state } });
    expect(o.upload("platform", { bindings: [binding("SyncCoordinator")], exports: exp({ storage: "sqlite" }) })).toBeUndefined();
    const key = o.keyOf("platform", "SyncCoordinator");
    // handing it to a script that does not expect it is refused
    expect(
      o.upload("platform", { bindings: [binding("SyncCoordinator", "worker")], exports: exp({ state: "transferred", transferred_to: "worker" }) })?.message,
    ).toMatch(/does not expect it/);
    expect(
      o.upload("worker", {
        bindings: [binding("SyncCoordinator")],
        exports: exp({ state: "expecting-transfer", storage: "sqlite", transfer_from: "platform" }),
      }),
    ).toBeUndefined();
    expect(o.keyOf("worker", "SyncCoordinator")).toBeUndefined();
    expect(
      o.upload("platform", { bindings: [binding("SyncCoordinator", "worker")], exports: exp({ state: "transferred", transferred_to: "worker" }) }),
    ).toBeUndefined();
    expect(o.keyOf("worker", "SyncCoordinator")).toBe(key);
    expect(o.keyOf("platform", "SyncCoordinator")).toBeUndefined();
    return rm(o.persist, { recursive: true, force: true });
  });
});
