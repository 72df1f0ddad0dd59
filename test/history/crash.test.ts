// Crash safety: fleet killed with SIGKILL at named points and at random moments, then run again,
// ends where an uninterrupted run ends: same refs, none half-written, nothing lost.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";

const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
const IDENTITY = { GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@chitty.cc", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@chitty.cc", GIT_AUTHOR_DATE: "1800000000 +0000", GIT_COMMITTER_DATE: "1800000000 +0000" };

function fleet(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args, "--cwd", cwd], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CI: "1", ...IDENTITY, ...env } });
}

async function example(): Promise<string> {
  const dir = join(await tempDir(), "mono");
  await generateExample(dir, { commits: 300 });
  expect(fleet(dir, ["init"]).status).toBe(0);
  return dir;
}

/** One more monorepo commit, the same in every repository. */
async function addCommit(dir: string): Promise<void> {
  await git(["commit", "-q", "--allow-empty", "-m", "chore: marker"], { cwd: dir, env: IDENTITY });
  const file = join(dir, "src/lib/response.js");
  await import("node:fs/promises").then((fs) => fs.appendFile(file, "// touched\n"));
  await git(["commit", "-qam", "fix(lib): touch response"], { cwd: dir, env: IDENTITY });
}

async function splitRefs(dir: string): Promise<Record<string, string>> {
  const { stdout } = await git(["for-each-ref", "--format=%(refname) %(objectname)", "refs/fleet/split/"], { cwd: dir });
  return Object.fromEntries(stdout.split("\n").filter(Boolean).map((l) => l.split(" ") as [string, string]));
}

/** Every split ref names a commit that exists, and the object store is sound. */
async function assertSound(dir: string, allowed: Record<string, string>[]): Promise<void> {
  const refs = await splitRefs(dir);
  for (const [ref, sha] of Object.entries(refs)) {
    expect(allowed.some((a) => a[ref] === sha), `${ref} is neither the old nor the new value`).toBe(true);
    expect((await git(["cat-file", "-t", sha], { cwd: dir })).stdout.trim()).toBe("commit");
  }
  await git(["fsck", "--connectivity-only", "--no-dangling"], { cwd: dir });
}

describe("crash safety of split", () => {
  let expectedFull: Record<string, string>;
  let expectedAfterCommit: Record<string, string>;
  beforeAll(async () => {
    const dir = await example();
    expect(fleet(dir, ["split", "--all"]).status).toBe(0);
    expectedFull = await splitRefs(dir);
    await addCommit(dir);
    expect(fleet(dir, ["split", "--all"]).status).toBe(0);
    expectedAfterCommit = await splitRefs(dir);
    expect(expectedAfterCommit).not.toEqual(expectedFull);
  });

  for (const point of ["split:after-import", "split:after-refs", "split:during-cache"]) {
    it(`killed at ${point}, first and incremental split: a re-run converges`, async () => {
      const dir = await example();
      const killed = fleet(dir, ["split", "--all"], { FLEET_CRASH_AT: point });
      expect(killed.signal).toBe("SIGKILL");
      await assertSound(dir, [{}, expectedFull]);
      expect(fleet(dir, ["split", "--all"]).status).toBe(0);
      expect(await splitRefs(dir)).toEqual(expectedFull);

      await addCommit(dir);
      expect(fleet(dir, ["split", "--all"], { FLEET_CRASH_AT: point }).signal).toBe("SIGKILL");
      await assertSound(dir, [expectedFull, expectedAfterCommit]);
      expect(fleet(dir, ["split", "--all"]).status).toBe(0);
      expect(await splitRefs(dir)).toEqual(expectedAfterCommit);
    });
  }

  it("killed at random moments: a re-run converges", async () => {
    const dir = await example();
    for (const ms of [40, 120, 250, 400]) {
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, "split", "--all", "--cwd", dir], { env: { ...process.env, CI: "1" }, stdio: "ignore" });
        const timer = setTimeout(() => child.kill("SIGKILL"), ms);
        child.on("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await assertSound(dir, [{}, expectedFull]);
    }
    expect(fleet(dir, ["split", "--all"]).status).toBe(0);
    expect(await splitRefs(dir)).toEqual(expectedFull);
  });
});

describe("crash safety of sync", () => {
  for (const point of ["sync:after-merge-commit", "sync:after-push"]) {
    it(`killed at ${point}: the worker repository holds the old or the new main, and a re-run converges`, async () => {
      const dir = await example();
      const bare = join(dir, ".fleet/forge/chittyos/chittyos-registry-worker.git");
      await git(["init", "-q", "--bare", "-b", "main", bare], { cwd: dir });
      const killed = fleet(dir, ["sync", "registry"], { FLEET_CRASH_AT: point });
      expect(killed.signal).toBe("SIGKILL");
      const after = (await git(["rev-parse", "-q", "--verify", "refs/heads/main"], { cwd: bare, okCodes: [1] })).stdout.trim();
      expect(after === "" ? "empty" : "synced").toBe(point === "sync:after-push" ? "synced" : "empty");
      const rerun = fleet(dir, ["sync", "registry"]);
      expect(rerun.status).toBe(0);
      const tip = await gitText(["rev-parse", "refs/heads/main"], { cwd: bare });
      if (after) expect(tip).toBe(after);
      const split = await gitText(["rev-parse", "refs/fleet/split/registry"], { cwd: dir });
      expect((await gitText(["log", "-1", "--format=%(trailers:key=Fleet-Split,valueonly)", tip], { cwd: bare })).trim()).toBe(split);
    });
  }
});
