import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { plan as planOf } from "../api/plan.js";
import type { FleetPlan } from "../plan/plan.js";
import { table } from "../report/table.js";
import type { Output } from "../cli/output.js";

export default defineCommand({
  usage: "[--json]",
  description:
    "Shows the migration plan: the deploy order (dependencies first), phases and weeks, external workers, and for each " +
    "worker its paths, bindings, secrets, npm dependencies and warnings.",
  options: {},
  async run(ctx) {
    const plan = await planOf({ ...sessionOf(ctx), manifest: await ctx.manifest() });
    if (ctx.json) ctx.out.json(plan);
    else printPlan(ctx.out, plan);
    return 0;
  },
});

export function printPlan(out: Output, plan: FleetPlan): void {
  const rows = plan.order.map((id, i) => {
    const w = plan.workers.find((x) => x.id === id)!;
    return [
      String(i + 1),
      w.id,
      w.domain ?? "",
      String(w.phase),
      w.week === null ? "" : String(w.week),
      w.external ? "external" : `${w.paths.length} file${w.paths.length === 1 ? "" : "s"}`,
      w.dependsOn.join(", "),
      `${w.bindings.length}/${w.secrets.length}`,
      w.warnings.length ? out.c.yellow(String(w.warnings.length)) : "",
    ];
  });
  out.print(table(["#", "worker", "domain", "phase", "week", "source", "depends on", "bind/secr", "warn"], rows, ["right", "left", "left", "right", "right", "right"]));
  const phases = [...new Set(plan.workers.map((w) => w.phase))].sort((a, b) => a - b);
  out.print();
  out.print(phases.map((p) => `phase ${p}: ${plan.workers.filter((w) => w.phase === p).length}`).join(" · "));
  const warned = plan.workers.filter((w) => w.warnings.length);
  for (const w of plan.warnings) out.warn(w);
  for (const w of warned) for (const m of w.warnings) out.warn(`${w.id}: ${m}`);
}
