// The built CLI runs a first split in a worker thread with a small young generation
// (history/pass-thread.ts); from sources it runs in the calling thread. Both must give the same
// commits, and the thread must pass progress back.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import { splitFleet } from "../../src/history/split.js";
import { parseManifest } from "../../src/manifest/load.js";
import { planFleet } from "../../src/plan/plan.js";
import { tempDir } from "../helpers/tmp.js";

const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;

describe("a first split in its own thread", () => {
  it("gives the commits the same pass gives in this thread", async () => {
    const root = await tempDir("fleet-split-thread-");
    const dir = join(root, "mono");
    await generateExample(dir, { layout: "router", commits: 200 });
    const init = spawnSync(process.execPath, [BIN, "init", "--cwd", dir], { encoding: "utf8", env: { ...process.env, CI: "1" } });
    expect(init.status, init.stderr).toBe(0);
    const copy = join(root, "copy");
    await git(["clone", "-q", "--no-local", dir, copy], { cwd: root });

    const built = spawnSync(process.execPath, [BIN, "split", "--all", "--json", "--verbose", "--cwd", dir], {
      encoding: "utf8",
      env: { ...process.env, CI: "1" },
    });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toContain("started the pass's own thread");
    expect(built.stderr).toMatch(/read and rewrote \d+ commits/); // a phase told from the thread
    const threaded = (JSON.parse(built.stdout) as { workers: { id: string; commit: string | null; commits: number }[] }).workers;

    const plan = await planFleet(parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8")), dir);
    const targets = plan.workers.flatMap((w) => (w.filter ? [{ id: w.id, filter: w.filter }] : []));
    const here = (await splitFleet(copy, targets, { branch: "main" })).workers;
    expect(threaded.length).toBeGreaterThanOrEqual(34);
    const byId = (workers: { id: string; commit: string | null; commits: number }[]) => workers.map((w) => [w.id, w.commit, w.commits]).sort();
    expect(byId(threaded)).toEqual(byId(here));
  });
});
