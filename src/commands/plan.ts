import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { plan as planOf, type PlanWithCloud } from "../api/plan.js";
import type { FleetPlan } from "../plan/plan.js";
import { table } from "../report/table.js";
import type { Output } from "../cli/output.js";
import { groupWarnings, type WorkerWarning } from "../report/warnings.js";

export default defineCommand({
  usage: "[--json]",
  description:
    "Shows the migration plan: the deploy order (dependencies first), phases and weeks, external workers, and for each " +
    'worker its paths, bindings, secrets, npm dependencies and warnings. With providers.cloud "cloudflare": who holds each ' +
    "hostname on the account now (a Workers Route or a custom domain), its DNS, and whether it can move to its worker.",
  options: {},
  async run(ctx) {
    const plan = await planOf({ ...sessionOf(ctx), manifest: await ctx.manifest() });
    if (ctx.json) ctx.out.json(plan);
    else {
      printPlan(ctx.out, plan, ctx.verbose);
      printHolders(ctx.out, plan);
    }
    return 0;
  },
});

/** On Cloudflare: each hostname, who holds it, its DNS, and how its worker would get it. */
function printHolders(out: Output, plan: PlanWithCloud): void {
  if (!plan.cloud) return;
  out.print();
  if (plan.cloud.error) return out.warn(plan.cloud.error);
  out.print("Hostnames on Cloudflare, as the account holds them now:");
  const move = {
    moved: out.c.green("its worker's"),
    "hand-over": "handed over in one write",
    route: "taken as a new route",
    domain: "taken as a custom domain",
    blocked: out.c.red("blocked"),
  };
  const rows = plan.cloud.hostnames.map((h) => [h.host, h.worker, h.holder ?? "nobody", h.as ?? "", h.dns, move[h.move]]);
  out.print(table(["hostname", "worker", "held by", "as", "DNS", "cutover"], rows));
  for (const h of plan.cloud.hostnames) if (h.problem) out.warn(h.problem);
}

/** Each workspace or catalog dependency once, with what the worker repositories get and which workers. */
function printWorkspace(out: Output, plan: FleetPlan): void {
  const groups = new Map<string, string[]>();
  for (const w of plan.workers) {
    for (const r of w.workspace) {
      const what =
        r.as === "carried"
          ? `carried: ${r.dir}/ travels with the worker's split (file:${r.dir})`
          : r.as === "published"
            ? `published: ${r.version}`
            : r.as === "catalog"
              ? `${r.version} from the pnpm catalog${r.catalog === "default" ? "" : ` "${r.catalog}"`}`
              : out.c.yellow(`left as written: ${r.reason}`);
      const key = `${r.name} (${r.spec}) → ${what}`;
      groups.set(key, [...(groups.get(key) ?? []), w.id]);
    }
  }
  if (groups.size === 0) return;
  out.print();
  out.print("Workspace dependencies, as each worker repository gets them:");
  for (const [key, ids] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.print(`  ${key}: ${ids.length > 6 ? `${ids.slice(0, 6).join(", ")} and ${ids.length - 6} more` : ids.join(", ")}`);
  }
}

/** The domain column: its domain, else its first wildcard route as written (a pattern stays one), and how many more. */
function servedOn(w: FleetPlan["workers"][number]): string {
  const first = w.domain ?? w.routes[0];
  const more = w.aliases.length + w.routes.length - (w.domain ? 0 : 1);
  return first ? `${first}${more ? ` +${more}` : ""}` : w.routedPaths.length ? "(paths only)" : "";
}

/** What folder workers carry from outside their folder, and what no worker can have carried (create and sync refuse those). */
function printCarried(out: Output, plan: FleetPlan): void {
  const carrying = plan.workers.filter((w) => w.carried.length);
  if (carrying.length) {
    out.print();
    out.print("Carried from outside the worker's folder, with their history, at the same paths (the repository keeps the monorepo's paths):");
    for (const w of carrying) for (const c of w.carried) out.print(`  ${w.id}: ${c.path} (${c.for})`);
  }
  const refused = plan.workers.filter((w) => w.uncarriable.length);
  if (refused.length) {
    out.print();
    out.print(out.c.red("Cannot be carried — fleet create and fleet sync refuse these workers until each file is in git or no longer needed:"));
    for (const w of refused) for (const u of w.uncarriable) out.print(`  ${w.id}: ${u.path} (${u.for}): ${u.reason}`);
  }
}

export function printPlan(out: Output, plan: FleetPlan, verbose = false): void {
  const rows = plan.order.map((id, i) => {
    const w = plan.workers.find((x) => x.id === id)!;
    return [
      String(i + 1),
      w.id,
      servedOn(w),
      String(w.phase),
      w.week === null ? "" : String(w.week),
      w.external ? "external" : `${w.paths.length} file${w.paths.length === 1 ? "" : "s"}`,
      w.dependsOn.join(", "),
      w.calls.join(", "),
      `${w.bindings.length}/${w.secrets.length}`,
      w.warnings.length ? out.c.yellow(String(w.warnings.length)) : "",
    ];
  });
  out.print(
    table(["#", "worker", "domain", "phase", "week", "source", "depends on", "calls", "bind/secr", "warn"], rows, [
      "right",
      "left",
      "left",
      "right",
      "right",
      "right",
    ]),
  );
  const phases = [...new Set(plan.workers.map((w) => w.phase))].sort((a, b) => a - b);
  out.print();
  out.print(phases.map((p) => `phase ${p}: ${plan.workers.filter((w) => w.phase === p).length}`).join(" · "));
  if (plan.placeholders.length) {
    const placeholders = plan.placeholders.map((p) => `${p.worker} (bound by ${p.boundBy})`).join(", ");
    out.print(`placeholder wave, deployed before the order above where not deployed yet (a placeholder answers 503 until its own deploy): ${placeholders}`);
  }
  if (plan.shared.length) out.print(`shared packages, not workers: ${plan.shared.join(", ")}`);
  const entryPoints = plan.workers.filter((w) => w.aliases.length || (w.domain && w.routes.length) || w.routedPaths.length || w.triggers.length);
  if (entryPoints.length) {
    out.print();
    out.print("Entry points besides the domain (each is routed, checked and moved with it):");
    for (const w of entryPoints) {
      const triggers = w.triggers.map((t) => (t.kind === "cron" ? `cron "${t.name}"` : t.kind === "queue" ? `queue ${t.name}` : "email"));
      const patterns = w.domain ? w.routes.map((r) => `${r} (a pattern)`) : [];
      out.print(`  ${w.id}: ${[...w.aliases, ...patterns, ...w.routedPaths.map((p) => `${p}* on any hostname`), ...triggers].join(", ")}`);
    }
  }
  const transfers = plan.workers.filter((w) => w.transfers.length);
  if (transfers.length) {
    out.print();
    out.print("Durable Objects that move at cutover (the platform holds their objects until then; the worker binds them by script_name):");
    for (const w of transfers) out.print(`  ${w.id}: ${w.transfers.map((t) => `${t.className} from ${t.from}`).join(", ")}`);
  }
  printWorkspace(out, plan);
  printCarried(out, plan);
  const findings: WorkerWarning[] = [
    ...plan.warnings.map((message) => ({ message })),
    ...plan.workers.flatMap((w) => w.warnings.map((message) => ({ worker: w.id, message }))),
  ];
  for (const line of verbose ? findings.map((f) => (f.worker ? `${f.worker}: ${f.message}` : f.message)) : groupWarnings(findings)) out.warn(line);
  if (!verbose && findings.length) out.info(out.c.dim(`(${findings.length} findings in all; --verbose lists each)`));
}
