// The fleet's migration at a glance, computed from the observed checklist: progress overall and
// per phase (external workers left out: they have nothing to migrate), the rollout by week, and
// health counts.
import type { WorkerStatus } from "../checklist/steps.js";

export interface Progress {
  done: number;
  applicable: number;
  percent: number;
  /** Workers with every applicable step done. */
  migrated: number;
  workers: number;
}

export interface FleetStatus {
  generatedAt: string;
  monorepo: string;
  branch: string;
  commit: string;
  /** The cloud observed (the manifest's), and why it could not be read when it could not. */
  cloud: { kind: "local" | "cloudflare"; error?: string };
  workers: WorkerStatus[];
  progress: { overall: Progress; phases: (Progress & { phase: number })[] };
  timeline: { week: number; workers: { id: string; migrated: boolean; percent: number }[] }[];
  health: { up: number; degraded: number; down: number; unchecked: number };
}

export function progressOf(workers: WorkerStatus[]): Progress {
  const own = workers.filter((w) => !w.external);
  let done = 0;
  let applicable = 0;
  let migrated = 0;
  for (const w of own) {
    const steps = w.steps.filter((s) => s.state !== "n/a");
    const d = steps.filter((s) => s.state === "done").length;
    done += d;
    applicable += steps.length;
    if (d === steps.length) migrated++;
  }
  return { done, applicable, percent: applicable ? Math.round((100 * done) / applicable) : 100, migrated, workers: own.length };
}

export function workerPercent(w: WorkerStatus): number {
  const steps = w.steps.filter((s) => s.state !== "n/a");
  return steps.length ? Math.round((100 * steps.filter((s) => s.state === "done").length) / steps.length) : 100;
}

export function summarize(workers: WorkerStatus[], about: { monorepo: string; branch: string; commit: string; cloud: FleetStatus["cloud"] }): FleetStatus {
  const phases = [...new Set(workers.map((w) => w.phase))].sort((a, b) => a - b);
  const weeks = new Map<number, WorkerStatus[]>();
  for (const w of workers.filter((x) => !x.external)) {
    const week = w.week ?? w.phase;
    weeks.set(week, [...(weeks.get(week) ?? []), w]);
  }
  const count = (state: string) => workers.filter((w) => w.health?.state === state).length;
  return {
    generatedAt: new Date().toISOString(),
    ...about,
    workers,
    progress: { overall: progressOf(workers), phases: phases.map((phase) => ({ phase, ...progressOf(workers.filter((w) => w.phase === phase)) })) },
    timeline: [...weeks]
      .sort(([a], [b]) => a - b)
      .map(([week, list]) => ({ week, workers: list.map((w) => ({ id: w.id, migrated: workerPercent(w) === 100, percent: workerPercent(w) })) })),
    health: { up: count("up"), degraded: count("degraded"), down: count("down"), unchecked: workers.filter((w) => !w.health).length },
  };
}
