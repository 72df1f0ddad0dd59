// Cutover as plan and execute, like sync: planCutover reads what the handover would do and
// refuses what cannot be handed over (nothing changes); executeCutover carries the plan out. The
// command renders one or the other; `cutover()` runs several workers one after another.
import type { CloudflareCloud } from "../cloud/cloudflare/cloudflare-cloud.js";
import { sameCommit } from "../cloud/cloud.js";
import { deployInOrder } from "../cloud/deploy.js";
import { cloudFor } from "../cloud/select.js";
import { LocalCloudStore } from "../cloud/store.js";
import { fastForward, requireCleanWorkTree } from "../cutover/apply.js";
import {
  CUTOVER_TRAILER,
  cutoverBranch,
  cutoverMessage,
  cutoverTarget,
  monorepoChange,
  platformHolding,
  type MonorepoChange,
} from "../cutover/monorepo-change.js";
import { moveRoute, type RouteMove, type RouteMoveResult } from "../cutover/move-route.js";
import { commitWorkerRoutes, routeEntriesFor, type WorkerRoutesResult } from "../cutover/worker-routes.js";
import { objectsFailed, objectTransfersOf, takeOverFirst, takeOverStep, undoTakeOver } from "./cutover-objects.js";
import { triggerEntriesFor, triggerSpec } from "../cutover/worker-triggers.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { sourceBranch } from "../git/branch.js";
import { commitFiles, fileAt } from "../git/commit-files.js";
import { git, gitText } from "../git/git.js";
import { checkHealth } from "../health/check.js";
import { probeOf, probeUrl, type HealthProbe } from "../health/probe.js";
import { repoNameFor, repositoryUrl } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { fleetOrder } from "../plan/order.js";
import { openSession, whileLocked, type FleetOptions, type Session } from "./session.js";
import type { CutoverPlan, CutoverReport, CutoverResult, HealthSettings } from "./cutover-types.js";

export type { CutoverPlan, CutoverReport, CutoverResult, HealthSettings } from "./cutover-types.js";

/** The workers a cutover acts on: those named, then the phase's workers the router hands over. */
export function cutoverWorkers(manifest: Manifest, named: readonly string[], phase?: number): string[] {
  const ids = [...new Set(named)];
  requireKnownWorkers(manifest, ids);
  if (phase !== undefined) {
    // external workers and those without a hostname have nothing to move
    const inPhase = fleetOrder(manifest).order.filter((id) => manifest.workers[id]!.phase === phase && !ids.includes(id) && movable(manifest, id));
    if (inPhase.length === 0 && ids.length === 0) throw new UserError(`phase ${phase} has no worker whose hostname the router hands over`);
    ids.push(...inPhase);
  }
  if (ids.length === 0) throw new UserError("fleet cutover needs a worker", { hint: "fleet cutover project-initiation --dry-run, or --phase 1" });
  for (const id of ids) cutoverTarget(manifest, id);
  return ids;
}

function movable(manifest: Manifest, id: string): boolean {
  try {
    cutoverTarget(manifest, id);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads what handing `id`'s hostnames over would do, and refuses (UserError) what cannot be done:
 * a dirty work tree with `apply`, a branch of fleet's name it did not make, a worker that is not
 * deployed or does not answer healthy on its own name. Changes nothing.
 */
export async function planCutover(session: Session, id: string, options: { apply?: boolean; health: HealthSettings }): Promise<CutoverPlan> {
  const manifest = await session.manifest();
  const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
  if (options.apply) await requireCleanWorkTree(session.cwd, branch);
  const base = await gitText(["rev-parse", `refs/heads/${branch}`], { cwd: session.cwd });
  const change = await monorepoChange(session.cwd, manifest, id, base);
  const hosts = change.hosts.join(", ");
  const probe = probeOf(manifest.workers[id]);
  const existing = await reusableCutover(session.cwd, id, base, change, manifest);

  // The worker must already run on its own name, healthy, before anything changes.
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  let routes: Record<string, string>;
  try {
    if (!(await cloud.live(change.script))) {
      throw new UserError(`${id} is not deployed ${cloud.kind === "local" ? "in the local cloud" : "on Cloudflare"}, so there is nothing to hand ${hosts} to`, {
        hint: `deploy it from its repository first: fleet migrate ${id}`,
      });
    }
    routes = Object.fromEntries(await cloud.hostnames());
    if (!change.hosts.every((h) => routes[h] === change.script)) {
      const own = await checkHealth(cloud.fetch, probeUrl(await cloud.workersDevHost(change.script), probe), { ...options.health, expect: probe });
      if (own.state !== "up") {
        const [stay, where] = change.hosts.length > 1 ? ["stay", "they are"] : ["stays", "it is"];
        throw new UserError(
          `${change.script} does not answer healthy on its own name (${own.error?.message ?? own.state}), so ${hosts} ${stay} where ${where}`,
          {
            hint: `check it with fleet health ${id}, fix it and deploy again`,
          },
        );
      }
    }
  } finally {
    await cloud.dispose();
  }
  const platform = platformHolding(change, routes);
  return {
    id,
    branch,
    base,
    change,
    existing,
    probe,
    cloud: cloud.kind,
    platform: { script: platform.script, ...(platform.environment ? { environment: platform.environment } : {}) },
    holders: [...new Set(change.hosts.map((h) => routes[h] ?? "nobody"))],
    moved: change.hosts.every((h) => routes[h] === change.script),
  };
}

/**
 * Carries a plan out: the cutover commit on fleet/cutover/<id>, the route move (the platform
 * redeployed from that branch, the worker taking the hostnames, each checked; both rolled back on
 * failure), the routes committed to the worker's repository and the worker deployed from it,
 * then (`apply`) the monorepo's branch fast-forwarded. `ok` is false when the hostnames did not
 * end with the worker or its repository could not be made to keep them.
 */
export async function executeCutover(
  session: Session,
  plan: CutoverPlan,
  options: { apply?: boolean; health: HealthSettings; report?: CutoverReport },
): Promise<{ ok: boolean; result: CutoverResult }> {
  const manifest = await session.manifest();
  const { id, change, base, branch, existing, platform } = plan;
  const report = options.report ?? {};
  const hosts = change.hosts.join(", ");
  const cutRef = `refs/heads/${cutoverBranch(id)}`;

  // The platform is built from this cutover's branch: cutovers of other workers still only on
  // their own branches are not in it (their hostnames stay with their workers, as the cloud
  // refuses a route another worker holds, but the platform would carry their old router entries).
  const { stdout: others } = await git(["for-each-ref", "--no-merged", `refs/heads/${branch}`, "--format=%(refname:lstrip=4)", "refs/heads/fleet/cutover/"], {
    cwd: session.cwd,
  });
  const pending = others.split("\n").filter((o) => o && o !== id);
  if (pending.length) {
    const applyFirst = "apply them first (fleet cutover <worker> --apply) so the platform built here includes them";
    report.warn?.(`the cutovers of ${pending.join(", ")} are not on ${branch} yet; ${applyFirst}`);
  }

  let commit = base;
  let committed = false;
  if (change.files.size > 0) {
    commit = existing ?? (await commitFiles(session.cwd, base, change.files, cutoverMessage(change, repositoryUrl(manifest, id))));
    if (!existing) {
      const old = (await git(["rev-parse", "-q", "--verify", cutRef], { cwd: session.cwd, okCodes: [1] })).stdout.trim();
      await git(["update-ref", "-m", `fleet cutover ${id}`, cutRef, commit, old || "0".repeat(40)], { cwd: session.cwd });
      committed = true;
    }
  }
  // Durable Objects first: the worker takes the platform's namespaces over (and answers healthy)
  // before the platform, redeployed from the cutover branch, binds the classes to it
  const transfers = objectTransfersOf(plan);
  const objects = await takeOverFirst(session, manifest, plan, transfers, options.health, report);
  if (objects.status === "failed") return { ok: false, result: objectsFailed(plan, commit, committed, objects.detail!) };
  const progress = report.moving?.(`moving ${hosts} to ${change.script}`);
  // the crons and queue consumers the platform declared for the worker, as its config wrote them
  const triggers = triggerEntriesFor(change.triggers, await fileAt(session.cwd, base, change.platformConfig), change.platformConfig);
  const routeMove: RouteMove = {
    monorepo: session.cwd,
    branch: change.files.size > 0 ? cutoverBranch(id) : branch,
    platform: platform.script,
    platformConfig: change.platformConfig,
    ...(platform.environment ? { environment: platform.environment } : {}),
    worker: change.script,
    hosts: change.hosts,
    health: options.health,
    probe: plan.probe,
    ...(manifest.workers[id]!.probeHost ? { probeHost: manifest.workers[id]!.probeHost } : {}),
    ...(change.triggers.length ? { triggers: triggerSpec(triggers) } : {}),
    onEvent: (m) => report.debug?.(m),
  };
  const mover = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  let move: RouteMoveResult;
  let now: Record<string, string>;
  try {
    // on an account the hostname is handed over first, in one write; locally the platform lets go first
    move =
      mover.kind === "cloudflare"
        ? await (await import("../cutover/move-route-cloudflare.js")).moveRouteOnCloudflare(mover as CloudflareCloud, routeMove)
        : await moveRoute(LocalCloudStore.at(session.cwd), routeMove);
    now = Object.fromEntries(await mover.hostnames());
  } finally {
    await mover.dispose();
  }
  progress?.done(moveSummary(change, move, now));
  // the move failed after the worker took the objects over: they go back (locally), or the platform binds them where they are
  const moved = move.status === "moved" || move.status === "already-moved";
  const objectsDetail =
    objects.status === "transferred" && !moved ? await undoTakeOver(session, manifest, routeMove, { plan, base, transfers, objects }) : undefined;
  if (objectsDetail) move.steps.push(objectsDetail);

  let ok = move.status === "moved" || move.status === "already-moved";
  // the worker serves the hostnames now: its repository's config must route them, or its next
  // deploy lets them go
  let workerRoutes: WorkerRoutesResult | undefined;
  let redeployed = false;
  let workerRoutesProblem: string | undefined;
  if (ok) {
    try {
      const forge = forgeFor(manifest, session.cwd, session.env);
      const repository = await forge.get(repoNameFor(manifest, id));
      if (!repository) throw new Error(`${repoNameFor(manifest, id)} is not on ${forge.label}`);
      const routesOf = move.routes ?? routeEntriesFor(change.hosts, await fileAt(session.cwd, base, change.platformConfig), change.platformConfig);
      const onTakeOver = objects.commit ? { base: objects.commit } : {};
      const commitRoutes = { monorepo: session.cwd, url: repository.url, gitEnv: forge.gitEnv(), id, routes: routesOf, triggers, ...onTakeOver };
      workerRoutes = await commitWorkerRoutes(commitRoutes);
      // deployed from that commit at once (or on a later run, when one was stopped before): the
      // version live is the repository's main again, and the worker is seen keeping its
      // hostnames through a deploy of its own config
      const stoppedBefore = workerRoutes.status === "already" && (await fleetDeployedEarlier(session, manifest, change.script, workerRoutes.tip));
      if (workerRoutes.status === "committed" || stoppedBefore) {
        const target = { id, script: change.script, url: repository.url, gitEnv: forge.gitEnv(), hosts: change.hosts, probe: plan.probe };
        await redeployKeeping(session, manifest, target, options.health, report);
        redeployed = true;
      }
    } catch (error) {
      workerRoutesProblem = (error as Error).message.split("\n")[0];
      ok = false;
    }
  }
  const applied = ok && options.apply ? await fastForward(session.cwd, branch, commit) : false;
  const repository = workerRoutes && {
    name: repoNameFor(manifest, id),
    routes: workerRoutes.status,
    ...(workerRoutes.file ? { file: workerRoutes.file } : {}),
    ...(workerRoutes.commit ? { commit: workerRoutes.commit } : {}),
    redeployed,
  };
  const moveDetail = move.detail && objectsDetail ? `${move.detail}; ${objectsDetail}` : move.detail;
  const detail = moveDetail ?? (workerRoutesProblem ? workerRoutesDetail(id, hosts, workerRoutesProblem) : undefined);
  const result: CutoverResult = {
    worker: id,
    host: change.hosts[0]!,
    hosts: change.hosts,
    paths: change.paths,
    status: move.status,
    monorepo: { branch: cutoverBranch(id), commit, committed, applied, files: [...change.files.keys()] },
    ...(repository ? { repository } : {}),
    steps: objects.status === "transferred" ? [takeOverStep(change.script, transfers), ...move.steps] : move.steps,
    ...(move.health ? { health: move.health.map((h) => ({ url: h.url, state: h.state, status: h.status, latencyMs: h.latencyMs })) } : {}),
    ...(detail ? { detail } : {}),
  };
  return { ok, result };
}

export interface CutoverCall extends FleetOptions {
  /** Workers to cut over, in this order. */
  workers?: string[];
  /** Also every worker of this phase the router hands over. */
  phase?: number;
  /** Fast-forward the monorepo's branch to each cutover commit. */
  apply?: boolean;
  health?: Partial<HealthSettings>;
  report?: CutoverReport;
}

/**
 * Cuts workers over one after another, each planned, moved and verified before the next; the
 * first that is refused or fails stops the rest, which stay untouched.
 */
export async function cutover(
  options: CutoverCall = {},
): Promise<{ workers: CutoverResult[]; stoppedAt?: { worker: string; refused?: string }; untouched: string[] }> {
  const session = openSession(options);
  const health = { timeoutMs: 3000, retries: 3, backoffMs: 200, ...options.health };
  return whileLocked(session, "fleet cutover (library)", async () => {
    const ids = cutoverWorkers(await session.manifest(), options.workers ?? [], options.phase);
    const workers: CutoverResult[] = [];
    for (const [i, id] of ids.entries()) {
      const apply = options.apply ? { apply: true } : {};
      let outcome: Awaited<ReturnType<typeof executeCutover>>;
      try {
        const plan = await planCutover(session, id, { health, ...apply });
        outcome = await executeCutover(session, plan, { health, ...apply, ...(options.report ? { report: options.report } : {}) });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        return { workers, stoppedAt: { worker: id, refused: error.message }, untouched: ids.slice(i + 1) };
      }
      const { ok, result } = outcome;
      workers.push(result);
      if (!ok) return { workers, stoppedAt: { worker: id }, untouched: ids.slice(i + 1) };
    }
    return { workers, untouched: [] };
  });
}

function moveSummary(change: MonorepoChange, move: RouteMoveResult, now: Record<string, string>): string {
  const hosts = change.hosts.join(", ");
  const many = change.hosts.length > 1;
  if (move.status === "moved") return `${hosts} ${many ? "are" : "is"} served by ${change.script}`;
  if (move.status === "already-moved") return `${hosts} ${many ? "were" : "was"} already served by ${change.script}`;
  const nowHeld = [...new Set(change.hosts.map((h) => now[h] ?? "nobody"))].join(", ");
  return `${hosts} ${many ? "stay" : "stays"} with ${nowHeld}`;
}

/**
 * The cutover commit already on fleet/cutover/<id>, if it is the one this run would make (made
 * on the same base with the same files). A branch of that name fleet did not make is refused.
 */
async function reusableCutover(repo: string, id: string, base: string, change: MonorepoChange, manifest: Manifest): Promise<string | undefined> {
  const ref = `refs/heads/${cutoverBranch(id)}`;
  const tip = (await git(["rev-parse", "-q", "--verify", ref], { cwd: repo, okCodes: [1] })).stdout.trim();
  if (!tip || change.files.size === 0) return undefined;
  const message = await gitText(["log", "-1", "--format=%B", tip], { cwd: repo });
  if (!message.includes(`${CUTOVER_TRAILER}: ${id}`)) {
    throw new UserError(`branch ${cutoverBranch(id)} exists and was not made by fleet`, { hint: "rename or delete it, then run the cutover again" });
  }
  const parent = (await git(["rev-parse", "-q", "--verify", `${tip}^1`], { cwd: repo, okCodes: [1] })).stdout.trim();
  if (parent !== base) return undefined;
  return (await monorepoChange(repo, manifest, id, tip)).files.size === 0 ? tip : undefined;
}

/**
 * Whether the live version is one fleet deployed from a commit other than `commit` (a run stopped
 * between the routes commit and the deploy from it). A version without fleet's record — the
 * repository's own workflow deployed it — is left alone.
 */
async function fleetDeployedEarlier(session: Session, manifest: Manifest, script: string, commit: string): Promise<boolean> {
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  try {
    const live = await cloud.live(script);
    return Boolean(live?.source && !sameCommit(live.source.commit, commit));
  } finally {
    await cloud.dispose();
  }
}

interface KeepingTarget {
  id: string;
  script: string;
  url: string;
  gitEnv: Record<string, string>;
  hosts: string[];
  probe: HealthProbe;
}

/** Deploys the worker from its repository's main and checks it still holds every hostname. */
async function redeployKeeping(session: Session, manifest: Manifest, target: KeepingTarget, health: HealthSettings, report: CutoverReport): Promise<void> {
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  try {
    const deployTarget = {
      id: target.id,
      script: target.script,
      repository: target.url,
      branch: "main",
      gitEnv: target.gitEnv,
      dependsOn: [],
      health: target.probe,
    };
    const environment = cloud.kind === "cloudflare" ? { environment: "production" } : {};
    const [outcome] = await deployInOrder(cloud, [deployTarget], { health, ...environment, onEvent: (m) => report.debug?.(m) });
    if (outcome!.status !== "deployed") throw new Error(`its deploy from main failed: ${outcome!.detail ?? outcome!.status}`);
    const held = await cloud.hostnames();
    const lost = target.hosts.filter((h) => held.get(h) !== target.script);
    if (lost.length) throw new Error(`deployed from main, it no longer holds ${lost.join(", ")}`);
  } finally {
    await cloud.dispose();
  }
}

function workerRoutesDetail(id: string, hosts: string, problem: string): string {
  const consequence = `its next deploy would let go of them: run \`fleet cutover ${id}\` again to finish`;
  return `${hosts} moved, but its routes could not be committed to the worker's repository (${problem}); ${consequence}`;
}
