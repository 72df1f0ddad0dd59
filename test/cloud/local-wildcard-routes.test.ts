// The local cloud serves a wildcard route as Cloudflare does: the store holds the pattern's host
// (`*.sites.example.test`) as it holds a hostname — one holder, another worker's claim refused —
// and workerd routes every hostname under it by suffix, a hostname's own route first; the pattern's
// suffix itself (`sites.example.test`) is nobody's. A fleet served a batch at a time finds the
// pattern's holder for a hostname under it.
import { describe, expect, it } from "vitest";
import { RouteConflict } from "../../src/cloud/cloud.js";
import { inLocalBatches } from "../../src/cloud/local-batches.js";
import { requestOnce } from "../../src/cloud/runtime.js";
import { specFromConfig, type WorkerSpec } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { tempDir } from "../helpers/tmp.js";
import { SITES_HOST, wildcardDirectoriesCorpus } from "../corpus/wildcard-routes.js";

const source = { repository: "test", commit: "0".repeat(40), message: "test" };
const says = (name: string) => `export default { fetch(request) { return Response.json({ service: "${name}", host: new URL(request.url).hostname }); } };`;
const bundle = (name: string) => ({ main: "index.js", modules: [{ name: "index.js", contents: says(name) }] });
const spec = (script: string, routes: string[]): WorkerSpec => ({
  script,
  compatibilityDate: "2025-09-01",
  compatibilityFlags: [],
  routes,
  kv: [],
  d1: [],
  r2: [],
  durableObjects: {},
  vars: {},
  services: {},
});

describe("a wildcard route in the local cloud", () => {
  it("is held as written and served by suffix; the pattern's suffix and a claim by another worker are not", async () => {
    const store = new LocalCloudStore(await tempDir());
    const sites = specFromConfig(parseWranglerConfig(wildcardDirectoriesCorpus()["workers/sites/wrangler.toml"]!, "wrangler.toml"));
    expect(sites.routes).toEqual([SITES_HOST]);
    await store.deploy(sites, bundle("sites"), source);
    await store.deploy(spec("special", ["special.sites.example.test"]), bundle("special"), source);
    expect((await store.state()).routes).toEqual({ [SITES_HOST]: "example-sites", "special.sites.example.test": "special" });
    await expect(store.deploy(spec("copycat", [SITES_HOST]), bundle("copycat"), source)).rejects.toThrow(RouteConflict);

    for (const site of ["a.sites.example.test", "b.sites.example.test", "x.y.sites.example.test"])
      expect((await requestOnce(store, `https://${site}/`)).body).toEqual({ service: "sites", host: site });
    expect((await requestOnce(store, "https://special.sites.example.test/")).body).toMatchObject({ service: "special" });
    expect((await requestOnce(store, "https://sites.example.test/")).status).toBe(404);

    // one script a batch: the hostname under the pattern is asked of the pattern's holder
    const targets = ["https://a.sites.example.test/", "https://special.sites.example.test/", "https://sites.example.test/"].map((url) => ({ url }));
    const answers = await inLocalBatches(store, targets, async (fetch, t) => (await fetch(t.url)).json(), { concurrency: 2, persist: false, batchScripts: 1 });
    expect(answers).toEqual([
      { service: "sites", host: "a.sites.example.test" },
      { service: "special", host: "special.sites.example.test" },
      expect.objectContaining({ error: "no worker is routed for this hostname" }),
    ]);
  }, 60_000);
});
