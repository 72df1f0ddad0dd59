// Shared by the benchmarks: run commands interleaved (so machine noise hits all alike), take
// medians, and print a table with ratios to the anchor. Timings never go into tests.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Candidate {
  name: string;
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Runs before each measured run, untimed (a fresh clone, a reset cache). */
  prepare?: () => void;
}

export interface Measured {
  name: string;
  samples: number[];
  median: number;
  p90: number;
  /** Median peak resident memory in MB (the largest process of the run), when measured. */
  peakMb?: number;
}

const TIME = "/usr/bin/time";
const PEAK_FILE = join(tmpdir(), `fleet-bench-peak-${process.pid}`);

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
export function compare(candidates: Candidate[], runs: number, warmup = 2, options: { memory?: boolean } = {}): Measured[] {
  const samples = candidates.map(() => [] as number[]);
  const peaks = candidates.map(() => [] as number[]);
  const memory = options.memory === true && existsSync(TIME);
  for (let round = 0; round < warmup + runs; round++) {
    candidates.forEach((c, i) => {
      c.prepare?.();
      const command = memory ? [TIME, "-f", "%M", "-o", PEAK_FILE, ...c.command] : c.command;
      const started = process.hrtime.bigint();
      const result = spawnSync(command[0]!, command.slice(1), { cwd: c.cwd, env: { ...process.env, ...c.env }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${c.name} failed (exit ${result.status}): ${c.command.join(" ")}\n${result.stderr}`);
      if (round >= warmup) {
        samples[i]!.push(ms);
        const kb = memory ? Number(readFileSync(PEAK_FILE, "utf8").trim().split("\n").pop()) : 0;
        if (memory && kb > 0) peaks[i]!.push(kb / 1024);
      }
    });
  }
  return candidates.map((c, i) => ({
    name: c.name,
    samples: samples[i]!,
    median: median(samples[i]!),
    p90: percentile(samples[i]!, 0.9),
    ...(peaks[i]!.length ? { peakMb: median(peaks[i]!) } : {}),
  }));
}

/** A Markdown table: median, p90, and the ratio of each median to the first (the anchor). */
export function report(results: Measured[]): string {
  const anchor = results[0]!.median;
  const memory = results.some((r) => r.peakMb !== undefined);
  const rows = results.map((r) => `| ${r.name} | ${r.median.toFixed(1)} | ${r.p90.toFixed(1)} | ${(r.median / anchor).toFixed(2)}x |${memory ? ` ${r.peakMb?.toFixed(0) ?? ""} |` : ""}`);
  const head = `| command | median ms | p90 ms | vs anchor |${memory ? " peak MB |" : ""}`;
  const rule = `| --- | ---: | ---: | ---: |${memory ? " ---: |" : ""}`;
  return [head, rule, ...rows].join("\n");
}
