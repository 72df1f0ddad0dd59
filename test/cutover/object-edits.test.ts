// The text edits of a Durable Object transfer at cutover: the platform's config binds the class to
// the worker by script_name (and, in the declarative form, marks its `exports` entry transferred),
// changing nothing else; the worker's config takes the class over by a transferred_classes step,
// or awaits it (`expecting-transfer`) where the platform declares its classes in `exports`.
import { describe, expect, it } from "vitest";
import { bindObjectsTo } from "../../src/cutover/object-bindings.js";
import { takeOverObjects } from "../../src/cutover/worker-objects.js";
import { objectMoves } from "../../src/discovery/durable-objects.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";

const MIGRATIONS_TOML = `name = "chittyos-platform"
main = "src/platform-worker.js"

# the sync service's coordinator
[[durable_objects.bindings]]
name = "SYNC_STATE"
class_name = "SyncCoordinator"

[[durable_objects.bindings]]
name = "PLATFORM_STATE"
class_name = "PlatformState"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["SyncCoordinator", "PlatformState"]
`;

const EXPORTS_TOML = `name = "chittyos-platform"
main = "src/platform-worker.js"

[[durable_objects.bindings]]
name = "SYNC_STATE"
class_name = "SyncCoordinator"

[exports.SyncCoordinator]
# kept with the platform until the cutover
type = "durable-object"
storage = "sqlite"

[exports.PlatformState]
type = "durable-object"
storage = "sqlite"
`;

describe("the platform's config at cutover", () => {
  it("moves only the worker's classes, and says how the platform declares them", () => {
    expect(objectMoves(parseWranglerConfig(MIGRATIONS_TOML, "wrangler.toml"), ["SyncCoordinator", "handleSync"])).toEqual([
      { className: "SyncCoordinator", bindings: ["SYNC_STATE"], sections: [""], declared: "migrations" },
    ]);
    expect(objectMoves(parseWranglerConfig(EXPORTS_TOML, "wrangler.toml"), ["SyncCoordinator"])).toEqual([
      { className: "SyncCoordinator", bindings: ["SYNC_STATE"], sections: [""], declared: "exports", storage: "sqlite" },
    ]);
  });

  it("binds the class to the worker by script_name, every other line as it was (TOML and JSONC)", () => {
    const edited = bindObjectsTo(MIGRATIONS_TOML, "wrangler.toml", ["SyncCoordinator"], "chittyos-sync-worker");
    expect(edited).toBe(MIGRATIONS_TOML.replace(`class_name = "SyncCoordinator"\n`, `class_name = "SyncCoordinator"\nscript_name = "chittyos-sync-worker"\n`));
    expect(bindObjectsTo(edited, "wrangler.toml", ["SyncCoordinator"], "chittyos-sync-worker")).toBe(edited);
    const jsonc = `{\n  // platform\n  "name": "p",\n  "durable_objects": { "bindings": [{ "name": "SYNC_STATE", "class_name": "SyncCoordinator" }] }\n}\n`;
    const config = parseWranglerConfig(bindObjectsTo(jsonc, "wrangler.jsonc", ["SyncCoordinator"], "w"), "wrangler.jsonc");
    expect(config.bindings.get("SYNC_STATE")!.config).toEqual({ name: "SYNC_STATE", class_name: "SyncCoordinator", script_name: "w" });
  });

  it("marks the class transferred in the declarative form, its comment and the other class left alone", () => {
    const edited = bindObjectsTo(EXPORTS_TOML, "wrangler.toml", ["SyncCoordinator"], "chittyos-sync-worker");
    const raw = parseWranglerConfig(edited, "wrangler.toml").raw as { exports: Record<string, unknown> };
    expect(raw.exports).toEqual({
      SyncCoordinator: { type: "durable-object", state: "transferred", transferred_to: "chittyos-sync-worker" },
      PlatformState: { type: "durable-object", storage: "sqlite" },
    });
    expect(edited).toContain("# kept with the platform until the cutover");
  });

  it("refuses a form it cannot edit safely, naming what to do", () => {
    const inline = `name = "p"\ndurable_objects = { bindings = [{ name = "SYNC_STATE", class_name = "SyncCoordinator" }] }\n`;
    expect(() => bindObjectsTo(inline, "wrangler.toml", ["SyncCoordinator"], "w")).toThrow(
      /could not bind the Durable Object class SyncCoordinator to w without changing anything else/,
    );
  });
});

describe("the worker's config at cutover", () => {
  const worker = `{\n  "name": "chittyos-sync-worker",\n  "durable_objects": { "bindings": [{ "name": "SYNC_STATE", "class_name": "SyncCoordinator", "script_name": "chittyos-platform" }] },\n  "env": { "production": { "durable_objects": { "bindings": [{ "name": "SYNC_STATE", "class_name": "SyncCoordinator", "script_name": "chittyos-platform" }] } } }\n}\n`;

  it("takes the class over by a transferred_classes step, in every section, once", () => {
    const edited = takeOverObjects(worker, "wrangler.jsonc", [{ className: "SyncCoordinator", fromScript: "chittyos-platform" }]);
    const raw = parseWranglerConfig(edited, "wrangler.jsonc").raw as Record<string, any>;
    expect(raw.durable_objects.bindings).toEqual([{ name: "SYNC_STATE", class_name: "SyncCoordinator" }]);
    expect(raw.env.production.durable_objects.bindings).toEqual([{ name: "SYNC_STATE", class_name: "SyncCoordinator" }]);
    expect(raw.migrations).toEqual([
      { tag: "v1", transferred_classes: [{ from: "SyncCoordinator", from_script: "chittyos-platform", to: "SyncCoordinator" }] },
    ]);
    expect(takeOverObjects(edited, "wrangler.jsonc", [{ className: "SyncCoordinator", fromScript: "chittyos-platform" }])).toBe(edited);
  });

  it("awaits it (expecting-transfer) where the platform declares its classes in exports", () => {
    const transfer = { className: "SyncCoordinator", fromScript: "chittyos-platform", declared: "exports" as const, storage: "sqlite" };
    const edited = takeOverObjects(worker, "wrangler.jsonc", [transfer]);
    const raw = parseWranglerConfig(edited, "wrangler.jsonc").raw as Record<string, any>;
    expect(raw.migrations).toBeUndefined();
    expect(raw.exports).toEqual({
      SyncCoordinator: { type: "durable-object", state: "expecting-transfer", storage: "sqlite", transfer_from: "chittyos-platform" },
    });
    expect(raw.durable_objects.bindings).toEqual([{ name: "SYNC_STATE", class_name: "SyncCoordinator" }]);
    expect(takeOverObjects(edited, "wrangler.jsonc", [transfer])).toBe(edited);
  });
});
