// The corpus: real monorepos of Workers, none of which fleet was tuned to, each taken through the
// whole pipeline a team would run, worker by worker — init, plan, the split against `git
// filter-repo` with the plan's own arguments, create, sync, a plain clone of each repository,
// its install with the repository's package manager, its tests, `wrangler deploy --dry-run`, a
// deploy to the local cloud, then health and status agreeing with that deploy. Printed as a table
// (stage × monorepo: workers passing) and every failure with its reason.
//
// The monorepos are never part of this repository: bench/corpus/corpus.json names each with its
// commit, and --mirrors names a folder holding a copy of each as `<owner>+<name>/repo` (a bare
// git directory, as a mirror of GitHub keeps it) or `<owner>+<name>` (a clone).
//
// Run: npm run build && node bench/corpus/run.ts --mirrors DIR [--only NAME] [--split-sample N] [--out results.json]
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

interface Monorepo {
  name: string;
  /** owner/name on GitHub. */
  repository: string;
  commit: string;
  /** What it is, in a few words (its shapes). */
  shape: string;
}

const { values } = parseArgs({
  options: {
    mirrors: { type: "string", default: process.env.FLEET_CORPUS_MIRRORS },
    only: { type: "string", multiple: true },
    "split-sample": { type: "string", default: "3" },
    out: { type: "string" },
  },
});
if (!values.mirrors) throw new Error("--mirrors DIR (or FLEET_CORPUS_MIRRORS): a folder with a copy of each monorepo of bench/corpus/corpus.json");

const STAGES = ["init", "plan", "split", "create", "sync", "clone", "install", "tests", "build", "deploy", "agree"] as const;
type Stage = (typeof STAGES)[number];
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
const FLEET_WRANGLER = new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url).pathname;
const ID = { GIT_AUTHOR_NAME: "Corpus", GIT_AUTHOR_EMAIL: "corpus@example.test", GIT_COMMITTER_NAME: "Corpus", GIT_COMMITTER_EMAIL: "corpus@example.test" };
const ORG = "corpus";
const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8")) as Monorepo[];
const work = mkdtempSync(join(tmpdir(), "fleet-corpus-"));

function sh(command: string, args: string[], cwd: string, timeoutMs = 600_000, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 28, env: { ...process.env, ...ID, CI: "1", ...env } });
}
const fleet = (dir: string, ...args: string[]) => sh(process.execPath, [BIN, ...args, "--cwd", dir], dir);
/** Why a command failed, in one line: its first error lines (else its last lines). */
const said = (r: SpawnSyncReturns<string>) => {
  const lines = `${r.stderr ?? ""}\n${r.stdout ?? ""}`
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /error|✘|FAIL|fail|not found|cannot|refus/i.test(l));
  return `exit ${r.status ?? r.signal}: ${(errors.length ? errors.slice(0, 3) : lines.slice(-3)).join(" · ").slice(0, 400)}`;
};

/** A command's --json answer, or {} when it printed none (its failure is read from its exit). */
function answer<T>(r: SpawnSyncReturns<string>): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return {} as T;
  }
}

/** One worker's result in create's or sync's --json answer. */
interface Told {
  id: string;
  status: string;
  detail?: string;
}

/** A stage's outcome for each worker: undefined passed, else why not. */
type Outcomes = Map<string, string | undefined>;

function mirrorOf(m: Monorepo): string {
  const base = join(values.mirrors!, m.repository.replace("/", "+"));
  for (const candidate of [join(base, "repo"), base]) if (existsSync(candidate)) return candidate;
  throw new Error(`${m.repository}: no copy under ${values.mirrors}`);
}

/** The plan's filterRepo string back into arguments (fleet quotes those that need it as JSON strings). */
function filterRepoArgs(text: string): string[] {
  return (text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((t) => (t.startsWith('"') ? (JSON.parse(t) as string) : t));
}

function packageManager(clone: string): { name: string; install: string[]; test: string[] } {
  const pkg = existsSync(join(clone, "package.json")) ? (JSON.parse(readFileSync(join(clone, "package.json"), "utf8")) as { packageManager?: string }) : {};
  const pinned = (name: string, fallback: string) => (pkg.packageManager?.startsWith(`${name}@`) ? pkg.packageManager.split("+")[0]! : `${name}@${fallback}`);
  if (existsSync(join(clone, "pnpm-lock.yaml"))) {
    const pnpm = ["--yes", pinned("pnpm", "10")];
    return { name: "pnpm", install: ["npx", ...pnpm, "install", "--frozen-lockfile"], test: ["npx", ...pnpm, "test"] };
  }
  if (existsSync(join(clone, "bun.lock")) || existsSync(join(clone, "bun.lockb"))) {
    return { name: "bun", install: ["npx", "--yes", "bun", "install", "--frozen-lockfile"], test: ["npx", "--yes", "bun", "run", "test"] };
  }
  if (existsSync(join(clone, "yarn.lock"))) {
    const yarn = ["--yes", pinned("yarn", "1")];
    return { name: "yarn", install: ["npx", ...yarn, "install", "--frozen-lockfile"], test: ["npx", ...yarn, "test"] };
  }
  const locked = existsSync(join(clone, "package-lock.json"));
  return { name: "npm", install: ["npm", locked ? "ci" : "install", "--no-audit", "--no-fund"], test: ["npm", "test"] };
}

/** The config the repository deploys with: its deploy script's --config (a repository that keeps the monorepo's paths), else the one at its root. */
function wranglerConfig(clone: string): string | undefined {
  const pkg = existsSync(join(clone, "package.json"))
    ? (JSON.parse(readFileSync(join(clone, "package.json"), "utf8")) as { scripts?: Record<string, string> })
    : {};
  const named = /(?:--config[= ]|-c )(\S+)/.exec(pkg.scripts?.deploy ?? "")?.[1];
  if (named && existsSync(join(clone, named))) return named;
  return readdirSync(clone).find((f) => /^wrangler[\w.-]*\.(jsonc?|toml)$/.test(f));
}

function runMonorepo(m: Monorepo): { workers: string[]; stages: Map<Stage, Outcomes>; note?: string } {
  const stages = new Map<Stage, Outcomes>(STAGES.map((s) => [s, new Map()]));
  const dir = join(work, m.name);
  const mark = (stage: Stage, id: string, failure?: string) => stages.get(stage)!.set(id, failure);
  const clone = sh("git", ["clone", "-q", "--no-local", mirrorOf(m), dir], work);
  if (clone.status !== 0) return { workers: [], stages, note: `clone: ${said(clone)}` };
  sh("git", ["checkout", "-q", "-B", "main", m.commit], dir);
  sh("sh", ["-c", "echo .fleet/ >> .git/info/exclude"], dir);
  process.stderr.write(`${m.name}: init\n`);
  const init = fleet(dir, "init", "--org", ORG, "--json");
  if (!existsSync(join(dir, "fleet.jsonc"))) return { workers: [], stages, note: `init: ${said(init)}` };
  const manifest = answer<{ workers?: { id: string; external: unknown; filterRepo: string | null; repository: string }[] }>(fleet(dir, "plan", "--json"));
  const planned = (manifest.workers ?? []).filter((w) => !w.external);
  const workers = planned.map((w) => w.id);
  for (const id of workers) mark("init", id, init.status === 0 ? undefined : said(init));
  for (const w of planned) mark("plan", w.id, w.filterRepo ? undefined : "the plan gives no filter-repo arguments");

  process.stderr.write(`${m.name}: split (${workers.length} workers)\n`);
  const split = fleet(dir, "split", "--all", "--json");
  const sample = new Set(planned.slice(0, Number(values["split-sample"])).map((w) => w.id));
  for (const w of planned) {
    if (split.status !== 0) {
      mark("split", w.id, said(split));
      continue;
    }
    if (!sample.has(w.id) || !w.filterRepo) continue;
    const ours = sh("git", ["rev-parse", "--verify", "-q", `refs/fleet/split/${w.id}`], dir).stdout.trim();
    const oracle = join(work, `${m.name}-oracle-${w.id}`);
    sh("git", ["clone", "-q", "--no-local", "--single-branch", "--no-tags", "--branch", "main", dir, oracle], work);
    const filtered = sh("git", ["filter-repo", "--force", "--quiet", ...filterRepoArgs(w.filterRepo)], oracle, 1_800_000);
    const theirs = sh("git", ["rev-parse", "--verify", "-q", "refs/heads/main"], oracle).stdout.trim();
    sh("rm", ["-rf", oracle], work);
    mark(
      "split",
      w.id,
      filtered.status !== 0
        ? `git filter-repo: ${said(filtered)}`
        : ours === theirs
          ? undefined
          : `fleet's split ${ours.slice(0, 12)} ≠ filter-repo's ${theirs.slice(0, 12)}`,
    );
  }

  for (const stage of ["create", "sync"] as const) {
    process.stderr.write(`${m.name}: ${stage}\n`);
    const r = fleet(dir, stage, "--all", "--json");
    // each worker's own result (create: repositories[], sync: workers[]), not the command's exit
    const told = answer<{ repositories?: Told[]; workers?: Told[] }>(r);
    const results = new Map((told.repositories ?? told.workers ?? []).map((t) => [t.id, t]));
    for (const w of planned) {
      const repo = join(dir, ".fleet", "forge", ORG, `${w.repository}.git`);
      const has = existsSync(repo) && sh("git", ["rev-parse", "--verify", "-q", "refs/heads/main"], repo).status === 0;
      const result = results.get(w.id);
      const failed = !result
        ? `not in ${stage}'s answer: ${said(r)}`
        : ["failed", "refused"].includes(result.status)
          ? `${result.status}: ${result.detail ?? ""}`
          : undefined;
      mark(stage, w.id, failed ?? (has ? undefined : "no main in the repository"));
    }
  }

  for (const w of planned) {
    process.stderr.write(`${m.name}: ${w.id}\n`);
    const blocked = (stage: Stage, why: string) => {
      for (const s of STAGES.slice(STAGES.indexOf(stage))) mark(s, w.id, why);
    };
    if (stages.get("create")!.get(w.id)) {
      blocked("clone", "not created");
      continue;
    }
    const copy = join(work, `${m.name}-clones`, w.repository);
    const cloned = sh("git", ["clone", "-q", join(dir, ".fleet", "forge", ORG, `${w.repository}.git`), copy], work);
    const config = cloned.status === 0 ? wranglerConfig(copy) : undefined;
    if (!config) {
      blocked("clone", cloned.status !== 0 ? said(cloned) : "no wrangler config: neither its deploy script's --config nor one at its root");
      continue;
    }
    mark("clone", w.id);
    const pm = packageManager(copy);
    const install = sh(pm.install[0]!, pm.install.slice(1), copy, 900_000);
    if (install.status !== 0) {
      blocked("install", `${pm.name}: ${said(install)}`);
      continue;
    }
    mark("install", w.id);
    const pkg = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    if (pkg.scripts?.test) {
      const tests = sh(pm.test[0]!, pm.test.slice(1), copy, 900_000);
      mark("tests", w.id, tests.status === 0 ? undefined : `${pm.name} test ${said(tests)}`);
    } else mark("tests", w.id, "no test script");
    const local = join(copy, "node_modules", "wrangler", "bin", "wrangler.js");
    const build = sh(process.execPath, [existsSync(local) ? local : FLEET_WRANGLER, "deploy", "--dry-run", "--outdir", "dist", "--config", config], copy);
    mark("build", w.id, build.status === 0 ? undefined : `wrangler ${said(build)}`);
    const deploy = fleet(dir, "deploy", w.id, "--json", "--retries", "1", "--timeout", "5000");
    const outcome = answer<{ workers?: { id: string; status: string; detail?: string; version?: { id: string } }[] }>(deploy).workers?.find(
      (o) => o.id === w.id,
    );
    if (outcome?.status !== "deployed") {
      blocked("deploy", outcome?.detail ?? said(deploy));
      continue;
    }
    mark("deploy", w.id);
    const health = answer<{ workers?: { id: string; state: string }[] }>(fleet(dir, "health", w.id, "--json"));
    const status = answer<{ workers?: { id: string; cloud?: { live?: { id?: string } }; steps?: { step: string; state: string }[] }[] }>(
      fleet(dir, "status", w.id, "--json"),
    );
    const state = health.workers?.find((h) => h.id === w.id)?.state;
    const seen = status.workers?.find((s) => s.id === w.id);
    const deployedStep = seen?.steps?.find((s) => s.step === "deployed")?.state;
    const disagree = [
      state !== "up" && `health says ${state ?? "nothing"}`,
      deployedStep !== "done" && `status's deployed step is ${deployedStep ?? "absent"}`,
      seen?.cloud?.live?.id !== undefined &&
        seen.cloud.live.id !== outcome.version?.id &&
        `status sees version ${seen.cloud.live.id}, deploy made ${outcome.version?.id}`,
    ].filter(Boolean);
    mark("agree", w.id, disagree.length ? disagree.join("; ") : undefined);
  }
  return { workers, stages };
}

const chosen = corpus.filter((m) => !values.only || values.only.includes(m.name));
const results = chosen.map((m) => ({ monorepo: m, ...runMonorepo(m) }));

// the table: a row per stage, a column per monorepo, passing workers of all
const width = Math.max(...STAGES.map((s) => s.length));
const columns = results.map((r) => r.monorepo.name);
const cell = (r: (typeof results)[number], stage: Stage) => {
  const outcomes = r.stages.get(stage)!;
  return `${r.workers.filter((id) => outcomes.has(id) && !outcomes.get(id)).length}/${r.workers.length}`;
};
const widths = columns.map((c, i) => Math.max(c.length, ...STAGES.map((s) => cell(results[i]!, s).length)));
const line = (first: string, cells: string[]) => `| ${first.padEnd(width)} | ${cells.map((c, i) => c.padStart(widths[i]!)).join(" | ")} |`;
const table = [
  line("stage", columns),
  `|${"-".repeat(width + 2)}|${widths.map((w) => `${"-".repeat(w + 1)}:`).join("|")}|`,
  ...STAGES.map((s) =>
    line(
      s,
      results.map((r) => cell(r, s)),
    ),
  ),
];
const allPass = (r: (typeof results)[number]) => r.workers.filter((id) => STAGES.every((s) => r.stages.get(s)!.has(id) && !r.stages.get(s)!.get(id))).length;
table.push(
  line(
    "every stage",
    results.map((r) => `${allPass(r)}/${r.workers.length}`),
  ),
);
console.log(table.join("\n"));
console.log("\nFailures (the first stage each worker failed):");
for (const r of results) {
  if (r.note) console.log(`- ${r.monorepo.name}: ${r.note}`);
  for (const id of r.workers) {
    const first = STAGES.find((s) => r.stages.get(s)!.get(id));
    if (first) console.log(`- ${r.monorepo.name}/${id} ${first}: ${r.stages.get(first)!.get(id)}`);
  }
}
if (values.out) {
  const json = results.map((r) => ({
    monorepo: r.monorepo,
    workers: r.workers,
    note: r.note ?? null,
    stages: Object.fromEntries(STAGES.map((s) => [s, Object.fromEntries(r.stages.get(s)!)])),
  }));
  writeFileSync(values.out, `${JSON.stringify(json, null, 2)}\n`);
}
