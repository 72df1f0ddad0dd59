// The everyday figures a user sees first: `npm start` (the demo: the whole migration of the
// bundled example) and `fleet status` of its 38 workers afterwards. Absolute targets (60 s and
// 2 s on these 2-core machines); the anchor is `node -e 0` on the same Node, and, for the demo,
// its own deploy phase — wrangler's bundling of 34 workers, which is most of its time.
// Run: npm run build && node bench/demo/run.ts [--runs 3]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compare, median, report } from "../lib/measure.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) throw new Error("build first: npm run build");
const work = mkdtempSync(join(tmpdir(), "fleet-bench-demo-"));
const dir = join(work, "demo");

// The demo, timed with its phases (each progress line ends with its duration).
const phases = new Map<string, number[]>();
const demoMs: number[] = [];
for (let i = 0; i < runs; i++) {
  rmSync(dir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, "demo", "--dir", dir], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  demoMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (r.status !== 0) throw new Error(`fleet demo failed: ${r.stdout}${r.stderr}`);
  const seen = new Map<string, number>();
  for (const m of `${r.stdout}${r.stderr}`.matchAll(/^✓ (.+?) \((\d+(?:\.\d+)?)s\)$/gm)) {
    // numbers and folders vary between runs; a phase that comes twice (observing) is told apart
    const base = m[1]!.replace(/ in \/\S+/, "").replace(/\d+/g, "N");
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const name = n > 1 ? `${base} (again)` : base;
    phases.set(name, [...(phases.get(name) ?? []), Number(m[2]) * 1000]);
  }
  process.stderr.write(`demo run ${i + 1}: ${(demoMs.at(-1)! / 1000).toFixed(1)} s\n`);
}

const status = compare(
  [
    { name: "node -e 0", command: [process.execPath, "-e", "0"] },
    { name: "fleet status (38 workers, the demo's monorepo)", command: [process.execPath, BIN, "status"], cwd: dir },
  ],
  Math.max(runs, 5),
  1,
  { memory: true },
);

const out = [
  `# bench/demo — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${runs} demo runs, ${Math.max(runs, 5)} status runs (medians)\n`,
  `- \`npm start\` (fleet demo): median **${(median(demoMs) / 1000).toFixed(1)} s** (runs: ${demoMs.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s; target ≤ 60 s)`,
  "",
  "| demo phase | median s |",
  "| --- | ---: |",
  ...[...phases].map(([name, ms]) => `| ${name} | ${(median(ms) / 1000).toFixed(1)} |`),
  "",
  report(status),
  "",
  `- \`fleet status\` of 38 workers: median **${(status[1]!.median / 1000).toFixed(2)} s** (target ≤ 2 s), peak ${status[1]!.peakMb?.toFixed(0)} MB`,
  "",
];
process.stdout.write(out.join("\n"));
rmSync(work, { recursive: true, force: true });
