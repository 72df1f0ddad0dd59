// Routes as written: a wildcard route (`*.sites.example.test/*`, the users' sites under it) is a
// pattern, not the hostname its suffix spells. Read from a config, discovered into the manifest
// (per environment), validated there, and listed as the worker's route in its registry entry —
// with health asked on its workers.dev name or its probe host, never on `sites.example.test`.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { hostnamesOf, parseWranglerConfig, wildcardRoutesOf } from "../../src/discovery/wrangler-config.js";
import { UserError } from "../../src/errors.js";
import { healthTargets, movedTargets } from "../../src/health/where.js";
import { parseManifest } from "../../src/manifest/load.js";
import { holderOf, routeHostMatches, workerRouteHosts } from "../../src/manifest/routes.js";
import { registryEntries } from "../../src/registry/entries.js";
import { corpusRepo } from "../corpus/repo.js";
import { SITES_HOST, SITES_PATTERN, STAGING_PATTERN, WWW, wildcardDirectoriesCorpus } from "../corpus/wildcard-routes.js";
import { runFleet } from "../helpers/run.js";

const SITES_CONFIG = wildcardDirectoriesCorpus()["workers/sites/wrangler.toml"]!;

describe("a wildcard route in a wrangler config", () => {
  it("stays a pattern: its host keeps the wildcard, it is no hostname, and each environment keeps its own", () => {
    const config = parseWranglerConfig(SITES_CONFIG, "wrangler.toml");
    expect(config.routes).toEqual([{ pattern: SITES_PATTERN, host: SITES_HOST, wildcard: true, customDomain: false, zone: "example.test" }]);
    expect(hostnamesOf(config)).toEqual({ production: [], staging: [] });
    expect(wildcardRoutesOf(config)).toEqual({ production: [SITES_PATTERN], staging: [STAGING_PATTERN] });
    const json = parseWranglerConfig(JSON.stringify({ name: "x", routes: ["HTTPS://*.Sites.Example.test/app/*", `${WWW}/*`] }), "wrangler.json");
    expect(wildcardRoutesOf(json).production).toEqual(["*.sites.example.test/app/*"]);
    expect(hostnamesOf(json).production).toEqual([WWW]);
  });

  it("as a custom domain is the config's error: a clear message naming the file, and init exits 2 writing nothing", async () => {
    const config = wildcardDirectoriesCorpus({ customDomain: true })["workers/sites/wrangler.toml"]!;
    expect(() => parseWranglerConfig(config, "workers/sites/wrangler.toml")).toThrow(UserError);
    const dir = await corpusRepo(wildcardDirectoriesCorpus({ customDomain: true }));
    const init = await runFleet(["init", "--org", "example", "--cwd", dir]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(`workers/sites/wrangler.toml: the custom domain ${SITES_HOST} is a wildcard`);
    expect(init.stderr).toContain("make it a route in its zone");
    expect(init.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "fleet.jsonc"))).toBe(false);
  });
});

describe("a directories monorepo whose sites worker is routed by *.sites.example.test/*", () => {
  it("init writes the pattern (and the staging one) as written; plan, health and the registry act on it, never on sites.example.test", async () => {
    const dir = await corpusRepo(wildcardDirectoriesCorpus(), "fleet-wildcard-dirs-");
    const init = await runFleet(["init", "--org", "example", "--cwd", dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).not.toContain("no route");
    const text = await readFile(join(dir, "fleet.jsonc"), "utf8");
    expect(text).not.toMatch(/"sites(-staging)?\.example\.test"/);
    const manifest = parseManifest(text);
    expect(manifest.zone).toBe("example.test");
    expect(manifest.workers.sites).toMatchObject({ routes: [SITES_PATTERN], stagingRoutes: [STAGING_PATTERN], source: { dir: "workers/sites" } });
    expect(manifest.workers.sites).not.toHaveProperty("domain");
    expect(manifest.workers.sites).not.toHaveProperty("stagingHostnames");
    expect(manifest.workers.www).toMatchObject({ domain: WWW });

    const plan = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).workers.find((w: { id: string }) => w.id === "sites")).toMatchObject({ domain: null, routes: [SITES_PATTERN] });

    // nothing is deployed: every check is down, but each asks where it should
    const health = await runFleet(["health", "--json", "--retries", "0", "--timeout", "2000", "--cwd", dir]);
    expect(health.code).toBe(1);
    const rows = JSON.parse(health.stdout).workers.map((r: Record<string, unknown>) => [r.id, r.url, r.route, r.via]);
    expect(rows).toEqual([
      ["sites", "https://example-sites-worker.workers.dev/health", SITES_PATTERN, "workers.dev"],
      ["www", `https://${WWW}/health`, undefined, undefined],
    ]);

    const entries = await registryEntries(manifest, LocalCloudStore.at(dir));
    expect(entries.find((e) => e.serviceId === "sites")).toMatchObject({
      domain: null,
      aliases: [],
      routes: [SITES_PATTERN],
      endpoint: null,
      healthEndpoint: "https://example-sites-worker.workers.dev/health",
    });
    expect(entries.find((e) => e.serviceId === "www")).not.toHaveProperty("routes");

    // a manifest written before (the pattern's suffix as the domain) stays valid and is kept, and init says what to change
    const path = join(dir, "fleet.jsonc");
    const old = text.replace(`"routes": [\n        "${SITES_PATTERN}"\n      ],`, `"domain": "sites.example.test",`);
    expect(old).not.toBe(text);
    await writeFile(path, old);
    const again = await runFleet(["init", "--cwd", dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`fleet.jsonc has sites.example.test as a hostname, but its config routes the pattern ${SITES_PATTERN}`);
    expect(await readFile(path, "utf8")).toBe(old);
  }, 60_000);
});

describe("wildcard routes in fleet.jsonc", () => {
  const manifest = (sites: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      org: "example",
      zone: "example.test",
      monorepo: { layout: "directories" },
      workers: { sites: { source: { dir: "workers/sites" }, ...sites }, ...extra },
    });
  const problemsOf = (text: string): string[] => {
    try {
      parseManifest(text, "fleet.jsonc");
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return (error as UserError).problems;
    }
    throw new Error("expected the manifest to be rejected");
  };

  it("keeps a manifest with none valid, and takes a pattern with a probe host it serves", () => {
    expect(parseManifest(manifest({ domain: WWW })).workers.sites!.routes).toBeUndefined();
    const parsed = parseManifest(manifest({ routes: [SITES_PATTERN, "*example.test/api/*"], probeHost: "a.sites.example.test" }));
    expect(parsed.workers.sites).toMatchObject({ routes: [SITES_PATTERN, "*example.test/api/*"], probeHost: "a.sites.example.test" });
  });

  it("refuses a hostname as a route, a probe host no route serves, and a pattern two workers claim — each with its place", () => {
    expect(problemsOf(manifest({ routes: ["sites.example.test/*"] })).join("\n")).toMatch(/workers\.sites\.routes\[0\]: must be a wildcard route pattern/);
    expect(problemsOf(manifest({ routes: [SITES_PATTERN], probeHost: "sites.example.test" })).join("\n")).toMatch(
      /probeHost sites\.example\.test: none of its routes \(\*\.sites\.example\.test\) serves it/,
    );
    expect(problemsOf(manifest({ domain: WWW, probeHost: "a.example.test" })).join("\n")).toContain('worker "sites" has no wildcard route');
    const twice = problemsOf(manifest({ routes: [SITES_PATTERN] }, { copy: { source: { dir: "workers/copy" }, routes: [SITES_PATTERN] } }));
    expect(twice.join("\n")).toContain(`route ${SITES_PATTERN} is already used by worker "sites"`);
  });
});

describe("where a pattern is matched, held and asked", () => {
  it("matches as Cloudflare matches routes: *.a.b under a.b only, *a.b a.b too; a hostname's own route wins", () => {
    expect(routeHostMatches(SITES_HOST, "a.sites.example.test")).toBe(true);
    expect(routeHostMatches(SITES_HOST, "x.y.sites.example.test")).toBe(true);
    expect(routeHostMatches(SITES_HOST, "sites.example.test")).toBe(false);
    expect(routeHostMatches("*sites.example.test", "sites.example.test")).toBe(true);
    const held = { [SITES_HOST]: "sites", "special.sites.example.test": "special", "*.example.test": "catch-all" };
    expect(holderOf(held, "a.sites.example.test")).toBe("sites");
    expect(holderOf(held, "special.sites.example.test")).toBe("special");
    expect(holderOf(held, "other.example.test")).toBe("catch-all");
    expect(holderOf(held, "elsewhere.test")).toBeUndefined();
  });

  it("asks a hostname on itself, a pattern on the probe host it serves or else the workers.dev name", () => {
    const worker = { domain: WWW, routes: [SITES_PATTERN, "*.docs.example.test/*"], probeHost: "a.sites.example.test" };
    expect(workerRouteHosts(worker)).toEqual([WWW, SITES_HOST, "*.docs.example.test"]);
    expect(healthTargets(worker, "w.workers.dev")).toEqual([
      { route: WWW, host: WWW, via: "hostname" },
      { route: SITES_PATTERN, host: "a.sites.example.test", via: "probe-host" },
      { route: "*.docs.example.test/*", host: "w.workers.dev", via: "workers.dev" },
    ]);
    expect(healthTargets({ routes: [SITES_PATTERN] })).toEqual([]);
    expect(movedTargets([SITES_HOST, "*.docs.example.test", "*.more.example.test"], undefined, "w.workers.dev")).toEqual([
      { route: SITES_HOST, host: "w.workers.dev", via: "workers.dev" },
    ]);
  });
});
