// Splitting the fleet, side by side with the anchors on the same generated example:
//   fleet split --all (one pass for every worker)      git filter-repo --partial, once per worker
//   git subtree split --prefix, per worker (directories) git fast-export --all > /dev/null (read floor)
//   fleet split --all after one new commit (incremental) node -e 0 (start-up anchor)
// Run: npm run build && node bench/split/run.ts [--commits 5000,100000] [--runs 3] [--sample 3]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compare, median, report, type Candidate, type Measured } from "../lib/measure.ts";

const { values } = parseArgs({
  options: {
    commits: { type: "string", default: "5000,100000" },
    layouts: { type: "string", default: "router,directories" },
    runs: { type: "string", default: "3" },
    sample: { type: "string", default: "3" },
    "subtree-max-commits": { type: "string", default: "5000" },
  },
});
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) throw new Error("build first: npm run build");
const runs = Number(values.runs);
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), "fleet-bench-split-"));
const IDENTITY = { GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "b@chitty.cc", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "b@chitty.cc", GIT_AUTHOR_DATE: "1800000000 +0000", GIT_COMMITTER_DATE: "1800000000 +0000" };

function sh(cwd: string, command: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(command[0]!, command.slice(1), { cwd, encoding: "utf8", env: { ...process.env, ...IDENTITY, CI: "1", ...env }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${command.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

function filterArgs(filter: { subdirectory: string } | { paths: string[] }): string[] {
  return "subdirectory" in filter ? ["--subdirectory-filter", filter.subdirectory] : filter.paths.flatMap((p) => ["--path", p]);
}

function resetSplit(repo: string): void {
  rmSync(join(repo, ".git", "fleet", "split"), { recursive: true, force: true });
  sh(repo, ["sh", "-c", "git for-each-ref --format='delete %(refname)' refs/fleet/ | git update-ref --stdin"]);
}

const out: string[] = [`# bench/split — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${runs} runs each (medians)\n`];
for (const commits of values.commits!.split(",").map(Number)) {
  for (const layout of values.layouts!.split(",")) {
    const repo = join(work, `${layout}-${commits}`);
    process.stderr.write(`generating ${layout} example with ${commits} commits…\n`);
    sh(work, [node, BIN, "example", repo, "--layout", layout, "--commits", String(commits)]);
    sh(repo, [node, BIN, "init"]);
    const plan = JSON.parse(sh(repo, [node, BIN, "plan", "--json"])) as { workers: { id: string; filter: { subdirectory: string } | { paths: string[] } | null }[] };
    const workers = plan.workers.filter((w) => w.filter);
    const sample = workers.filter((_, i) => i % Math.ceil(workers.length / Number(values.sample)) === 0).slice(0, Number(values.sample));

    const clone = join(work, "clone");
    const fresh = () => {
      rmSync(clone, { recursive: true, force: true });
      sh(work, ["git", "clone", "-q", "--no-local", "--single-branch", "--no-tags", repo, clone]);
    };
    // fleet from scratch: a fresh clone with only the manifest, so nothing of an earlier split
    // (objects, cache, remembered filters) is there.
    const fleetClone = join(work, "fleet-clone");
    const freshForFleet = () => {
      rmSync(fleetClone, { recursive: true, force: true });
      sh(work, ["git", "clone", "-q", "--no-local", "--single-branch", "--no-tags", repo, fleetClone]);
      cpSync(join(repo, "fleet.jsonc"), join(fleetClone, "fleet.jsonc"));
    };
    const candidates: Candidate[] = [
      { name: "git fast-export --all > /dev/null (read floor)", command: ["sh", "-c", "git fast-export --all > /dev/null"], cwd: repo },
      { name: `fleet split --all (${workers.length} workers, fresh clone)`, command: [node, BIN, "split", "--all"], cwd: fleetClone, env: { CI: "1" }, prepare: freshForFleet },
      ...sample.map((w) => ({ name: `git filter-repo --partial, one worker (${w.id})`, command: ["git", "filter-repo", "--partial", "--force", "--quiet", ...filterArgs(w.filter!)], cwd: clone, prepare: fresh })),
    ];
    const results = compare(candidates, runs, 0, { memory: true });
    let subtree: Measured[] = [];
    if (layout === "directories" && commits <= Number(values["subtree-max-commits"])) {
      subtree = compare(sample.slice(0, 2).map((w) => ({ name: `git subtree split, one worker (${w.id})`, command: ["git", "subtree", "split", "-q", `--prefix=${(w.filter as { subdirectory: string }).subdirectory}`], cwd: clone, prepare: fresh })), Math.min(runs, 2), 0);
    }

    // Incremental: the cost of one new commit after a full split.
    resetSplit(repo);
    sh(repo, [node, BIN, "split", "--all"]);
    const saved = join(work, "saved-fleet");
    rmSync(saved, { recursive: true, force: true });
    cpSync(join(repo, ".git", "fleet"), saved, { recursive: true });
    const refs = sh(repo, ["git", "for-each-ref", "--format=update %(refname) %(objectname)", "refs/fleet/"]);
    const base = sh(repo, ["git", "rev-parse", "main"]).trim();
    sh(repo, ["sh", "-c", "echo '// one more change' >> src/lib/response.js 2>/dev/null || echo x >> README.md; git commit -qam 'fix: one more commit'"]);
    const next = sh(repo, ["git", "rev-parse", "main"]).trim();
    const restore = () => {
      rmSync(join(repo, ".git", "fleet"), { recursive: true, force: true });
      cpSync(saved, join(repo, ".git", "fleet"), { recursive: true });
      sh(repo, ["git", "update-ref", "--stdin"], {}); // no-op guard
      spawnSync("git", ["update-ref", "--stdin"], { cwd: repo, input: refs });
    };
    const engine: number[] = [];
    const incremental = compare(
      [
        { name: "node -e 0", command: [node, "-e", "0"] },
        { name: "fleet split --all after one new commit (whole command)", command: [node, BIN, "split", "--all"], cwd: repo, env: { CI: "1" }, prepare: restore },
      ],
      Math.max(runs, 5),
      1,
    );
    for (let i = 0; i < Math.max(runs, 5); i++) {
      restore();
      engine.push(JSON.parse(sh(repo, [node, BIN, "split", "--all", "--json"])).engineMs as number);
    }
    void base;
    void next;

    const fleet = results[1]!;
    const perWorker = results.slice(2);
    const oneFilterRepo = median(perWorker.map((r) => r.median));
    out.push(`## ${layout} layout, ${commits} commits, ${workers.length} workers\n`);
    out.push(report(results));
    if (subtree.length) out.push("", report(subtree));
    out.push("", report(incremental));
    out.push(
      "",
      `- fleet split --all vs one filter-repo run (median of ${perWorker.length} sampled workers): **${(fleet.median / oneFilterRepo).toFixed(2)}x** (target ≤ 2x)`,
      `- filter-repo for the whole fleet (${workers.length} × the per-worker median): ${((oneFilterRepo * workers.length) / 1000).toFixed(1)} s, so fleet is **${((oneFilterRepo * workers.length) / fleet.median).toFixed(1)}x faster** (target ≥ 15x)`,
      ...(subtree.length ? [`- git subtree split for the whole fleet (${workers.length} × per-worker median): ${((median(subtree.map((r) => r.median)) * workers.length) / 1000).toFixed(1)} s, **${((median(subtree.map((r) => r.median)) * workers.length) / fleet.median).toFixed(0)}x** fleet's time`] : []),
      `- incremental engine time after one new commit: median **${median(engine).toFixed(1)} ms** (target < 100 ms); whole command **${(incremental[1]!.median / incremental[0]!.median).toFixed(2)}x** node -e 0 (target < 3x)`,
      `- peak memory: fleet split ${fleet.peakMb?.toFixed(0)} MB (largest process: node or git fast-import), filter-repo ${median(perWorker.map((r) => r.peakMb ?? 0)).toFixed(0)} MB`,
      "",
    );
    process.stderr.write(`${out.slice(-12).join("\n")}\n`);
    rmSync(repo, { recursive: true, force: true });
  }
}
console.log(out.join("\n"));
rmSync(work, { recursive: true, force: true });
