// The wrangler config edit of a cutover: the route out, the binding in, every other byte kept.
import { describe, expect, it } from "vitest";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { bindingFor, editWranglerConfig } from "../../src/cutover/wrangler-edit.js";

const TOML = `# platform
name = "chittyos-platform"
main = "src/platform-worker.js"

routes = [
  { pattern = "initiate.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "registry.chitty.cc/*", zone_name = "chitty.cc" }, # the registry
  { pattern = "ai.chitty.cc/*", zone_name = "chitty.cc" }
]

[vars]
ENVIRONMENT = "production"

[[services]]
binding = "REGISTRY_SERVICE"
service = "chittyos-registry-worker"
`;

const edit = (text: string, file: string, host: string | string[], id: string, service: string) => {
  const plan = bindingFor(parseWranglerConfig(text, file), id, service);
  return { plan, text: editWranglerConfig(text, file, { hosts: typeof host === "string" ? [host] : host, binding: plan, service }) };
};

// The shape of a router deployed with --env production: routes only in [env.production], which
// has bindings of its own, and a staging section without any.
const ENVIRONMENTS = `name = "chittyos-unified-platform"
main = "src/platform-worker.js"

[ai]
binding = "AI"

[env.production]
name = "chittyos-platform-production"
routes = [
  { pattern = "gateway.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "sync.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "registry.chitty.cc/*", zone_name = "chitty.cc" }
]

[[env.production.services]]
binding = "IDENTITY"
service = "chittyid-production"

[env.production.vars]
ENVIRONMENT = "production"

[env.staging]
name = "chittyos-platform-staging"
routes = [ { pattern = "staging.chitty.cc/*", zone_name = "chitty.cc" }, { pattern = "sync.chitty.cc/staging/*", zone_name = "chitty.cc" } ]
`;

describe("cutover's wrangler config edit", () => {
  it("removes a route line from a TOML routes array and appends the service binding, nothing else", () => {
    const { plan, text } = edit(TOML, "wrangler.toml", "initiate.chitty.cc", "project-initiation", "chittyos-project-initiation-worker");
    expect(plan).toEqual({ binding: "PROJECT_INITIATION_SERVICE", add: true });
    expect(text).toBe(
      TOML.replace(`  { pattern = "initiate.chitty.cc/*", zone_name = "chitty.cc" },\n`, "") +
        `\n[[services]]\nbinding = "PROJECT_INITIATION_SERVICE"\nservice = "chittyos-project-initiation-worker"\n`,
    );
  });

  it("removes the last element's line, an element inside a line, and reuses an existing binding to the worker", () => {
    const { plan, text } = edit(TOML, "wrangler.toml", "ai.chitty.cc", "ai-gateway", "chittyos-ai-gateway-worker");
    expect(plan.add).toBe(true);
    expect(text).toContain(`  { pattern = "registry.chitty.cc/*", zone_name = "chitty.cc" }, # the registry\n]`);
    const inline = `name = "p"\nroutes = ["initiate.chitty.cc/*", "ai.chitty.cc/*"]\n`;
    expect(edit(inline, "wrangler.toml", "ai.chitty.cc", "ai-gateway", "w").text).toMatch(/^routes = \["initiate\.chitty\.cc\/\*"\]$/m);
    expect(edit(inline, "wrangler.toml", "initiate.chitty.cc", "x", "w").text).toMatch(/^routes = \["ai\.chitty\.cc\/\*"\]$/m);
    const single = `name = "p"\nroute = "ai.chitty.cc/*"\nmain = "x.js"\n`;
    expect(edit(single, "wrangler.toml", "ai.chitty.cc", "ai-gateway", "w").text.startsWith(`name = "p"\nmain = "x.js"\n`)).toBe(true);
    const registry = edit(TOML, "wrangler.toml", "registry.chitty.cc", "registry", "chittyos-registry-worker");
    expect(registry.plan).toEqual({ binding: "REGISTRY_SERVICE", add: false });
    expect(registry.text).toBe(TOML.replace(`  { pattern = "registry.chitty.cc/*", zone_name = "chitty.cc" }, # the registry\n`, ""));
  });

  it("edits a JSONC config in place, comments kept", () => {
    const jsonc = `{\n  // the platform\n  "name": "chittyos-platform",\n  "routes": [\n    { "pattern": "initiate.chitty.cc/*", "zone_name": "chitty.cc" },\n    { "pattern": "ai.chitty.cc/*", "zone_name": "chitty.cc" }\n  ]\n}\n`;
    const { text } = edit(jsonc, "wrangler.jsonc", "initiate.chitty.cc", "project-initiation", "chittyos-project-initiation-worker");
    expect(text).toContain("// the platform");
    const config = parseWranglerConfig(text, "wrangler.jsonc");
    expect(config.routes.map((r) => r.host)).toEqual(["ai.chitty.cc"]);
    expect(config.services.get("PROJECT_INITIATION_SERVICE")).toBe("chittyos-project-initiation-worker");
  });

  it("picks a binding name no other binding has", () => {
    const taken = `${TOML}\n[[kv_namespaces]]\nbinding = "PROJECT_INITIATION_SERVICE"\nid = "x"\n`;
    expect(bindingFor(parseWranglerConfig(taken, "wrangler.toml"), "project-initiation", "w").binding).toBe("PROJECT_INITIATION_SERVICE_2");
  });

  it("refuses, changing nothing, when the route is in a form it cannot edit safely", () => {
    const tables = `name = "p"\n\n[[routes]]\npattern = "initiate.chitty.cc/*"\nzone_name = "chitty.cc"\n`;
    expect(() => edit(tables, "wrangler.toml", "initiate.chitty.cc", "project-initiation", "w")).toThrow(/not in a form fleet can edit safely/);
  });

  it("moves every hostname of a worker out of every environment's routes and binds it in every environment", () => {
    const { plan, text } = edit(ENVIRONMENTS, "wrangler.toml", ["sync.chitty.cc", "gateway.chitty.cc"], "sync", "chittyos-sync-worker");
    expect(plan).toEqual({ binding: "SYNC_SERVICE", add: true });
    const after = parseWranglerConfig(text, "wrangler.toml");
    expect(after.environments.get("production")!.routes.map((r) => r.host)).toEqual(["registry.chitty.cc"]);
    expect(after.environments.get("staging")!.routes.map((r) => r.host)).toEqual(["staging.chitty.cc"]);
    expect(after.services.get("SYNC_SERVICE")).toBe("chittyos-sync-worker");
    const env = after.raw.env as Record<string, { services: { binding: string; service: string }[] }>;
    expect(env.production!.services).toEqual([{ binding: "IDENTITY", service: "chittyid-production" }, { binding: "SYNC_SERVICE", service: "chittyos-sync-worker" }]);
    expect(env.staging!.services).toEqual([{ binding: "SYNC_SERVICE", service: "chittyos-sync-worker" }]);
    // the rest of the file is as it was: only route lines left, only binding tables came
    const removed = ENVIRONMENTS.split("\n").filter((l) => !text.split("\n").includes(l));
    expect(removed).toEqual([
      `  { pattern = "gateway.chitty.cc/*", zone_name = "chitty.cc" },`,
      `  { pattern = "sync.chitty.cc/*", zone_name = "chitty.cc" },`,
      `routes = [ { pattern = "staging.chitty.cc/*", zone_name = "chitty.cc" }, { pattern = "sync.chitty.cc/staging/*", zone_name = "chitty.cc" } ]`,
    ]);
    expect(text).toContain(`[[env.production.services]]\nbinding = "SYNC_SERVICE"`);
    // a second run finds nothing to do
    expect(edit(text, "wrangler.toml", ["sync.chitty.cc", "gateway.chitty.cc"], "sync", "chittyos-sync-worker").text).toBe(text);
  });

  it("does the same in a JSONC config's env sections", () => {
    const jsonc = `{\n  "name": "p",\n  "env": {\n    // production\n    "production": {\n      "name": "p-production",\n      "routes": [{ "pattern": "sync.chitty.cc/*", "zone_name": "chitty.cc" }, { "pattern": "ai.chitty.cc/*", "zone_name": "chitty.cc" }],\n      "services": [{ "binding": "IDENTITY", "service": "id" }]\n    }\n  }\n}\n`;
    const { text } = edit(jsonc, "wrangler.jsonc", ["sync.chitty.cc"], "sync", "chittyos-sync-worker");
    expect(text).toContain("// production");
    const after = parseWranglerConfig(text, "wrangler.jsonc");
    expect(after.environments.get("production")!.routes.map((r) => r.host)).toEqual(["ai.chitty.cc"]);
    expect((after.raw.env as Record<string, { services: unknown[] }>).production!.services).toEqual([{ binding: "IDENTITY", service: "id" }, { binding: "SYNC_SERVICE", service: "chittyos-sync-worker" }]);
    expect(after.services.get("SYNC_SERVICE")).toBe("chittyos-sync-worker");
  });
});
