import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Progress } from "../cli/output.js";
import { update, type UpdateResult } from "../api/update.js";
import { EXIT_FINDINGS } from "../errors.js";
import { selectWorkers } from "../manifest/select.js";
import { table } from "../report/table.js";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all] [--dry-run]",
  description:
    "Renders each worker's scaffold from the current fleet.jsonc and fleet version and merges it three ways into its " +
    "repository's main: base = the scaffold fleet rendered last (the newest Fleet-Scaffold commit main holds), ours = main, " +
    "theirs = the new rendering. The team's edits are kept; lines both changed get conflict markers and the file is named. " +
    "The result goes to the branch fleet/update (and a pull request on GitHub, an open one reused), never to main; a " +
    "repository already up to date gets nothing. Files sync derives (package.json, package-lock.json) are left to sync. " +
    "Exit 1 when any repository has conflicts or could not be updated.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every non-external worker of fleet.jsonc" },
    "dry-run": { type: "boolean", description: "show each repository's diff; push nothing" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids = selectWorkers(manifest, positionals, Boolean(values.all), "update");
    const dryRun = Boolean(values["dry-run"]);
    let progress: Progress | undefined;
    const { external, repositories: results } = await update({
      ...sessionOf(ctx),
      manifest,
      workers: ids,
      dryRun,
      onStart: (forge, total) => (progress = ctx.out.progress(`${dryRun ? "checking" : "updating"} ${total} repositories in the ${forge}`, total)),
      onProgress: (done) => progress?.update(done),
    });
    for (const id of external) ctx.out.info(`${id}: external, fleet did not scaffold it`);
    progress?.done(summary(results, dryRun));
    if (ctx.json) ctx.out.json({ dryRun, repositories: results });
    else {
      const c = ctx.out.c;
      const label: Record<UpdateResult["status"], string> = {
        "up-to-date": "up to date",
        "proposed-already": "on fleet/update already",
        proposed: c.green("proposed on fleet/update"),
        conflicted: c.red("conflicts on fleet/update"),
        "would-update": "would update",
        "would-conflict": c.red("would conflict"),
        skipped: c.yellow("skipped"),
        failed: c.red("failed"),
      };
      const detail = (r: UpdateResult) =>
        r.detail ?? (r.conflicts.length ? `conflicts: ${r.conflicts.join(", ")}` : r.files.length ? r.files.join(", ") : (r.pullRequest?.url ?? ""));
      ctx.out.print(
        table(
          ["worker", "repository", "result", "detail"],
          results.map((r) => [r.id, r.repo, label[r.status], detail(r)]),
        ),
      );
      for (const r of results) {
        if (r.diff) ctx.out.print(`\n${c.bold(`── ${r.repo}`)}\n${r.diff}`);
        if (r.pullRequest)
          ctx.out.info(`${r.repo}: pull request #${r.pullRequest.number}${r.pullRequest.reused ? " (already open)" : ""}: ${r.pullRequest.url}`);
      }
    }
    return results.some((r) => ["conflicted", "would-conflict", "failed", "skipped"].includes(r.status)) ? EXIT_FINDINGS : 0;
  },
});

function summary(results: UpdateResult[], dryRun: boolean): string {
  const count = (...s: UpdateResult["status"][]) => results.filter((r) => s.includes(r.status)).length;
  if (results.every((r) => r.status === "up-to-date" || r.status === "proposed-already")) {
    const pending = count("proposed-already");
    return `nothing to do: ${count("up-to-date")} up to date${pending ? `, ${pending} already proposed on fleet/update` : ""}`;
  }
  const upToDate = `${count("up-to-date", "proposed-already")} up to date`;
  if (dryRun)
    return `${count("would-update", "would-conflict")} would update (${count("would-conflict")} with conflicts), ${upToDate} (dry run: nothing pushed)`;
  const trouble = count("skipped", "failed") ? `, ${count("skipped", "failed")} skipped or failed` : "";
  return `${count("proposed", "conflicted")} proposed on fleet/update (${count("conflicted")} with conflicts), ${upToDate}${trouble}`;
}
