// A worker routed by a wildcard route, `*.sites.example.test/*`, beside an ordinary one, through
// the whole migration on the local cloud: the pattern stays a pattern from discovery to the
// manifest, the plan, the registry entry, health (asked on its workers.dev name, then on the probe
// host the manifest names) and the cutover, which moves the route pattern itself — after it, every
// site under the pattern is answered by the worker, and no hostname `sites.example.test` appears.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { beforeAll, describe, expect, it } from "vitest";
import { miniflareOptions, requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { fileAt } from "../../src/git/commit-files.js";
import { parseManifest } from "../../src/manifest/load.js";
import { LOCAL_REGISTRY_URL } from "../../src/registry/local.js";
import { corpusRepo } from "../corpus/repo.js";
import { SITES_HOST, SITES_PATTERN, WWW, wildcardRouterCorpus } from "../corpus/wildcard-routes.js";
import { runFleet } from "../helpers/run.js";
import { NO_SECRETS, statusOf } from "../lifecycle/fixture.js";

const SCRIPT = "example-sites-worker";
const PLATFORM = "example-platform";
const FORWARD = "(request, env) => env.SITES_SERVICE.fetch(request)";

describe("a wildcard route through init, plan, registry, health and cutover", () => {
  let dir: string;
  const holders = async () => (await LocalCloudStore.at(dir).state()).routes;

  beforeAll(async () => {
    dir = await corpusRepo(wildcardRouterCorpus(), "fleet-wildcard-");
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    const init = await runFleet(["init", "--org", "example", "--cwd", dir]);
    if (init.code !== 0) throw new Error(init.stderr);
  });

  it("init keeps the pattern as written; plan shows it; no hostname sites.example.test anywhere", async () => {
    const text = await readFile(join(dir, "fleet.jsonc"), "utf8");
    const manifest = parseManifest(text);
    expect(manifest.workers.sites).toMatchObject({ routes: [SITES_PATTERN], source: { file: "src/services/sites.js", export: "handleSites" } });
    expect(manifest.workers.sites!.domain).toBeUndefined();
    expect(manifest.workers.www).toMatchObject({ domain: WWW });
    expect(manifest.workers.www!.routes).toBeUndefined();
    expect(text).not.toMatch(/"sites\.example\.test/);
    const plan = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout).workers as { id: string; domain: string | null; routes: string[] }[];
    expect(planned.find((w) => w.id === "sites")).toMatchObject({ domain: null, routes: [SITES_PATTERN] });
    expect(planned.find((w) => w.id === "www")).toMatchObject({ domain: WWW, routes: [] });
    const table = await runFleet(["plan", "--cwd", dir]);
    expect(table.stdout).toMatch(/sites\s+\*\.sites\.example\.test\/\*/);
  });

  it("the platform holds the pattern; the migrated worker is registered with it and checked on its workers.dev name", async () => {
    const deploy = await runFleet(["deploy", "--platform", "--cwd", dir]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(await holders()).toEqual({ [WWW]: PLATFORM, [SITES_HOST]: PLATFORM });
    const secrets = join(dir, "..", "wildcard-secrets.env");
    await writeFile(secrets, "CLOUDFLARE_API_TOKEN=test-token-value\nCLOUDFLARE_ACCOUNT_ID=test-account\n");
    const migrate = await runFleet(["migrate", "sites", "--secrets-file", secrets, "--cwd", dir], NO_SECRETS);
    expect(migrate.code, migrate.stdout + migrate.stderr).toBe(0);

    const mf = new Miniflare((await miniflareOptions(LocalCloudStore.at(dir), { persist: true })) as never);
    try {
      const entry = await (await mf.dispatchFetch(`${LOCAL_REGISTRY_URL}/api/services/sites`)).json();
      expect(entry).toMatchObject({ domain: null, routes: [SITES_PATTERN], endpoint: null, healthEndpoint: `https://${SCRIPT}.workers.dev/health` });
    } finally {
      await mf.dispose();
    }

    const health = await runFleet(["health", "sites", "--json", "--cwd", dir]);
    expect(health.code, health.stdout + health.stderr).toBe(0);
    expect(JSON.parse(health.stdout).workers).toEqual([
      expect.objectContaining({ id: "sites", host: `${SCRIPT}.workers.dev`, route: SITES_PATTERN, via: "workers.dev", state: "up" }),
    ]);
    const text = await runFleet(["health", "sites", "--cwd", dir]);
    expect(text.stdout).toContain(`${SITES_PATTERN} is a pattern: asked on its workers.dev name`);
  }, 120_000);

  it("cutover moves the route pattern: every site under it is the worker's, the ordinary hostname stays with the platform", async () => {
    const dry = await runFleet(["cutover", "sites", "--dry-run", "--cwd", dir], NO_SECRETS);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`-   { pattern = "${SITES_PATTERN}", zone_name = "example.test" },`);
    expect(dry.stdout).toContain(`+   "${SITES_HOST}": ${FORWARD},`);

    const result = await runFleet(["cutover", "sites", "--apply", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ status: "moved", hosts: [SITES_HOST] });
    expect(report.health).toEqual([expect.objectContaining({ url: `https://${SCRIPT}.workers.dev/health`, state: "up" })]);
    expect(await holders()).toEqual({ [WWW]: PLATFORM, [SITES_HOST]: SCRIPT });

    // the platform's config on the branch: the pattern's route gone, www's kept
    const config = parseWranglerConfig((await fileAt(dir, "main", "wrangler.toml"))!, "wrangler.toml");
    expect(config.routes.map((r) => r.pattern)).toEqual([`${WWW}/*`]);
    expect(config.services.get("SITES_SERVICE")).toBe(SCRIPT);
    // the worker's repository routes the pattern itself, in the form the platform held it
    const repo = join(dir, ".fleet", "forge", "example", `${SCRIPT}.git`);
    const workerConfig = parseWranglerConfig((await fileAt(repo, "main", "wrangler.jsonc"))!, "wrangler.jsonc");
    expect(workerConfig.raw.routes).toEqual([{ pattern: SITES_PATTERN, zone_name: "example.test" }]);

    // every hostname under the pattern reaches the worker's own deployment (a version that says who it is)
    const store = LocalCloudStore.at(dir);
    const good = (await store.state()).workers[SCRIPT]!.active;
    const record = await store.version(SCRIPT, good);
    const whoAmI = `export default { fetch(request) { return Response.json({ servedBy: "worker", host: new URL(request.url).hostname }); } };`;
    await store.deploy(record.spec, { main: "index.js", modules: [{ name: "index.js", contents: whoAmI }] }, record.source);
    try {
      for (const site of ["a.sites.example.test", "b.sites.example.test"])
        expect((await requestOnce(store, `https://${site}/`)).body).toEqual({ servedBy: "worker", host: site });
      expect((await requestOnce(store, `https://${WWW}/health`)).body).toMatchObject({ status: "ok", service: "www" });
      expect((await requestOnce(store, "https://sites.example.test/")).status).toBe(404);
    } finally {
      await store.rollback(SCRIPT, good);
    }
  }, 120_000);

  it("with a probe host in the manifest, health asks it through the route, and says so", async () => {
    const path = join(dir, "fleet.jsonc");
    const text = await readFile(path, "utf8");
    await writeFile(
      path,
      text.replace(
        `"routes": [\n        "${SITES_PATTERN}"\n      ],`,
        `"routes": [\n        "${SITES_PATTERN}"\n      ],\n      "probeHost": "a.sites.example.test",`,
      ),
    );
    expect(parseManifest(await readFile(path, "utf8")).workers.sites!.probeHost).toBe("a.sites.example.test");
    const health = await runFleet(["health", "--json", "--cwd", dir]);
    expect(health.code, health.stdout + health.stderr).toBe(0);
    const rows = JSON.parse(health.stdout).workers;
    expect(rows).toContainEqual(
      expect.objectContaining({
        id: "sites",
        host: "a.sites.example.test",
        route: SITES_PATTERN,
        via: "probe-host",
        url: "https://a.sites.example.test/health",
        state: "up",
      }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ id: "www", host: WWW, state: "up" }));
    expect(rows.find((r: { id: string }) => r.id === "www")).not.toHaveProperty("via");
    // the checklist: health where the worker holds the pattern, on its probe host; the router forwards the pattern's entry
    const steps = await statusOf(dir, "sites");
    expect(steps.health).toMatchObject({ state: "done", evidence: expect.stringContaining("https://a.sites.example.test/health → 200") });
    expect(steps.migrated).toMatchObject({ state: "done", evidence: expect.stringContaining(`forwards ${SITES_HOST} to env.SITES_SERVICE`) });
    // the registry's health endpoint follows: the probe host, not workers.dev (and never the stripped domain)
    const registry = await runFleet(["registry", "sync", "--json", "--cwd", dir]);
    expect(registry.code, registry.stderr).toBe(0);
    expect(JSON.parse(registry.stdout).entries).toContainEqual({ serviceId: "sites", action: "update" });
    const mf = new Miniflare((await miniflareOptions(LocalCloudStore.at(dir), { persist: true })) as never);
    try {
      const entry = await (await mf.dispatchFetch(`${LOCAL_REGISTRY_URL}/api/services/sites`)).json();
      expect(entry).toMatchObject({ domain: null, routes: [SITES_PATTERN], healthEndpoint: "https://a.sites.example.test/health" });
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
