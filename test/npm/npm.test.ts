// The worker repository's package.json and lockfile: the overlay keeps the monorepo's file and
// adds what the repository's CI needs; lockfiles come from npm (the real registry) with each
// repository's own root entry, and a failure says npm's reason on its first line.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockfileFor } from "../../src/npm/lockfile.js";
import { overlayPackageJson } from "../../src/npm/package-overlay.js";
import { TOOL_VERSIONS } from "../../src/scaffold/package-json.js";

const OWN = `{\n  "name": "@acme/alpha",\n  "private": true,\n  "scripts": { "deploy": "wrangler deploy" },\n  "dependencies": { "hono": "^4.9.0" },\n  "devDependencies": { "@cloudflare/workers-types": "^4.2025.0", "vitest": "^3.2.4" }\n}\n`;

describe("a worker's own package.json in its repository", () => {
  it("keeps the monorepo's fields and adds the test script, fleet's test tools, the overrides and the workers-types pin", () => {
    const pkg = JSON.parse(overlayPackageJson(OWN, { tests: "fleet", overrides: { vite: "~8.3.0" } }));
    expect(pkg).toMatchObject({ name: "@acme/alpha", private: true, dependencies: { hono: "^4.9.0" }, scripts: { deploy: "wrangler deploy", test: "vitest run" } });
    expect(pkg.devDependencies).toEqual({ "@cloudflare/workers-types": "^4.2025.0", ...TOOL_VERSIONS });
    expect(pkg.overrides).toEqual({ "@cloudflare/workers-types": "$@cloudflare/workers-types", vite: "~8.3.0" });
  });

  it("leaves the worker's own test script and Vitest alone when its own config runs the tests", () => {
    const own = OWN.replace('"deploy": "wrangler deploy"', '"deploy": "wrangler deploy", "test": "vitest --run"');
    const pkg = JSON.parse(overlayPackageJson(own, { tests: "vitest" }));
    expect(pkg.scripts.test).toBe("vitest --run");
    expect(pkg.devDependencies.vitest).toBe("^3.2.4");
    expect(pkg.devDependencies).not.toHaveProperty("@cloudflare/vitest-plugin");
  });
});

describe("lockfiles", () => {
  it("are npm's resolution with the repository's own root entry, reused for the same dependency set", async () => {
    const env = { ...process.env, FLEET_CACHE_DIR: await mkdtemp(join(tmpdir(), "fleet-cache-")) };
    const a = JSON.parse(await lockfileFor(JSON.stringify({ name: "@acme/a-worker", version: "1.0.0", dependencies: { "is-number": "^7.0.0" } }), env));
    expect(a).toMatchObject({ name: "@acme/a-worker", version: "1.0.0", lockfileVersion: 3 });
    expect(a.packages[""]).toEqual({ name: "@acme/a-worker", version: "1.0.0", dependencies: { "is-number": "^7.0.0" } });
    expect(a.packages["node_modules/is-number"].version).toMatch(/^7\./);
    const b = JSON.parse(await lockfileFor(JSON.stringify({ name: "@acme/b-worker", version: "2.0.0", dependencies: { "is-number": "^7.0.0" } }), env));
    expect(b.packages[""].name).toBe("@acme/b-worker");
    expect(b.packages["node_modules/is-number"]).toEqual(a.packages["node_modules/is-number"]);
  }, 120_000);

  it("that npm cannot resolve fail with npm's reason on the first line", async () => {
    const env = { ...process.env, FLEET_CACHE_DIR: await mkdtemp(join(tmpdir(), "fleet-cache-")) };
    const failure = await lockfileFor(JSON.stringify({ name: "x", dependencies: { "fleet-no-such-package-4c1d": "^1.0.0" } }), env).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    const first = (failure as Error).message.split("\n")[0]!;
    expect(first).toMatch(/^npm could not resolve the worker's dependencies: .*(404|not found|fleet-no-such-package)/i);
  }, 120_000);
});
