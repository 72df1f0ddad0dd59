// Shared by the benchmarks: run commands interleaved (so machine noise hits all alike), take
// medians, and print a table with ratios to the anchor. Timings never go into tests.
import { spawnSync } from "node:child_process";

export interface Candidate {
  name: string;
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
}

export interface Measured {
  name: string;
  samples: number[];
  median: number;
  p90: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs every candidate `runs` times, round-robin, after `warmup` unmeasured rounds. */
export function compare(candidates: Candidate[], runs: number, warmup = 2): Measured[] {
  const samples = candidates.map(() => [] as number[]);
  for (let round = 0; round < warmup + runs; round++) {
    candidates.forEach((c, i) => {
      const started = process.hrtime.bigint();
      const result = spawnSync(c.command[0]!, c.command.slice(1), { cwd: c.cwd, env: { ...process.env, ...c.env }, stdio: "ignore" });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${c.name} failed (exit ${result.status}): ${c.command.join(" ")}`);
      if (round >= warmup) samples[i]!.push(ms);
    });
  }
  return candidates.map((c, i) => ({ name: c.name, samples: samples[i]!, median: median(samples[i]!), p90: percentile(samples[i]!, 0.9) }));
}

/** A Markdown table: median, p90, and the ratio of each median to the first (the anchor). */
export function report(results: Measured[]): string {
  const anchor = results[0]!.median;
  const rows = results.map((r) => `| ${r.name} | ${r.median.toFixed(1)} | ${r.p90.toFixed(1)} | ${(r.median / anchor).toFixed(2)}x |`);
  return ["| command | median ms | p90 ms | vs anchor |", "| --- | ---: | ---: | ---: |", ...rows].join("\n");
}
