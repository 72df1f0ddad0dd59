// One writer at a time per monorepo: a second command waits or refuses clearly; a lock left by a
// killed command is taken over; two syncs at once give the result of one.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { carvedFleet, IDENTITY } from "../repos/extracted.fixture.js";

const LOCK_MODULE = fileURLToPath(new URL("../../dist/fs/lock.js", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/fleet.js", import.meta.url));

/** A process that takes the monorepo's lock as `fleet holder-test` and keeps it for `ms`. */
async function holdLock(dir: string, ms: number): Promise<{ pid: number; done: Promise<number | null> }> {
  const script = join(await tempDir("fleet-lock-"), "hold.mjs");
  await writeFile(script, `import { withMonorepoLock } from ${JSON.stringify(LOCK_MODULE)};\nawait withMonorepoLock(${JSON.stringify(dir)}, "fleet holder-test", { timeoutMs: 1000 }, async () => { console.log("locked"); await new Promise((r) => setTimeout(r, ${ms})); });\n`);
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve()));
  return { pid: child.pid!, done: new Promise((r) => child.on("exit", (code) => r(code))) };
}

function fleetProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...IDENTITY, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("the monorepo lock", () => {
  let dir: string;
  beforeAll(async () => {
    dir = (await carvedFleet("router", 120)).dir;
  }, 300_000);

  it("a second writer refuses clearly after its deadline, changing nothing; or waits and then runs", async () => {
    const holder = await holdLock(dir, 4000);
    const refs = await gitText(["for-each-ref", "refs/fleet/"], { cwd: dir });
    const refused = await runFleet(["split", "--all", "--cwd", dir], { FLEET_LOCK_TIMEOUT: "1" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`the monorepo is locked by \`fleet holder-test\` (pid ${holder.pid}`);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await gitText(["for-each-ref", "refs/fleet/"], { cwd: dir })).toBe(refs);
    const waited = await runFleet(["split", "--all", "--cwd", dir], { FLEET_LOCK_TIMEOUT: "60" });
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain("waiting: the monorepo is locked by `fleet holder-test`");
    expect(await holder.done).toBe(0);
  }, 120_000);

  it("takes over a lock whose holder was killed", async () => {
    const holder = await holdLock(dir, 60_000);
    process.kill(holder.pid, "SIGKILL");
    await holder.done;
    const result = await runFleet(["split", "--all", "--cwd", dir], { FLEET_LOCK_TIMEOUT: "5" });
    expect(result.code, result.stderr).toBe(0);
  }, 60_000);

  it("read-only commands do not wait for it", async () => {
    const holder = await holdLock(dir, 5000);
    const plan = await runFleet(["plan", "--json", "--cwd", dir], { FLEET_LOCK_TIMEOUT: "1" });
    expect(plan.code, plan.stderr).toBe(0);
    await holder.done;
  }, 60_000);

  it("two syncs at once: one waits for the other; each worker gets exactly one merge", async () => {
    // a new commit for one worker, then two syncs started together
    const file = join(dir, "src", "services", "registry.js");
    await writeFile(file, `${await (await import("node:fs/promises")).readFile(file, "utf8")}\n// concurrent\n`);
    await git(["commit", "-qam", "chore(registry): a line"], { cwd: dir, env: IDENTITY });
    const [a, b] = await Promise.all([fleetProcess(["sync", "--all", "--cwd", dir]), fleetProcess(["sync", "--all", "--cwd", dir])]);
    expect([a.code, b.code], a.output + "\n----\n" + b.output).toEqual([0, 0]);
    expect(a.output + b.output).toContain("waiting: the monorepo is locked by"); // by `fleet sync`, or "another fleet command" if asked before it wrote its name
    const bare = join(dir, ".fleet", "forge", "chittyos", "chittyos-registry-worker.git");
    const merges = await gitText(["log", "--first-parent", "--format=%s", "-n", "2", "main"], { cwd: bare });
    expect(merges.split("\n")[0]).toMatch(/^Sync registry from /);
    const lastTwoSources = await gitText(["log", "--first-parent", "--format=%(trailers:key=Fleet-Source,valueonly)", "-n", "2", "main"], { cwd: bare });
    const [newest, previous] = lastTwoSources.split("\n").filter(Boolean);
    expect(newest).not.toBe(previous); // no second merge of the same monorepo commit
  }, 180_000);
});
