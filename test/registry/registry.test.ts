// The registry worker in workerd, and fleet registry sync against it.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { describe, expect, it } from "vitest";
import { miniflareOptions } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { git } from "../../src/git/git.js";
import { LOCAL_REGISTRY_URL } from "../../src/registry/local.js";
import { REGISTRY_WORKER } from "../../src/registry/worker-source.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const MANIFEST = {
  org: "acme", repoName: "acme-{service}-worker", zone: "acme.dev", monorepo: { layout: "directories" },
  workers: { api: { domain: "api.acme.dev", aliases: ["gateway.acme.dev"], source: { dir: "workers/api" } }, auth: { domain: "auth.acme.dev", external: "https://github.com/acme/auth" } },
};

describe("the service registry", () => {
  it("answers its API in workerd: upsert, get, list, and a bearer token when one is set", async () => {
    const mf = new Miniflare({ modules: true, script: REGISTRY_WORKER, kvNamespaces: ["SERVICES"], bindings: { REGISTRY_TOKEN: "t0ken" }, compatibilityDate: "2025-09-01", cf: false });
    try {
      const put = (token: string) => mf.dispatchFetch("https://r/api/services/api", { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ serviceId: "api", name: "API", version: "v1", secret: "ignored" }) });
      expect((await put("wrong")).status).toBe(401);
      expect((await put("t0ken")).status).toBe(201);
      expect((await put("t0ken")).status).toBe(200);
      const entry = await (await mf.dispatchFetch("https://r/api/services/api")).json();
      expect(entry).toMatchObject({ serviceId: "api", name: "API", version: "v1" });
      expect(entry).not.toHaveProperty("secret");
      expect((await mf.dispatchFetch("https://r/api/services/nope")).status).toBe(404);
      expect(await (await mf.dispatchFetch("https://r/api/services")).json()).toMatchObject({ services: [{ serviceId: "api" }] });
    } finally {
      await mf.dispose();
    }
  });

  it("fleet registry sync upserts every worker, a dry run changes nothing, a second sync is a no-op", async () => {
    const dir = await tempDir();
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    await writeFile(join(dir, "fleet.jsonc"), JSON.stringify(MANIFEST));
    const dry = await runFleet(["registry", "sync", "--dry-run", "--json", "--cwd", dir]);
    expect(JSON.parse(dry.stdout).entries).toEqual([{ serviceId: "api", action: "create" }, { serviceId: "auth", action: "create" }]);
    const first = await runFleet(["registry", "sync", "--cwd", dir]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("2 changed");
    const second = await runFleet(["registry", "sync", "--cwd", dir]);
    expect(second.stderr).toContain("nothing to do");
    // the library call the command makes, from the package's entry: the same answer, as data
    const { registrySync } = await import("../../src/index.js");
    const asData = await registrySync({ cwd: dir, dryRun: true });
    expect(asData).toMatchObject({ registry: LOCAL_REGISTRY_URL, dryRun: true });
    expect(asData.entries.map((e) => [e.serviceId, e.action, e.domain])).toEqual([["api", "unchanged", "api.acme.dev"], ["auth", "unchanged", "auth.acme.dev"]]);

    const mf = new Miniflare((await miniflareOptions(LocalCloudStore.at(dir))) as never);
    try {
      const api = await (await mf.dispatchFetch(`${LOCAL_REGISTRY_URL}/api/services/api`)).json();
      expect(api).toMatchObject({ serviceId: "api", cloudflareWorker: "acme-api-worker", domain: "api.acme.dev", aliases: ["gateway.acme.dev"], healthEndpoint: "https://api.acme.dev/health", repository: "https://github.com/acme/acme-api-worker", version: "not deployed" });
      const auth = await (await mf.dispatchFetch(`${LOCAL_REGISTRY_URL}/api/services/auth`)).json();
      expect(auth).toMatchObject({ repository: "https://github.com/acme/auth", version: "external", aliases: [] });
    } finally {
      await mf.dispose();
    }
    const bad = await runFleet(["registry", "sink", "--cwd", dir]);
    expect(bad.code).toBe(2);
  });
});

describe("a remote registry", () => {
  it("fleet registry sync talks to a registry URL over HTTP with a bearer token from the environment", async () => {
    // The real registry worker, served by Miniflare on a real port of 127.0.0.1: a remote registry as far as fleet can tell.
    const registry = new Miniflare({ modules: true, script: REGISTRY_WORKER, kvNamespaces: ["SERVICES"], bindings: { REGISTRY_TOKEN: "remote-t0ken" }, compatibilityDate: "2025-09-01", cf: false, host: "127.0.0.1", port: 0 });
    try {
      const url = (await registry.ready).toString().replace(/\/$/, "");
      const dir = await tempDir();
      await git(["init", "-q", "-b", "main"], { cwd: dir });
      await writeFile(join(dir, "fleet.jsonc"), JSON.stringify({ ...MANIFEST, providers: { registry: url } }));
      const refused = await runFleet(["registry", "sync", "--cwd", dir], { FLEET_REGISTRY_TOKEN: "wrong" });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("refused the update of api (HTTP 401)");
      expect(refused.stderr).not.toContain("wrong");
      const synced = await runFleet(["registry", "sync", "--cwd", dir], { FLEET_REGISTRY_TOKEN: "remote-t0ken" });
      expect(synced.code).toBe(0);
      expect(synced.stderr).toContain("2 changed");
      const listed = (await (await fetch(`${url}/api/services`)).json()) as { services: { serviceId: string }[] };
      expect(listed.services.map((s) => s.serviceId)).toEqual(["api", "auth"]);
    } finally {
      await registry.dispose();
    }
  });
});
