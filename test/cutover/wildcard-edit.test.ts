// The cutover's edits with a wildcard route: the pattern's route (`*.sites.example.test/*`) leaves
// the platform's config, TOML or JSONC, every other byte kept; the route of a hostname never takes
// a wildcard route with it (a pattern is not the route of the hostname its suffix spells); and the
// worker's repository gets the pattern in the form the platform held it.
import { describe, expect, it } from "vitest";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { addRoutes, routeEntriesFor } from "../../src/cutover/worker-routes.js";
import { editWranglerConfig } from "../../src/cutover/wrangler-edit.js";
import { SITES_HOST, SITES_PATTERN, WWW } from "../corpus/wildcard-routes.js";

const TOML = `name = "example-platform"
main = "src/platform-worker.js"
routes = [
  { pattern = "${WWW}/*", zone_name = "example.test" },
  { pattern = "${SITES_PATTERN}", zone_name = "example.test" },
  { pattern = "sites.example.test/*", zone_name = "example.test" },
]
`;
const JSONC = `{
  // the platform
  "name": "example-platform",
  "routes": [
    { "pattern": "${WWW}/*", "zone_name": "example.test" },
    "${SITES_PATTERN}"
  ]
}
`;
const binding = { binding: { binding: "SITES_SERVICE", add: true }, service: "example-sites-worker" };

describe("the cutover's config edits with a wildcard route", () => {
  it("takes the pattern's route out of a TOML config, and only it", () => {
    const edited = editWranglerConfig(TOML, "wrangler.toml", { hosts: [SITES_HOST], ...binding });
    expect(edited).toBe(
      TOML.replace(`  { pattern = "${SITES_PATTERN}", zone_name = "example.test" },\n`, "") +
        `\n[[services]]\nbinding = "SITES_SERVICE"\nservice = "example-sites-worker"\n`,
    );
  });

  it("never takes a wildcard route with the route of the hostname its suffix spells", () => {
    const edited = editWranglerConfig(TOML, "wrangler.toml", { hosts: ["sites.example.test"], ...binding });
    expect(parseWranglerConfig(edited, "wrangler.toml").routes.map((r) => r.pattern)).toEqual([`${WWW}/*`, SITES_PATTERN]);
  });

  it("takes the pattern's route out of a JSONC config, comments kept", () => {
    const edited = editWranglerConfig(JSONC, "wrangler.jsonc", { hosts: [SITES_HOST], ...binding });
    expect(edited).toContain("// the platform");
    expect(parseWranglerConfig(edited, "wrangler.jsonc").routes.map((r) => r.pattern)).toEqual([`${WWW}/*`]);
  });

  it("gives the worker the pattern as the platform held it, a route (never a custom domain) when the platform held none", () => {
    expect(routeEntriesFor([SITES_HOST], TOML, "wrangler.toml")).toEqual([{ pattern: SITES_PATTERN, zone_name: "example.test" }]);
    expect(routeEntriesFor([SITES_HOST], JSONC, "wrangler.jsonc")).toEqual([{ pattern: SITES_PATTERN }]);
    expect(routeEntriesFor(["*.docs.example.test", "docs.example.test"], TOML, "wrangler.toml")).toEqual([
      { pattern: "*.docs.example.test/*" },
      { pattern: "docs.example.test", custom_domain: true },
    ]);
    const worker = `{\n  "name": "example-sites-worker"\n}\n`;
    const routed = addRoutes(worker, "wrangler.jsonc", [{ pattern: SITES_PATTERN, zone_name: "example.test" }]);
    expect(parseWranglerConfig(routed, "wrangler.jsonc").routes).toEqual([
      { pattern: SITES_PATTERN, host: SITES_HOST, wildcard: true, customDomain: false, zone: "example.test" },
    ]);
    expect(addRoutes(routed, "wrangler.jsonc", [{ pattern: SITES_PATTERN, zone_name: "example.test" }])).toBe(routed);
  });
});
