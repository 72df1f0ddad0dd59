// Slow suite: `npm start` — the whole demo — as a user runs it, then its results checked.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import { inChromium } from "../helpers/chromium.js";
import { tempDir } from "../helpers/tmp.js";
import { NO_SECRETS } from "../lifecycle/fixture.js";

const BIN = fileURLToPath(new URL("../../bin/fleet.js", import.meta.url));

function run(args: string[]): Promise<{ code: number; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...NO_SECRETS, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output, seconds: (performance.now() - started) / 1000 }));
  });
}

describe("fleet demo (npm start)", () => {
  it("migrates the example end to end and exits 0; project-initiation has all ten steps done; the page opens cleanly", async () => {
    const dir = join(await tempDir("fleet-demo-test-"), "demo");
    const demo = await run(["demo", "--dir", dir]);
    expect(demo.code, demo.output.slice(-4000)).toBe(0);
    console.log(`fleet demo took ${demo.seconds.toFixed(1)} s`);
    expect(demo.output).not.toMatch(/\x1b\[/); // no colour codes when not on a terminal
    expect(demo.output).toMatch(/project-initiation +initiate\.chitty\.cc/); // the plan's table
    for (const step of ["fleet init", "fleet deploy --platform", "fleet health", "fleet migrate --phase 1,2", "fleet cutover project-initiation --apply", "fleet status --html"]) expect(demo.output).toContain(`$ ${step}`);

    const status = await runFleet(["status", "--json", "--retries", "0", "--cwd", dir], NO_SECRETS);
    const workers = JSON.parse(status.stdout).workers as { id: string; phase: number; external: boolean; steps: { step: string; state: string; evidence: string }[] }[];
    const initiation = workers.find((w) => w.id === "project-initiation")!;
    expect(initiation.steps.filter((s) => s.state !== "done")).toEqual([]);
    // every phase 1 and 2 worker is migrated up to its cutover
    for (const w of workers.filter((x) => x.phase <= 2 && !x.external)) {
      expect(w.steps.filter((s) => s.state !== "done").map((s) => s.step), w.id).toEqual(w.id === "project-initiation" ? [] : ["migrated"]);
    }

    await inChromium(join(dir, "fleet-status.html"), join(dir, "fleet-status.png"), async (tab, errors) => {
      expect(errors).toEqual([]);
      expect(await tab.$eval("header h1", (h) => h.textContent)).toContain("chittyos fleet");
    });
  }, 600_000);
});
