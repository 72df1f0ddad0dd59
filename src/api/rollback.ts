// Fleet releases as a library: the releases `fleet deploy` recorded, and `rollbackRelease`, which
// makes a release's versions live again worker by worker, dependants first, each health-checked,
// after refusing — changing nothing — where going back cannot be safe.
import type { Cloud } from "../cloud/cloud.js";
import { cloudFor } from "../cloud/select.js";
import { UserError } from "../errors.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { probeOf, probeUrl } from "../health/probe.js";
import { isWildcardHost } from "../manifest/routes.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { planReleaseRollback, type RollbackStep } from "../releases/rollback-plan.js";
import { releaseNumber, type FleetRelease } from "../releases/release.js";
import { ReleaseStore } from "../releases/store.js";
import { openSession, whileLocked, type FleetOptions } from "./session.js";

/** Every fleet release recorded in the monorepo, oldest first. */
export async function releases(options: FleetOptions = {}): Promise<FleetRelease[]> {
  return ReleaseStore.at(openSession(options).cwd).list();
}

export interface ReleaseRollbackCall extends FleetOptions {
  /** The release to go back to: `r3` (or `3`). */
  release: string;
  /** Only these workers of it (default: every worker it records). */
  workers?: string[];
  health?: { timeoutMs?: number; retries?: number };
  onEvent?: (message: string) => void;
}

export interface ReleaseRollbackOutcome {
  id: string;
  script: string;
  /** rolled back (and healthy); skipped (nothing to do); failed (unhealthy: put back where it was); not done (after a failure). */
  status: "rolled back" | "skipped" | "failed" | "not done";
  from?: { id: string; number: number };
  to: { id: string; number: number };
  health?: HealthResult;
  detail?: string;
}

export interface ReleaseRollbackResult {
  release: string;
  cloud: Cloud["kind"];
  /** In the order they were done: the reverse of the deploy order. */
  workers: ReleaseRollbackOutcome[];
}

/**
 * Makes the versions a fleet release recorded live again. Every worker is checked first and the
 * whole rollback refused (a UserError naming each worker and why) where one cannot be safe; then,
 * dependants first, each is rolled back and its health checked. One that does not answer healthy
 * is put back to the version it had, and the rest are left as they are.
 */
export async function rollbackRelease(options: ReleaseRollbackCall): Promise<ReleaseRollbackResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet rollback --release (library)", async () => {
    const manifest = await session.manifest();
    const store = ReleaseStore.at(session.cwd);
    const number = releaseNumber(options.release);
    const all = await store.list();
    const release = number === undefined ? undefined : all.find((r) => r.number === number);
    if (!release) {
      const known = all.slice(-5).map((r) => r.id);
      throw new UserError(`there is no fleet release ${options.release}`, {
        hint: known.length ? `the latest: ${known.join(", ")} (fleet releases lists them all)` : "fleet deploy records one each time it deploys",
      });
    }
    if (options.workers?.length) {
      requireKnownWorkers(manifest, options.workers);
      const missing = options.workers.filter((id) => !release.workers.some((w) => w.id === id));
      if (missing.length) throw new UserError(`fleet release ${release.id} records no live version of ${missing.join(", ")}`);
    }
    const cloud = await cloudFor(manifest, session.cwd, session.env);
    try {
      if (release.cloud !== cloud.kind)
        throw new UserError(`fleet release ${release.id} was recorded in ${where(release.cloud)}; the manifest names ${where(cloud.kind)}`);
      const plan = await planReleaseRollback({ manifest, cloud, release, releases: all, ...(options.workers?.length ? { only: options.workers } : {}) });
      if (plan.refused.length)
        throw new UserError(
          `fleet rollback --release ${release.id} is refused, nothing was changed:\n${plan.refused.map((r) => `  ${r.id}: ${r.reason}`).join("\n")}`,
          {
            hint: "where you know going back is safe for a worker, roll it back on its own: fleet rollback WORKER --to VERSION",
          },
        );
      const health = { timeoutMs: options.health?.timeoutMs ?? 3000, retries: options.health?.retries ?? 5, backoffMs: 200 };
      const onEvent = options.onEvent ?? session.log;
      const workers: ReleaseRollbackOutcome[] = [];
      let stopped: string | undefined;
      for (const step of plan.steps) {
        if (step.action === "skip") workers.push(outcomeOf(step, "skipped", step.reason));
        else if (stopped) workers.push(outcomeOf(step, "not done", `stopped after ${stopped} failed`));
        else {
          onEvent(`rolling ${step.id} back to v${step.to.number}`);
          const outcome = await rollBack(cloud, step, manifest.workers[step.id], release.id, health);
          workers.push(outcome);
          if (outcome.status === "failed") stopped = step.id;
        }
      }
      return { release: release.id, cloud: cloud.kind, workers };
    } finally {
      await cloud.dispose();
    }
  });
}

/** One worker back to its recorded version, then its health; unhealthy: put back to where it was. */
async function rollBack(
  cloud: Cloud,
  step: RollbackStep,
  worker: Parameters<typeof probeOf>[0],
  release: string,
  health: { timeoutMs: number; retries: number; backoffMs: number },
): Promise<ReleaseRollbackOutcome> {
  try {
    await cloud.rollback(step.script, step.to.id, `fleet rollback --release ${release}`);
  } catch (error) {
    return outcomeOf(step, "failed", (error as Error).message);
  }
  await cloud.settle();
  const probe = probeOf(worker);
  const host =
    [...(await cloud.hostnames())]
      .filter(([h, script]) => script === step.script && !isWildcardHost(h))
      .map(([h]) => h)
      .sort()[0] ?? (await cloud.workersDevHost(step.script));
  const result = await checkHealth(cloud.fetch, probeUrl(host, probe), { ...health, expect: probe });
  if (result.state === "up") return { ...outcomeOf(step, "rolled back"), health: result };
  let detail = `v${step.to.number}'s ${probe.path} on ${host} is ${result.state}`;
  try {
    await cloud.rollback(step.script, step.from!.id, `fleet: ${probe.path} was ${result.state} after going back`);
    await cloud.settle();
    detail += `; put back to v${step.from!.number}`;
  } catch (error) {
    detail += `; putting it back to v${step.from!.number} failed: ${(error as Error).message}`;
  }
  return { ...outcomeOf(step, "failed", detail), health: result };
}

function outcomeOf(step: RollbackStep, status: ReleaseRollbackOutcome["status"], detail?: string): ReleaseRollbackOutcome {
  return { id: step.id, script: step.script, status, ...(step.from ? { from: step.from } : {}), to: step.to, ...(detail ? { detail } : {}) };
}

function where(kind: Cloud["kind"]): string {
  return kind === "local" ? "the local cloud" : "Cloudflare";
}
