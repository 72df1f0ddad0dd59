// A registry that fails on purpose: fleet registry sync retries with backoff within its deadline,
// writes every entry it can, names the ones it could not, exits 1; the re-run finishes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../../src/git/git.js";
import { REGISTRY_WORKER } from "../../src/registry/worker-source.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { FaultyProxy } from "./faulty-proxy.js";

const TOKEN = "registry-t0ken";
const workers = Object.fromEntries(["api", "auth", "billing", "cases"].map((id) => [id, { domain: `${id}.acme.dev`, source: { dir: `workers/${id}` } }]));
const MANIFEST = { org: "acme", zone: "acme.dev", monorepo: { layout: "directories" }, workers };

describe("a registry that fails on purpose", () => {
  let registry: Miniflare;
  let proxy: FaultyProxy;
  let dir: string;
  beforeAll(async () => {
    // the real registry worker on a port of 127.0.0.1, behind the faulty proxy
    registry = new Miniflare({ modules: true, script: REGISTRY_WORKER, kvNamespaces: ["SERVICES"], bindings: { REGISTRY_TOKEN: TOKEN }, compatibilityDate: "2025-09-01", cf: false, host: "127.0.0.1", port: 0 });
    proxy = await new FaultyProxy((await registry.ready).toString()).start();
    dir = await tempDir();
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    await writeFile(join(dir, "fleet.jsonc"), JSON.stringify({ ...MANIFEST, providers: { registry: proxy.url } }));
  });
  afterAll(async () => {
    await proxy.stop();
    await registry.dispose();
  });

  it("retries 500, 429 with retry-after, a reset and a hang; gives up on one entry after its retries; the re-run finishes", async () => {
    proxy
      .fail(/^PUT \/api\/services\/api$/, { kind: "status", status: 500 })
      .fail(/^PUT \/api\/services\/auth$/, { kind: "status", status: 429, headers: { "retry-after": "1" } })
      .fail(/^PUT \/api\/services\/billing$/, { kind: "reset" })
      .fail(/^PUT \/api\/services\/billing$/, { kind: "hang" })
      .fail(/^PUT \/api\/services\/cases$/, { kind: "status", status: 503 }, 5); // more than its retries
    const first = await runFleet(["registry", "sync", "--retries", "3", "--timeout", "1000", "--json", "--cwd", dir], { FLEET_REGISTRY_TOKEN: TOKEN });
    expect(first.code, first.stderr).toBe(1);
    const entries = JSON.parse(first.stdout).entries as { serviceId: string; action: string; error?: string }[];
    expect(entries.map((e) => [e.serviceId, e.error ? "failed" : "ok"])).toEqual([["api", "ok"], ["auth", "ok"], ["billing", "ok"], ["cases", "failed"]]);
    expect(entries[3]!.error).toMatch(/PUT \/api\/services\/cases failed after 4 attempts: HTTP 503/);
    const faults = proxy.log.filter((l) => l.fault).map((l) => `${l.path} ${l.fault}`);
    expect(faults).toEqual(["/api/services/api 500", "/api/services/auth 429", "/api/services/billing reset", "/api/services/billing hang", ...Array(4).fill("/api/services/cases 503")]);

    const second = await runFleet(["registry", "sync", "--json", "--cwd", dir], { FLEET_REGISTRY_TOKEN: TOKEN });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout).entries as { serviceId: string; action: string }[]).map((e) => [e.serviceId, e.action])).toEqual([["api", "unchanged"], ["auth", "unchanged"], ["billing", "unchanged"], ["cases", "create"]]);
  }, 120_000);

  it("a registry that cannot be reached at all is a clear error that changes nothing", async () => {
    proxy.fail(/^GET \/api\/services$/, { kind: "reset" }, 10);
    const r = await runFleet(["registry", "sync", "--retries", "2", "--timeout", "500", "--cwd", dir], { FLEET_REGISTRY_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach the registry at .*: GET \/api\/services failed after 3 attempts: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
