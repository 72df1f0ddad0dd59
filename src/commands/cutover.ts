// `fleet cutover`: renders api/cutover's plan (--dry-run) or what carrying it out did.
import { objectTransfersOf } from "../api/cutover-objects.js";
import { cutoverWorkers, executeCutover, planCutover, type CutoverPlan, type CutoverResult, type HealthSettings } from "../api/cutover.js";
import { openSession, type Session } from "../api/session.js";
import { sessionOf, type Context } from "../cli/context.js";
import { defineCommand, healthOptions } from "../cli/define.js";
import { cutoverBranch } from "../cutover/monorepo-change.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { probeUrl } from "../health/probe.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { lineDiff } from "../report/line-diff.js";

export default defineCommand({
  writes: true,
  usage: "WORKER...|--phase N [--dry-run] [--apply] [--timeout MS] [--retries N]",
  description:
    "Hands a worker's hostnames (its domain and aliases, and its wildcard routes as the patterns they are, all or none) " +
    "and its path routes from the monorepo's platform router to the worker's own deployment. " +
    "In the monorepo, on branch fleet/cutover/<worker> (your work tree and checked-out branch are left alone): " +
    "the MIGRATED marker beside the service module, each of the worker's router entries rewritten to " +
    "env.<BINDING>.fetch(request) (every other byte of the file kept), and in the wrangler config the service binding " +
    "added and the hostnames' routes removed, in every [env.*] section too. Then the routes move: the platform is " +
    "redeployed from that branch without them (in the environment that holds them), the worker takes them, and each " +
    "hostname's /health is checked; on failure both are rolled back (exit 1). --apply also fast-forwards the monorepo's branch (refused if the work tree has " +
    "uncommitted changes). Running it again finishes what is left and otherwise changes nothing. Several workers (or --phase N) " +
    "move one after another, each verified before the next; the first that fails stops the rest, untouched.",
  maxPositionals: Infinity,
  options: {
    phase: {
      type: "integer",
      min: 1,
      description: "every worker of this migration phase the router hands over, one after another (besides any named)",
      placeholder: "N",
    },
    "dry-run": { type: "boolean", description: "show the monorepo edit and the route move; change nothing" },
    apply: { type: "boolean", description: "fast-forward the monorepo's branch to the cutover commit" },
    ...healthOptions({ timeoutMs: 3000, retries: 3 }),
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids = cutoverWorkers(manifest, positionals, values.phase);
    const session = openSession({ ...sessionOf(ctx), manifest });
    const options = {
      session,
      health: { timeoutMs: values.timeout, retries: values.retries, backoffMs: 200 },
      dryRun: Boolean(values["dry-run"]),
      apply: Boolean(values.apply),
    };
    if (ids.length === 1) return cutoverOne(ctx, manifest, ids[0]!, options, (v) => ctx.out.json(v));
    // several: one after another, each moved and verified before the next; the first that does
    // not finish stops the rest, which stay as they are
    const results: unknown[] = [];
    for (const [i, id] of ids.entries()) {
      ctx.out.info(`cutover ${i + 1} of ${ids.length}: ${id}`);
      let code: number;
      try {
        code = await cutoverOne(ctx, manifest, id, options, (v) => results.push(v));
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

interface CutoverOptions {
  session: Session;
  health: HealthSettings;
  dryRun: boolean;
  apply: boolean;
}

/** One worker's cutover; what --json would print goes to `emit`. */
async function cutoverOne(ctx: Context, manifest: Manifest, id: string, options: CutoverOptions, emit: (value: unknown) => void): Promise<number> {
  const plan = await planCutover(options.session, id, { health: options.health, apply: options.apply && !options.dryRun });
  if (options.dryRun) {
    const report = dryRunReport(plan, options.apply);
    if (ctx.json) emit(report);
    else printPlan(ctx, manifest, plan, report.route, options.apply);
    ctx.out.info("dry run: nothing committed or deployed");
    return 0;
  }
  const { ok, result } = await executeCutover(options.session, plan, {
    health: options.health,
    apply: options.apply,
    report: { moving: (what) => ctx.out.progress(what), debug: (m) => ctx.out.debug(m), warn: (m) => ctx.out.warn(m) },
  });
  if (ctx.json) emit(result);
  else printResult(ctx, manifest, plan, result, ok, options.apply);
  return ok ? 0 : EXIT_FINDINGS;
}

function dryRunReport(plan: CutoverPlan, apply: boolean) {
  const { change, existing } = plan;
  return {
    dryRun: true,
    worker: plan.id,
    host: change.hosts[0],
    hosts: change.hosts,
    paths: change.paths,
    platform: plan.platform.script,
    ...(plan.platform.environment ? { environment: plan.platform.environment } : {}),
    branch: cutoverBranch(plan.id),
    monorepo:
      change.files.size === 0
        ? "already holds the cutover"
        : existing
          ? `commit ${existing.slice(0, 12)} on ${cutoverBranch(plan.id)} is ready`
          : "would commit",
    files: [...change.files.keys()],
    route: plan.moved ? "already held by the worker" : `${plan.holders.join(", ")} → ${change.script}`,
    objects: plan.moved ? [] : objectTransfersOf(plan).map((t) => ({ className: t.className, from: t.fromScript })),
    apply,
  };
}

function printPlan(ctx: Context, manifest: Manifest, plan: CutoverPlan, route: string, apply: boolean): void {
  const { change, platform, id } = plan;
  const hosts = change.hosts.join(", ");
  const out = ctx.out;
  const paths = change.paths.length ? ` and paths ${change.paths.join(", ")}` : "";
  out.print(`Cutover of ${id}: ${hosts}${paths} → ${change.script} (binding ${change.binding})\n`);
  for (const [path, after] of change.files) {
    out.print(out.c.bold(`${change.before.has(path) ? "edit" : "add"} ${path}`));
    for (const line of lineDiff(change.before.get(path), after)) out.print(colorLine(out.c, line));
    out.print();
  }
  if (change.files.size === 0) out.print(`The monorepo's ${plan.branch} already holds the cutover.\n`);
  out.print(`Route: ${route}`);
  const transfers = plan.moved ? [] : objectTransfersOf(plan);
  if (transfers.length) {
    const classes = transfers.map((t) => t.className).join(", ");
    const why = `transferred_classes from ${platform.script}: the objects move, none is copied`;
    out.print(`  0. deploy ${change.script} from its repository's fleet/cutover branch, taking over the Durable Objects of ${classes} (${why})`);
  }
  if (!plan.moved) {
    const env = platform.environment ? ` (--env ${platform.environment})` : "";
    const routes = change.hosts.length > 1 ? "their routes" : "its route";
    const platformStep = `deploy ${platform.script} from ${cutoverBranch(id)}${env}: forwards ${hosts}, drops ${routes}`;
    if (plan.cloud === "cloudflare") {
      out.print(`  1. hand ${hosts} to ${change.script}, each in one write (the route reassigned, or the custom domain attached)`);
      out.print(`  2. ${platformStep}`);
    } else {
      out.print(`  1. ${platformStep}`);
      out.print(`  2. redeploy ${change.script} with ${hosts}`);
    }
    out.print(`  3. check ${change.hosts.map((h) => probeUrl(h, plan.probe)).join(", ")}; on any failure roll both back`);
  }
  const triggers = change.triggers.map((t) => (t.kind === "cron" ? `the cron "${t.name}"` : t.kind === "queue" ? `the consumer of ${t.name}` : "email"));
  if (triggers.length) {
    const cloudflare = plan.cloud === "cloudflare" ? " (its consumers detached after its deploy)" : "";
    out.print(
      `  with them ${triggers.join(", ")}: the platform lets go first${cloudflare}, then ${change.script} takes ${triggers.length > 1 ? "them" : "it"}`,
    );
  }
  const them = change.hosts.length > 1 ? "them" : "it";
  out.print(`  then commit ${plan.moved ? "" : "the "}routes of ${hosts} to ${repoNameFor(manifest, id)}'s wrangler.jsonc, so its deploys keep ${them}`);
  if (apply) out.print(`  then fast-forward ${plan.branch}`);
}

function printResult(ctx: Context, manifest: Manifest, plan: CutoverPlan, result: CutoverResult, ok: boolean, apply: boolean): void {
  const { out } = ctx;
  const { id, change } = plan;
  const hosts = change.hosts.join(", ");
  const repo = repoNameFor(manifest, id);
  const { monorepo, repository } = result;
  if (monorepo.committed) out.print(`committed ${monorepo.commit.slice(0, 12)} on ${cutoverBranch(id)}: ${monorepo.files.join(", ")}`);
  for (const s of result.steps) out.print(`  ${s}`);
  if (repository?.routes === "committed") out.print(`committed ${repository.commit!.slice(0, 12)} to ${repo}: ${repository.file} routes ${hosts}`);
  if (repository?.routes === "not-fleets-config") {
    const them = change.hosts.length > 1 ? "them" : "it";
    out.warn(`${repo} has no wrangler.jsonc of fleet's: add the routes of ${hosts} to its config by hand, or its next deploy lets ${them} go`);
  }
  if (!ok) out.print(out.c.red(`cutover of ${id} failed: ${result.detail}`));
  if (monorepo.applied) out.print(`fast-forwarded ${plan.branch} to ${monorepo.commit.slice(0, 12)}`);
  else if (ok && change.files.size > 0 && !apply) out.info(`the monorepo change is on ${cutoverBranch(id)}; merge it, or run \`fleet cutover ${id} --apply\``);
  if (repository?.redeployed) out.print(`deployed ${change.script} from its repository's main, keeping ${hosts}`);
  const nothing =
    !monorepo.committed && !monorepo.applied && !repository?.redeployed && repository?.routes !== "committed" && result.status === "already-moved";
  if (ok && nothing) out.info(`nothing to do: ${id} is cut over`);
}

function colorLine(c: { red(s: string): string; green(s: string): string; dim(s: string): string }, line: string): string {
  if (line.startsWith("+")) return c.green(line);
  if (line.startsWith("-")) return c.red(line);
  if (line.startsWith("@@")) return c.dim(line);
  return line;
}
