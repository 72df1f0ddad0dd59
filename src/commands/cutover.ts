import type { Context } from "../cli/context.js";
import { defineCommand, healthOptions } from "../cli/define.js";
import { fleetOrder } from "../plan/order.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { LocalCloudStore } from "../cloud/store.js";
import { cloudFor } from "../cloud/select.js";
import type { CloudflareCloud } from "../cloud/cloudflare/cloudflare-cloud.js";
import { fastForward, requireCleanWorkTree } from "../cutover/apply.js";
import { moveRoute, type RouteMove, type RouteMoveResult } from "../cutover/move-route.js";
import { CUTOVER_TRAILER, cutoverBranch, cutoverMessage, cutoverTarget, monorepoChange, platformHolding, type MonorepoChange } from "../cutover/monorepo-change.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { sourceBranch } from "../git/branch.js";
import { commitFiles, fileAt } from "../git/commit-files.js";
import { git, gitText } from "../git/git.js";
import { checkHealth } from "../health/check.js";
import { repoNameFor, repositoryUrl } from "../manifest/names.js";
import { forgeFor } from "../forge/select.js";
import { commitWorkerRoutes, routeEntriesFor, type WorkerRoutesResult } from "../cutover/worker-routes.js";
import type { Manifest } from "../manifest/schema.js";
import { lineDiff } from "../report/line-diff.js";
import { probeOf, probeUrl, type HealthProbe } from "../health/probe.js";
import { deployInOrder, type DeployOptions } from "../cloud/deploy.js";
import { sameCommit } from "../cloud/cloud.js";

export default defineCommand({
  writes: true,
  usage: "WORKER...|--phase N [--dry-run] [--apply] [--timeout MS] [--retries N]",
  description:
    "Hands a worker's hostnames (its domain and aliases, all or none) and its path routes from the monorepo's platform router " +
    "to the worker's own deployment. In the monorepo, on branch fleet/cutover/<worker> (your work tree and checked-out " +
    "branch are left alone): the MIGRATED marker beside the service module, each of the worker's router entries rewritten " +
    "to env.<BINDING>.fetch(request) (every other byte of the file kept), and in the wrangler config the service binding " +
    "added and the hostnames' routes removed, in every [env.*] section too. Then the routes move: the platform is " +
    "redeployed from that branch without them (in the environment that holds them), the worker takes them, and each " +
    "hostname's /health is checked; on failure both are rolled back (exit 1). --apply also fast-forwards the monorepo's branch (refused if the work tree has " +
    "uncommitted changes). Running it again finishes what is left and otherwise changes nothing. Several workers (or --phase N) " +
    "move one after another, each verified before the next; the first that fails stops the rest, untouched.",
  maxPositionals: Infinity,
  options: {
    phase: { type: "integer", min: 1, description: "every worker of this migration phase the router hands over, one after another (besides any named)", placeholder: "N" },
    "dry-run": { type: "boolean", description: "show the monorepo edit and the route move; change nothing" },
    apply: { type: "boolean", description: "fast-forward the monorepo's branch to the cutover commit" },
    ...healthOptions({ timeoutMs: 3000, retries: 3 }),
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids = [...new Set(positionals)];
    requireKnownWorkers(manifest, ids);
    if (values.phase !== undefined) {
      const phase = values.phase;
      // the phase's workers the router hands over (external ones and those without a hostname have nothing to move)
      const inPhase = fleetOrder(manifest).order.filter((id) => manifest.workers[id]!.phase === phase && !ids.includes(id) && movable(manifest, id));
      if (inPhase.length === 0 && ids.length === 0) throw new UserError(`phase ${phase} has no worker whose hostname the router hands over`);
      ids.push(...inPhase);
    }
    if (ids.length === 0) throw new UserError("fleet cutover needs a worker", { hint: "fleet cutover project-initiation --dry-run, or --phase 1" });
    for (const id of ids) cutoverTarget(manifest, id);
    if (ids.length === 1) return cutoverOne(ctx, manifest, ids[0]!, values, (v) => ctx.out.json(v));
    // several: one after another, each moved and verified before the next; the first that does
    // not finish stops the rest, which stay as they are
    const results: unknown[] = [];
    for (const [i, id] of ids.entries()) {
      ctx.out.info(`cutover ${i + 1} of ${ids.length}: ${id}`);
      let code: number;
      try {
        code = await cutoverOne(ctx, manifest, id, values, (v) => results.push(v));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        results.push({ worker: id, status: "refused", detail: error.message });
        code = 2;
      }
      if (code !== 0) {
        const untouched = ids.slice(i + 1);
        if (ctx.json) ctx.out.json({ workers: results, stoppedAt: id, untouched });
        else ctx.out.print(ctx.out.c.red(`stopped at ${id}${untouched.length ? `; not touched: ${untouched.join(", ")}` : ""}`));
        return code === 2 ? EXIT_FINDINGS : code;
      }
    }
    if (ctx.json) ctx.out.json({ workers: results, untouched: [] });
    return 0;
  },
});

function movable(manifest: Manifest, id: string): boolean {
  try {
    cutoverTarget(manifest, id);
    return true;
  } catch {
    return false;
  }
}

/** One worker's cutover; what --json would print goes to `emit`. */
async function cutoverOne(ctx: Context, manifest: Manifest, id: string, values: CutoverValues, emit: (value: unknown) => void): Promise<number> {
  const health = { timeoutMs: values.timeout, retries: values.retries, backoffMs: 200 };
  const dryRun = Boolean(values["dry-run"]);
  const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
  if (values.apply && !dryRun) await requireCleanWorkTree(ctx.cwd, branch);
  const base = await gitText(["rev-parse", `refs/heads/${branch}`], { cwd: ctx.cwd });
  const change = await monorepoChange(ctx.cwd, manifest, id, base);
  const cutRef = `refs/heads/${cutoverBranch(id)}`;
  const hosts = change.hosts.join(", ");
  const probe = probeOf(manifest.workers[id]);
  const existing = await reusableCutover(ctx.cwd, id, cutRef, base, change, manifest);

  // The worker must already run on its own name, healthy, before anything changes.
  const cloud = await cloudFor(manifest, ctx.cwd, ctx.env, { persist: false });
  let routes: Record<string, string>;
  try {
    if (!(await cloud.live(change.script))) {
      throw new UserError(`${id} is not deployed ${cloud.kind === "local" ? "in the local cloud" : "on Cloudflare"}, so there is nothing to hand ${hosts} to`, { hint: `deploy it from its repository first: fleet migrate ${id}` });
    }
    routes = Object.fromEntries(await cloud.hostnames());
    if (!change.hosts.every((h) => routes[h] === change.script)) {
      const own = await checkHealth(cloud.fetch, probeUrl(await cloud.workersDevHost(change.script), probe), { ...health, expect: probe });
      if (own.state !== "up") {
        const [stay, where] = change.hosts.length > 1 ? ["stay", "they are"] : ["stays", "it is"];
        throw new UserError(`${change.script} does not answer healthy on its own name (${own.error?.message ?? own.state}), so ${hosts} ${stay} where ${where}`, {
          hint: `check it with fleet health ${id}, fix it and deploy again`,
        });
      }
    }
  } finally {
    await cloud.dispose();
  }
  const platform = platformHolding(change, routes);
  const holders = [...new Set(change.hosts.map((h) => routes[h] ?? "nobody"))];
  const moved = change.hosts.every((h) => routes[h] === change.script);

  if (dryRun) {
    const report = {
      dryRun: true,
      worker: id,
      host: change.hosts[0],
      hosts: change.hosts,
      paths: change.paths,
      platform: platform.script,
      ...(platform.environment ? { environment: platform.environment } : {}),
      branch: cutoverBranch(id),
      monorepo: change.files.size === 0 ? "already holds the cutover" : existing ? `commit ${existing.slice(0, 12)} on ${cutoverBranch(id)} is ready` : "would commit",
      files: [...change.files.keys()],
      route: moved ? "already held by the worker" : `${holders.join(", ")} → ${change.script}`,
      apply: Boolean(values.apply),
    };
    if (ctx.json) emit(report);
    else {
      ctx.out.print(`Cutover of ${id}: ${hosts}${change.paths.length ? ` and paths ${change.paths.join(", ")}` : ""} → ${change.script} (binding ${change.binding})\n`);
      for (const [path, after] of change.files) {
        ctx.out.print(ctx.out.c.bold(`${change.before.has(path) ? "edit" : "add"} ${path}`));
        for (const line of lineDiff(change.before.get(path), after)) ctx.out.print(colorLine(ctx.out.c, line));
        ctx.out.print();
      }
      if (change.files.size === 0) ctx.out.print(`The monorepo's ${branch} already holds the cutover.\n`);
      ctx.out.print(`Route: ${report.route}`);
      if (!moved) {
        const platformStep = `deploy ${platform.script} from ${cutoverBranch(id)}${platform.environment ? ` (--env ${platform.environment})` : ""}: forwards ${hosts}, drops ${change.hosts.length > 1 ? "their routes" : "its route"}`;
        if (cloud.kind === "cloudflare") {
          ctx.out.print(`  1. hand ${hosts} to ${change.script}, each in one write (the route reassigned, or the custom domain attached)`);
          ctx.out.print(`  2. ${platformStep}`);
        } else {
          ctx.out.print(`  1. ${platformStep}`);
          ctx.out.print(`  2. redeploy ${change.script} with ${hosts}`);
        }
        ctx.out.print(`  3. check ${change.hosts.map((h) => probeUrl(h, probe)).join(", ")}; on any failure roll both back`);
      }
      ctx.out.print(`  then commit ${moved ? "" : "the "}routes of ${hosts} to ${repoNameFor(manifest, id)}'s wrangler.jsonc, so its deploys keep ${change.hosts.length > 1 ? "them" : "it"}`);
      if (values.apply) ctx.out.print(`  then fast-forward ${branch}`);
    }
    ctx.out.info("dry run: nothing committed or deployed");
    return 0;
  }

  // The platform is built from this cutover's branch: cutovers of other workers still only on
  // their own branches are not in it (their hostnames stay with their workers, as the cloud
  // refuses a route another worker holds, but the platform would carry their old router entries).
  const { stdout: others } = await git(["for-each-ref", "--no-merged", `refs/heads/${branch}`, "--format=%(refname:lstrip=4)", "refs/heads/fleet/cutover/"], { cwd: ctx.cwd });
  const pending = others.split("\n").filter((o) => o && o !== id);
  if (pending.length) ctx.out.warn(`the cutovers of ${pending.join(", ")} are not on ${branch} yet; apply them first (fleet cutover <worker> --apply) so the platform built here includes them`);

  let commit = base;
  let committed = false;
  if (change.files.size > 0) {
    commit = existing ?? (await commitFiles(ctx.cwd, base, change.files, cutoverMessage(change, repositoryUrl(manifest, id))));
    if (!existing) {
      const old = (await git(["rev-parse", "-q", "--verify", cutRef], { cwd: ctx.cwd, okCodes: [1] })).stdout.trim();
      await git(["update-ref", "-m", `fleet cutover ${id}`, cutRef, commit, old || "0".repeat(40)], { cwd: ctx.cwd });
      committed = true;
    }
  }
  const progress = ctx.out.progress(`moving ${hosts} to ${change.script}`);
  const routeMove: RouteMove = {
    monorepo: ctx.cwd,
    branch: change.files.size > 0 ? cutoverBranch(id) : branch,
    platform: platform.script,
    platformConfig: change.platformConfig,
    ...(platform.environment ? { environment: platform.environment } : {}),
    worker: change.script,
    hosts: change.hosts,
    health,
    probe,
    onEvent: (m) => ctx.out.debug(m),
  };
  const mover = await cloudFor(manifest, ctx.cwd, ctx.env, { persist: false });
  let move: RouteMoveResult;
  let now: Record<string, string>;
  try {
    // on an account the hostname is handed over first, in one write; locally the platform lets go first
    move =
      mover.kind === "cloudflare"
        ? await (await import("../cutover/move-route-cloudflare.js")).moveRouteOnCloudflare(mover as CloudflareCloud, routeMove)
        : await moveRoute(LocalCloudStore.at(ctx.cwd), routeMove);
    now = Object.fromEntries(await mover.hostnames());
  } finally {
    await mover.dispose();
  }
  const verb = change.hosts.length > 1 ? "are" : "is";
  const many = change.hosts.length > 1;
  const nowHeld = [...new Set(change.hosts.map((h) => now[h] ?? "nobody"))].join(", ");
  progress.done(
    move.status === "moved"
      ? `${hosts} ${verb} served by ${change.script}`
      : move.status === "already-moved"
        ? `${hosts} ${many ? "were" : "was"} already served by ${change.script}`
        : `${hosts} ${many ? "stay" : "stays"} with ${nowHeld}`,
  );

  let ok = move.status === "moved" || move.status === "already-moved";
  // the worker serves the hostnames now: its repository's config must route them, or its next
  // deploy lets them go
  let workerRoutes: WorkerRoutesResult | undefined;
  let redeployed = false;
  let workerRoutesProblem: string | undefined;
  if (ok) {
    try {
      const forge = forgeFor(manifest, ctx.cwd, ctx.env);
      const repository = await forge.get(repoNameFor(manifest, id));
      if (!repository) throw new Error(`${repoNameFor(manifest, id)} is not on ${forge.label}`);
      const routesOf = move.routes ?? routeEntriesFor(change.hosts, await fileAt(ctx.cwd, base, change.platformConfig), change.platformConfig);
      workerRoutes = await commitWorkerRoutes({ monorepo: ctx.cwd, url: repository.url, gitEnv: forge.gitEnv(), id, routes: routesOf });
      // deployed from that commit at once (or on a later run, when one was stopped before): the
      // version live is the repository's main again, and the worker is seen keeping its
      // hostnames through a deploy of its own config
      if (workerRoutes.status === "committed" || (workerRoutes.status === "already" && (await fleetDeployedEarlier(manifest, ctx, change.script, workerRoutes.tip)))) {
        await redeployKeeping(manifest, ctx, { id, script: change.script, url: repository.url, gitEnv: forge.gitEnv(), hosts: change.hosts, health, probe });
        redeployed = true;
      }
    } catch (error) {
      workerRoutesProblem = (error as Error).message.split("\n")[0];
      ok = false;
    }
  }
  let applied = false;
  if (ok && values.apply) applied = await fastForward(ctx.cwd, branch, commit);
  const result = {
    worker: id,
    host: change.hosts[0],
    hosts: change.hosts,
    paths: change.paths,
    status: move.status,
    monorepo: { branch: cutoverBranch(id), commit, committed, applied, files: [...change.files.keys()] },
    ...(workerRoutes ? { repository: { name: repoNameFor(manifest, id), routes: workerRoutes.status, ...(workerRoutes.file ? { file: workerRoutes.file } : {}), ...(workerRoutes.commit ? { commit: workerRoutes.commit } : {}), redeployed } } : {}),
    steps: move.steps,
    ...(move.health ? { health: move.health.map((h) => ({ url: h.url, state: h.state, status: h.status, latencyMs: h.latencyMs })) } : {}),
    ...(move.detail || workerRoutesProblem ? { detail: move.detail ?? workerRoutesDetail(id, hosts, workerRoutesProblem!) } : {}),
  };
  if (ctx.json) emit(result);
  else {
    if (committed) ctx.out.print(`committed ${commit.slice(0, 12)} on ${cutoverBranch(id)}: ${[...change.files.keys()].join(", ")}`);
    for (const s of move.steps) ctx.out.print(`  ${s}`);
    if (workerRoutes?.status === "committed") ctx.out.print(`committed ${workerRoutes.commit!.slice(0, 12)} to ${repoNameFor(manifest, id)}: ${workerRoutes.file} routes ${hosts}`);
    if (workerRoutes?.status === "not-fleets-config") ctx.out.warn(`${repoNameFor(manifest, id)} has no wrangler.jsonc of fleet's: add the routes of ${hosts} to its config by hand, or its next deploy lets ${change.hosts.length > 1 ? "them" : "it"} go`);
    if (!ok) ctx.out.print(ctx.out.c.red(`cutover of ${id} failed: ${move.detail ?? workerRoutesDetail(id, hosts, workerRoutesProblem!)}`));
    if (applied) ctx.out.print(`fast-forwarded ${branch} to ${commit.slice(0, 12)}`);
    else if (ok && change.files.size > 0 && !values.apply) ctx.out.info(`the monorepo change is on ${cutoverBranch(id)}; merge it, or run \`fleet cutover ${id} --apply\``);
    if (redeployed) ctx.out.print(`deployed ${change.script} from its repository's main, keeping ${hosts}`);
    if (ok && !committed && !applied && !redeployed && workerRoutes?.status !== "committed" && move.status === "already-moved") ctx.out.info(`nothing to do: ${id} is cut over`);
  }
  return ok ? 0 : EXIT_FINDINGS;
}

/**
 * The cutover commit already on fleet/cutover/<id>, if it is the one this run would make (made
 * on the same base with the same files). A branch of that name fleet did not make is refused.
 */
async function reusableCutover(repo: string, id: string, ref: string, base: string, change: MonorepoChange, manifest: Manifest): Promise<string | undefined> {
  const tip = (await git(["rev-parse", "-q", "--verify", ref], { cwd: repo, okCodes: [1] })).stdout.trim();
  if (!tip || change.files.size === 0) return undefined;
  const message = await gitText(["log", "-1", "--format=%B", tip], { cwd: repo });
  if (!message.includes(`${CUTOVER_TRAILER}: ${id}`)) {
    throw new UserError(`branch ${ref.replace("refs/heads/", "")} exists and was not made by fleet`, { hint: "rename or delete it, then run the cutover again" });
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
async function fleetDeployedEarlier(manifest: Manifest, ctx: Context, script: string, commit: string): Promise<boolean> {
  const cloud = await cloudFor(manifest, ctx.cwd, ctx.env, { persist: false });
  try {
    const live = await cloud.live(script);
    return Boolean(live?.source && !sameCommit(live.source.commit, commit));
  } finally {
    await cloud.dispose();
  }
}

/** Deploys the worker from its repository's main and checks it still holds every hostname. */
async function redeployKeeping(manifest: Manifest, ctx: Context, target: { id: string; script: string; url: string; gitEnv: Record<string, string>; hosts: string[]; health: DeployOptions["health"]; probe: HealthProbe }): Promise<void> {
  const cloud = await cloudFor(manifest, ctx.cwd, ctx.env, { persist: false });
  try {
    const [outcome] = await deployInOrder(
      cloud,
      [{ id: target.id, script: target.script, repository: target.url, branch: "main", gitEnv: target.gitEnv, dependsOn: [], health: target.probe }],
      { health: target.health, ...(cloud.kind === "cloudflare" ? { environment: "production" } : {}), onEvent: (m) => ctx.out.debug(m) },
    );
    if (outcome!.status !== "deployed") throw new Error(`its deploy from main failed: ${outcome!.detail ?? outcome!.status}`);
    const held = await cloud.hostnames();
    const lost = target.hosts.filter((h) => held.get(h) !== target.script);
    if (lost.length) throw new Error(`deployed from main, it no longer holds ${lost.join(", ")}`);
  } finally {
    await cloud.dispose();
  }
}

function workerRoutesDetail(id: string, hosts: string, problem: string): string {
  return `${hosts} moved, but its routes could not be committed to the worker's repository (${problem}); its next deploy would let go of them: run \`fleet cutover ${id}\` again to finish`;
}

function colorLine(c: { red(s: string): string; green(s: string): string; dim(s: string): string }, line: string): string {
  if (line.startsWith("+")) return c.green(line);
  if (line.startsWith("-")) return c.red(line);
  if (line.startsWith("@@")) return c.dim(line);
  return line;
}

interface CutoverValues {
  "dry-run"?: boolean;
  apply?: boolean;
  timeout: number;
  retries: number;
}
