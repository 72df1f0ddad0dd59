// How fleet's costs grow with the fleet and its history: synthetic monorepos of 34, 100 and 300
// workers with 5k, 20k and 100k commits (bench/scale/synthetic.ts). For each: the first split of
// the whole fleet (anchor: git filter-repo for one worker on the same history), and `fleet sync
// --all` after one new commit; per fleet size: `fleet create --all`, and, with every worker
// deployed to the local cloud, `fleet health` and `fleet status`. Wall time and peak memory.
// Run: npm run build && node bench/scale/run.ts [--workers 34,100,300] [--commits 5000,20000,100000] [--runs 1]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median } from "../lib/measure.ts";
import { generateSynthetic } from "./synthetic.ts";

const { values } = parseArgs({ options: { workers: { type: "string", default: "34,100,300" }, commits: { type: "string", default: "5000,20000,100000" }, runs: { type: "string", default: "1" } } });
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) throw new Error("build first: npm run build");
const ENV = { GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "b@chitty.cc", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "b@chitty.cc", CI: "1", NO_COLOR: "1", FLEET_LOCK_TIMEOUT: "5" };
const work = mkdtempSync(join(tmpdir(), "fleet-bench-scale-"));
const PEAK = join(work, "peak");
const runs = Number(values.runs);

/** Wall time (ms) and peak resident memory (MB) of a command: the median of `runs` runs. */
function measure(cwd: string, command: string[], prepare?: () => void): { ms: number; mb: number } {
  const times: number[] = [];
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    prepare?.();
    const started = process.hrtime.bigint();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", PEAK, ...command], { cwd, encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.status !== 0 && !(command.includes("health") || command.includes("status"))) throw new Error(`${command.join(" ")} failed: ${r.stdout}${r.stderr}`);
    peaks.push(Number(readFileSync(PEAK, "utf8").trim().split("\n").pop()) / 1024);
  }
  return { ms: median(times), mb: median(peaks) };
}
const fleet = (cwd: string, ...args: string[]) => [process.execPath, BIN, ...args, "--cwd", cwd];
function sh(cwd: string, command: string[]): void {
  const r = spawnSync(command[0]!, command.slice(1), { cwd, encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${command.join(" ")} failed: ${r.stdout}${r.stderr}`);
}

interface Row {
  workers: number;
  commits: number;
  split: { ms: number; mb: number };
  filterRepo: { ms: number; mb: number };
  syncOne: { ms: number; mb: number };
  create?: { ms: number; mb: number };
  health?: { ms: number; mb: number };
  status?: { ms: number; mb: number };
}
const rows: Row[] = [];
const sizes = values.workers.split(",").map(Number);
const histories = values.commits.split(",").map(Number);

for (const workers of sizes) {
  for (const [h, commits] of histories.entries()) {
    process.stderr.write(`${workers} workers, ${commits} commits: generating…\n`);
    const dir = join(work, `m-${workers}-${commits}`);
    generateSynthetic(dir, workers, commits);
    sh(dir, ["sh", "-c", "echo .fleet/ >> .git/info/exclude"]);
    sh(dir, fleet(dir, "init", "--org", "chittyos"));
    const split = measure(dir, fleet(dir, "split", "--all"), () => rmSync(join(dir, ".git", "fleet", "split"), { recursive: true, force: true }));
    const clone = join(work, "anchor");
    const filterRepo = measure(clone, ["git", "filter-repo", "--force", "--partial", "--path", "src/services/svc-000.js", "--path", "src/lib/response.js"], () => {
      rmSync(clone, { recursive: true, force: true });
      sh(work, ["git", "clone", "-q", "--no-local", dir, clone]);
    });
    rmSync(clone, { recursive: true, force: true });
    process.stderr.write("  create and first sync…\n");
    const create = measure(dir, fleet(dir, "create", "--all"), () => rmSync(join(dir, ".fleet", "forge"), { recursive: true, force: true }));
    sh(dir, fleet(dir, "sync", "--all"));
    let n = 0;
    const syncOne = measure(dir, fleet(dir, "sync", "--all"), () => {
      sh(dir, ["sh", "-c", `echo "// bench ${++n}" >> src/services/svc-001.js && git commit -qam "bench: one more commit ${n}"`]);
    });
    const row: Row = { workers, commits, split, filterRepo, syncOne, ...(h === 0 ? { create } : {}) };
    if (h === 0) {
      process.stderr.write("  deploying every worker for health and status…\n");
      sh(dir, fleet(dir, "deploy", "--all", "--retries", "2"));
      row.health = measure(dir, fleet(dir, "health", "--retries", "0"));
      row.status = measure(dir, fleet(dir, "status", "--json", "--retries", "0"));
    }
    rows.push(row);
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (m?: { ms: number; mb: number }) => (m ? `${(m.ms / 1000).toFixed(2)} s / ${m.mb.toFixed(0)} MB` : "");
console.log(`# bench/scale — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${runs} run${runs === 1 ? "" : "s"} per cell (median)\n`);
console.log("| workers | commits | fleet split --all (first) | git filter-repo, one worker (anchor) | fleet sync --all after one commit | fleet create --all | fleet health | fleet status |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.workers} | ${r.commits} | ${s(r.split)} | ${s(r.filterRepo)} | ${s(r.syncOne)} | ${s(r.create)} | ${s(r.health)} | ${s(r.status)} |`);
console.log("\nGrowth:");
for (const workers of sizes) {
  const line = rows.filter((r) => r.workers === workers);
  if (line.length > 1) {
    const [a, b] = [line[0]!, line.at(-1)!];
    console.log(`- ${workers} workers, ${a.commits} → ${b.commits} commits (×${(b.commits / a.commits).toFixed(0)}): first split ×${(b.split.ms / a.split.ms).toFixed(2)}, sync after one commit ×${(b.syncOne.ms / a.syncOne.ms).toFixed(2)}`);
  }
}
const per = sizes.map((w) => rows.find((r) => r.workers === w && r.health)!).filter(Boolean);
if (per.length > 1) {
  const [a, b] = [per[0]!, per.at(-1)!];
  console.log(`- ${a.workers} → ${b.workers} workers (×${(b.workers / a.workers).toFixed(1)}): create ×${(b.create!.ms / a.create!.ms).toFixed(2)}, health ×${(b.health!.ms / a.health!.ms).toFixed(2)}, status ×${(b.status!.ms / a.status!.ms).toFixed(2)}`);
}
rmSync(work, { recursive: true, force: true });
