// The routes a cutover commits into a worker repository's wrangler config: added where a deploy
// reads them, as wrangler accepts them, and nothing else changed.
import { describe, expect, it } from "vitest";
import { parse } from "jsonc-parser";
import { addRoutes, routeEntriesFor } from "../../src/cutover/worker-routes.js";

const ROUTE = { pattern: "initiate.chitty.cc/*", zone_name: "chitty.cc" };
const parsed = (text: string) => parse(text) as Record<string, any>;

describe("addRoutes", () => {
  it("adds the routes to the top level and to env.production, keeping comments", () => {
    const text = `// fleet's file\n{\n  "name": "w",\n  "workers_dev": true,\n  "env": { "production": { "name": "w" }, "staging": { "name": "w-staging" } }\n}\n`;
    const edited = addRoutes(text, "wrangler.jsonc", [ROUTE]);
    expect(edited.startsWith("// fleet's file\n")).toBe(true);
    const config = parsed(edited);
    expect([config.routes, config.env.production.routes, config.env.staging.routes]).toEqual([[ROUTE], [ROUTE], undefined]);
    // a second time changes nothing
    expect(addRoutes(edited, "wrangler.jsonc", [ROUTE])).toBe(edited);
  });

  it("turns a singular route into a list (wrangler takes one or the other)", () => {
    const config = parsed(addRoutes(`{ "name": "w", "route": "other.chitty.cc/*" }`, "wrangler.jsonc", [ROUTE]));
    expect(config.route).toBeUndefined();
    expect(config.routes).toEqual(["other.chitty.cc/*", ROUTE]);
  });

  it("keeps the routes env.production inherited from the top level", () => {
    const config = parsed(addRoutes(`{ "name": "w", "routes": ["other.chitty.cc/*"], "env": { "production": { "name": "w" } } }`, "wrangler.jsonc", [ROUTE]));
    expect(config.routes).toEqual(["other.chitty.cc/*", ROUTE]);
    expect(config.env.production.routes).toEqual(["other.chitty.cc/*", ROUTE]);
  });
});

describe("routeEntriesFor", () => {
  it("takes each host's route as the platform's config has it, else a custom domain", () => {
    const platform = `name = "p"\n[env.production]\nroutes = [ { pattern = "initiate.chitty.cc/*", zone_name = "chitty.cc" } ]\n`;
    expect(routeEntriesFor(["initiate.chitty.cc", "new.chitty.cc"], platform, "wrangler.toml")).toEqual([ROUTE, { pattern: "new.chitty.cc", custom_domain: true }]);
  });
});
