// fleet deploy and rollback on the example fleet, run in workerd.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requestOnce } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { carvedFleet, cloneWorker, IDENTITY } from "../repos/extracted.fixture.js";

const get = (dir: string, url: string) => requestOnce(LocalCloudStore.at(dir), url) as Promise<{ status: number; body: any }>;

/** Pushes a new entry to a worker repository whose /health answers as given. */
async function pushEntry(dir: string, id: string, health: string): Promise<void> {
  const clone = await cloneWorker(dir, `chittyos-${id}-worker`);
  await writeFile(
    join(clone, "src", "index.js"),
    `export default { async fetch(request) { return new Response(${JSON.stringify(health)}, { status: ${health.includes('"ok"') ? 200 : 503}, headers: { "content-type": "application/json" } }); } };\n`,
  );
  await git(["commit", "-qam", `test: ${id} answers ${health}`], { cwd: clone, env: IDENTITY });
  await git(["push", "-q", "origin", "main"], { cwd: clone });
}

describe("fleet deploy to the local cloud", () => {
  let dir: string;
  beforeAll(async () => {
    dir = (await carvedFleet("router", 200)).dir;
  }, 300_000);

  it("deploys the platform with every hostname; new workers claim no hostname before their cutover and answer on workers.dev", async () => {
    const result = await runFleet(["deploy", "--platform", "registry", "beacon", "--cwd", dir]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.indexOf("registry")).toBeLessThan(result.stdout.indexOf("beacon"));
    expect(result.stderr).not.toContain("is held by");
    expect(await get(dir, "https://initiate.chitty.cc/health")).toMatchObject({ status: 200, body: { status: "ok", service: "project-initiation" } });
    expect(await get(dir, "https://chittyos-beacon-worker.workers.dev/health")).toMatchObject({ status: 200, body: { service: "beacon" } });
    const state = await LocalCloudStore.at(dir).state();
    expect(state.routes["beacon.chitty.cc"]).toBe("chittyos-platform");
    expect(Object.values(state.routes)).not.toContain("chittyos-beacon-worker");
  }, 300_000);

  it("fleet health reports every hostname as the local cloud answers it, with the real URLs", async () => {
    const result = await runFleet(["health", "--json", "--timeout", "2000", "--retries", "0", "--cwd", dir]);
    const workers = JSON.parse(result.stdout).workers as { id: string; url: string; state: string; status: number | null; error?: string }[];
    expect(workers.find((w) => w.id === "project-initiation")).toMatchObject({ url: "https://initiate.chitty.cc/health", state: "up", status: 200 });
    // the platform worker answers every fleet hostname, as in production before any cutover
    expect(workers.filter((w) => w.state === "up").map((w) => w.id)).toHaveLength(36);
    // external workers are not in the local cloud: no worker holds their hostname
    expect(workers.find((w) => w.id === "id")).toMatchObject({ state: "down", status: 404, error: "http" });
    expect(result.code).toBe(1);
    const text = await runFleet(["health", "registry", "--cwd", dir]);
    expect(text.stdout).toMatch(/^✅ up\s+registry\s+200\s+https:\/\/registry\.chitty\.cc\/health\s+\d+ ms$/m);
    expect(text.code).toBe(0);
    const typo = await runFleet(["health", "registy", "--cwd", dir]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean registry");
  }, 120_000);

  it("rolls back to the previous version, as /health shows", async () => {
    await pushEntry(dir, "registry", JSON.stringify({ status: "ok", service: "registry", version: "2.0.0" }));
    const second = await runFleet(["deploy", "registry", "--cwd", dir]);
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/registry +deployed +v2/);
    expect((await get(dir, "https://chittyos-registry-worker.workers.dev/health")).body.version).toBe("2.0.0");
    const rollback = await runFleet(["rollback", "registry", "--cwd", dir]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toMatch(/registry: v2 → v1/);
    expect((await get(dir, "https://chittyos-registry-worker.workers.dev/health")).body.version).toBe("1.0.0");
    const none = await runFleet(["rollback", "registry", "--to", "9", "--cwd", dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("registry has no version 9");
  }, 300_000);

  it("a dependency made unhealthy stops its dependants with a clear message and leaves the others deployed", async () => {
    await pushEntry(dir, "registry", JSON.stringify({ status: "down" }));
    const result = await runFleet(["deploy", "registry", "beacon", "analytics", "--retries", "1", "--json", "--cwd", dir]);
    expect(result.code).toBe(1);
    const byId = Object.fromEntries(JSON.parse(result.stdout).workers.map((w: { id: string }) => [w.id, w]));
    // the unhealthy new version is rolled back to the one live before it, which answers again
    expect(byId.registry).toMatchObject({
      status: "failed",
      version: { number: 3 },
      rolledBackTo: { number: 1 },
      detail: "deployed v3 but /health on chittyos-registry-worker.workers.dev is down; rolled back to v1",
    });
    expect((await get(dir, "https://chittyos-registry-worker.workers.dev/health")).body.status).toBe("ok");
    expect(byId.beacon).toMatchObject({ status: "skipped", detail: "dependency registry was not deployed healthy" });
    expect(byId.analytics).toMatchObject({ status: "deployed" });
  }, 300_000);
});
