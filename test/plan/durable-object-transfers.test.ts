// Which Durable Object classes move at a worker's cutover: those the platform defines that the
// worker's own modules define — the service module or any module of its runtime closure (a class
// kept beside the service, re-exported by the router from there).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

describe("fleet plan: the Durable Objects that move at cutover", () => {
  it("finds a class defined in a module the service imports, not only in the service module", async () => {
    const dir = join(await tempDir("fleet-plan-objects-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 20 });
    // the class moves out of the service module into one it imports; the router re-exports it from there
    const service = join(dir, "src", "services", "sync.js");
    const code = await readFile(service, "utf8");
    const start = code.indexOf("export class SyncCoordinator");
    expect(start).toBeGreaterThan(0);
    const end = code.indexOf("\n}\n", start) + 3;
    await writeFile(join(dir, "src", "lib", "sync-coordinator.js"), code.slice(start, end));
    await writeFile(service, `import { SyncCoordinator } from "../lib/sync-coordinator.js";\nvoid SyncCoordinator;\n${code.slice(0, start)}${code.slice(end)}`);
    const router = join(dir, "src", "platform-worker.js");
    await writeFile(
      router,
      (await readFile(router, "utf8")).replace(
        `export { SyncCoordinator } from "./services/sync.js";`,
        `export { SyncCoordinator } from "./lib/sync-coordinator.js";`,
      ),
    );
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "--quiet", "-m", "SyncCoordinator in a module of its own"], { cwd: dir, env: IDENTITY });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const plan = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(plan.code, plan.stderr).toBe(0);
    const workers = (JSON.parse(plan.stdout) as { workers: { id: string; transfers: unknown[] }[] }).workers;
    expect(workers.filter((w) => w.transfers.length)).toEqual([
      expect.objectContaining({ id: "sync", transfers: [{ className: "SyncCoordinator", from: "chittyos-platform" }] }),
    ]);
  });
});
