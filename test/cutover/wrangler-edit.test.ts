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

const edit = (text: string, file: string, host: string, id: string, service: string) => {
  const plan = bindingFor(parseWranglerConfig(text, file), id, service);
  return { plan, text: editWranglerConfig(text, file, { host, binding: plan, service }) };
};

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
});
