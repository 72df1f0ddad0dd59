// Crash trials (slow suite): `fleet create --all`, `fleet sync --all`, `fleet deploy` and
// `fleet cutover` killed with SIGKILL at pseudo-random moments, then run again until they
// finish. The end state equals an uninterrupted run's (same worker repositories, commit for
// commit; same forge metadata; same deployed sources and routes; same monorepo branch), no worker
// repository ever took a non-fast-forward push (every push goes through git with
// receive.denyNonFastForwards, and each repository's reflog is checked), and every state file
// parses (write-then-rename), `git fsck` clean.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";

const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
// Fixed dates and identity make the commits fleet writes identical run to run; every git process
// refuses non-fast-forward pushes and keeps reflogs, also in bare repositories.
const ENV = {
  GIT_AUTHOR_NAME: "T",
  GIT_AUTHOR_EMAIL: "t@chitty.cc",
  GIT_COMMITTER_NAME: "T",
  GIT_COMMITTER_EMAIL: "t@chitty.cc",
  GIT_AUTHOR_DATE: "1800000000 +0000",
  GIT_COMMITTER_DATE: "1800000000 +0000",
  GIT_CONFIG_COUNT: "2",
  GIT_CONFIG_KEY_0: "receive.denyNonFastForwards",
  GIT_CONFIG_VALUE_0: "true",
  GIT_CONFIG_KEY_1: "core.logAllRefUpdates",
  GIT_CONFIG_VALUE_1: "always",
  NO_COLOR: "1",
  CI: "1",
  CLOUDFLARE_API_TOKEN: "",
  CLOUDFLARE_ACCOUNT_ID: "",
};
const DEPLOYED = ["registry", "beacon", "project-initiation"];

function fleet(cwd: string, args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, "--cwd", cwd], { env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** A deterministic sequence of delays in [min, max) ms. */
function delays(seed: number, count: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return min + (x % (max - min));
  });
}

async function fixture(): Promise<string> {
  const dir = join(await tempDir("fleet-crash-"), "mono");
  await generateExample(dir, { layout: "router", commits: 60 });
  const init = await fleet(dir, ["init"]);
  expect(init.code, init.output).toBe(0);
  return dir;
}

/** What must be the same after an interrupted and an uninterrupted run. */
async function endState(dir: string): Promise<Record<string, unknown>> {
  const forge = join(dir, ".fleet", "forge", "chittyos");
  const repos: Record<string, unknown> = {};
  // (a ".creating-…" folder is a repository being made, not one yet: the forge does not list it)
  for (const name of (await readdir(forge).catch(() => [] as string[])).filter((n) => !n.startsWith(".")).sort()) {
    const bare = join(forge, name);
    const main = (await git(["rev-parse", "-q", "--verify", "refs/heads/main"], { cwd: bare, okCodes: [1] })).stdout.trim();
    const meta = JSON.parse(await readFile(join(bare, "fleet-forge.json"), "utf8")) as Record<string, unknown>;
    repos[name] = { main, meta };
  }
  const store = LocalCloudStore.at(dir);
  const state = await store.state();
  const deployed: Record<string, unknown> = {};
  for (const [script, entry] of Object.entries(state.workers)) {
    const v = await store.version(script, entry.active);
    deployed[script] = { commit: v.source.commit, repository: v.source.repository.replace(dir, "<dir>"), routes: v.spec.routes };
  }
  const branch = await gitText(["rev-parse", "refs/heads/main"], { cwd: dir });
  const cutover = (await git(["rev-parse", "-q", "--verify", "refs/heads/fleet/cutover/project-initiation"], { cwd: dir, okCodes: [1] })).stdout.trim();
  return { repos, deployed, routes: state.routes, branch, cutover };
}

/** No non-fast-forward update in any worker repository's history of main; files parse; fsck clean. */
async function checkIntegrity(dir: string): Promise<void> {
  const forge = join(dir, ".fleet", "forge", "chittyos");
  for (const name of (await readdir(forge).catch(() => [] as string[])).filter((n) => !n.startsWith("."))) {
    const bare = join(forge, name);
    const log = await readFile(join(bare, "logs", "refs", "heads", "main"), "utf8").catch(() => "");
    for (const line of log.split("\n").filter(Boolean)) {
      const [from, to] = line.split(" ");
      if (/^0+$/.test(from!)) continue;
      const ff = await git(["merge-base", "--is-ancestor", from!, to!], { cwd: bare, okCodes: [1] });
      expect(ff.code, `${name}: ${from} → ${to} is not a fast-forward`).toBe(0);
    }
    await git(["fsck", "--no-dangling"], { cwd: bare });
  }
  const files = [
    ...(await readdir(join(dir, ".fleet"), { recursive: true }).catch(() => [] as string[])).map((f) => join(dir, ".fleet", f)),
    ...(await readdir(join(dir, ".git", "fleet"), { recursive: true }).catch(() => [] as string[])).map((f) => join(dir, ".git", "fleet", f)),
  ].filter(
    (f) =>
      f.endsWith(".json") && !f.includes("node_modules") && !f.includes(join(".fleet", "cloud", "build")) && !f.includes(join(".fleet", "cloud", "packages")),
  );
  for (const f of files) expect(() => JSON.parse(readFileSync(f, "utf8")), f).not.toThrow();
  await git(["fsck", "--no-dangling"], { cwd: dir });
}

describe("crash trials", () => {
  let reference: Record<string, unknown>;
  // how long each command ran uninterrupted: kills are drawn within it, so that on a fast machine
  // as on a slow one they land while the command works rather than after it ended
  const took = new Map<string, number>();
  beforeAll(async () => {
    // the uninterrupted run
    const dir = await fixture();
    for (const args of [
      ["create", "--all"],
      ["sync", "--all"],
      ["deploy", "--platform", ...DEPLOYED],
      ["cutover", "project-initiation", "--apply"],
    ]) {
      const started = Date.now();
      const r = await fleet(dir, args);
      took.set(args[0]!, Date.now() - started);
      expect(r.code, `${args.join(" ")}: ${r.output}`).toBe(0);
    }
    reference = await endState(dir);
  }, 600_000);

  it("50 SIGKILLs across create, sync, deploy and cutover: every re-run converges to the uninterrupted end state", async () => {
    const dir = await fixture();
    // a delay in [min, the smaller of max and the uninterrupted run's time)
    const within = (command: string, min: number, max: number) => Math.max(min + 100, Math.min(max, took.get(command)!));
    const trials: { args: string[]; kills: number[] }[] = [
      { args: ["create", "--all"], kills: delays(1, 15, 300, within("create", 300, 3000)) },
      { args: ["sync", "--all"], kills: delays(2, 15, 300, within("sync", 300, 3500)) },
      { args: ["deploy", "--platform", ...DEPLOYED], kills: delays(3, 10, 500, within("deploy", 500, 6000)) },
      { args: ["cutover", "project-initiation", "--apply"], kills: delays(4, 10, 300, within("cutover", 300, 3000)) },
    ];
    let killed = 0;
    // what each run said, to tell a difference in the end state by its cause
    const said: string[] = [];
    const firstLanded: string[] = [];
    for (const trial of trials) {
      for (const [i, ms] of trial.kills.entries()) {
        const r = await fleet(dir, trial.args, ms);
        if (i === 0 && r.signal === "SIGKILL") firstLanded.push(trial.args[0]!);
        said.push(`$ fleet ${trial.args.join(" ")} (${r.signal === "SIGKILL" ? `killed at ${ms} ms` : `exit ${r.code}`})\n${r.output}`);
        if (r.signal === "SIGKILL") killed++;
        await checkIntegrity(dir);
      }
      // then to completion
      const done = await fleet(dir, trial.args);
      said.push(`$ fleet ${trial.args.join(" ")} (to completion, exit ${done.code})\n${done.output}`);
      expect(done.code, `${trial.args.join(" ")}: ${done.output}`).toBe(0);
    }
    // the trials are not vacuous: every command's first kill landed in its work, and many more did.
    // (Once a command has converged, its later runs are quick no-ops that a kill often misses; they
    // still show that a re-run after a kill changes nothing.)
    expect(firstLanded).toEqual(trials.map((t) => t.args[0]));
    expect(killed).toBeGreaterThanOrEqual(20);
    await checkIntegrity(dir);
    expect(await endState(dir), said.filter((s) => /deploy|cutover/.test(s.split("\n")[0]!)).join("\n")).toEqual(reference);
  }, 1_800_000);
});
