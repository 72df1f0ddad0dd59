import { access, stillDiffers, type AccessResult, type AccessRowResult } from "../api/access.js";
import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Progress } from "../cli/output.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { formatDuration } from "../report/duration.js";
import { table } from "../report/table.js";

export default defineCommand({
  usage: "[WORKER...] [--apply] [--prune] [--json]",
  description:
    "Shows who can do what in each worker repository, as the forge reports it, against the manifest's access (teams, users, " +
    "and with protect a ruleset on main requiring a code owner's review): missing grants, grants the manifest does not name " +
    "(made by hand), wrong levels. --apply grants what is missing or wrong and protects main; --prune also revokes the " +
    "grants the manifest does not name. On GitHub the writes are paced under its limits (80 a minute, 500 an hour) with the " +
    "time left shown; a run stopped half-way, started again, repeats none of the writes already made. Exit 1 while anything differs.",
  maxPositionals: Infinity,
  options: {
    apply: { type: "boolean", description: "grant what is missing or at the wrong level, protect main where the manifest asks" },
    prune: { type: "boolean", description: "with --apply: revoke grants the manifest does not name" },
  },
  async run(ctx, { values, positionals }) {
    if (values.prune && !values.apply) throw new UserError("--prune only goes with --apply", { hint: "fleet access --apply --prune" });
    let progress: Progress | undefined;
    const result = await access({
      ...sessionOf(ctx),
      manifest: await ctx.manifest(),
      workers: positionals,
      apply: Boolean(values.apply),
      prune: Boolean(values.prune),
      onStart: (forge, writes, estimateMs) => {
        if (writes === 0) return;
        const pace = estimateMs >= 1000 ? `, about ${formatDuration(estimateMs)} at its write limits` : "";
        progress = ctx.out.progress(`applying ${writes} access changes in the ${forge}${pace}`, writes);
      },
      onProgress: (done, leftMs) => progress?.update(done, leftMs >= 1000 ? `about ${formatDuration(leftMs)} left` : undefined),
    });
    for (const id of result.external) ctx.out.info(`${id}: external, its repository is not fleet's to manage`);
    progress?.done(summary(result));
    if (ctx.json) ctx.out.json(result);
    else {
      const rows = result.repositories.flatMap((r) => r.rows);
      if (rows.length === 0) ctx.out.info("the manifest gives no access and the repositories grant none: nothing to compare");
      else
        ctx.out.print(
          table(
            ["worker", "repository", "who", "wants", "has", "result"],
            rows.map((row) => [row.worker, row.repository, who(row), row.wants ?? "-", has(row), outcome(row, ctx.out.c)]),
          ),
        );
      if (!result.applied && rows.some(stillDiffers))
        ctx.out.info("`fleet access --apply` grants what is missing; with --prune it also revokes what the manifest does not name");
      else if (result.applied && !result.pruned && rows.some((r) => r.state === "extra"))
        ctx.out.info("grants the manifest does not name are kept; --prune revokes them");
      if (rows.some((r) => r.state === "no-repository")) ctx.out.info("`fleet create` makes the missing repositories");
    }
    return result.differs ? EXIT_FINDINGS : 0;
  },
});

function who(row: AccessRowResult): string {
  return row.kind === "repository" ? "(repository)" : `${row.kind} ${row.who}`;
}

function has(row: AccessRowResult): string {
  return row.has === null ? "-" : row.pending ? `${row.has} (invited)` : row.has;
}

function outcome(row: AccessRowResult, c: { green: (s: string) => string; red: (s: string) => string; yellow: (s: string) => string }): string {
  if (row.action === "failed") return c.red(`failed: ${row.detail ?? ""}`);
  if (row.action) return c.green(row.action);
  const words = { ok: "ok", missing: c.red("missing"), extra: c.yellow("extra"), "wrong-level": c.red("wrong level"), "no-repository": c.red("no repository") };
  return words[row.state];
}

function summary(result: AccessResult): string {
  const rows = result.repositories.flatMap((r) => r.rows);
  const count = (action: string) => rows.filter((r) => r.action === action).length;
  const failed = count("failed") ? `, ${count("failed")} failed` : "";
  return `${count("granted")} granted, ${count("changed")} changed, ${count("revoked")} revoked, ${count("protected")} protected${failed}`;
}
