import { defineCommand } from "../cli/define.js";
import { requireFullHistory, sourceBranch } from "../git/branch.js";
import { splitFleet, type SplitTarget } from "../history/split.js";
import { splitFilters } from "../plan/split-filters.js";
import { table } from "../report/table.js";
import { selectWorkers } from "./select.js";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all] [--json]",
  description:
    "Builds refs/fleet/split/<worker> in the monorepo: each worker's history filtered out of the branch, commit for commit " +
    "what git filter-repo gives (--subdirectory-filter for a folder, --path for a router service's files). The whole fleet " +
    "is read in one pass; after the first run only new commits are read. No network.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every worker of fleet.jsonc" },
  },
  async run(ctx, { values, positionals }) {
    await requireFullHistory(ctx.cwd);
    const manifest = await ctx.manifest();
    const ids = selectWorkers(manifest, positionals, Boolean(values.all), "split");
    const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
    const filtersStarted = performance.now();
    const { filters, computed } = await splitFilters(ctx.cwd, manifest, branch);
    ctx.out.debug(`worker paths ${computed ? "computed from the branch's tree" : "remembered"}: ${(performance.now() - filtersStarted).toFixed(0)} ms`);
    const targets: SplitTarget[] = ids.filter((id) => filters[id]).map((id) => ({ id, filter: filters[id]! }));
    const external = ids.filter((id) => manifest.workers[id]!.external);
    for (const id of external) ctx.out.info(`${id}: external, nothing to split`);
    if (targets.length === 0) return;

    const progress = ctx.out.progress(`splitting ${targets.length} workers from ${branch}`);
    const started = performance.now();
    const run = await splitFleet(ctx.cwd, targets, { branch, onProgress: (n) => progress.update(n), onPhase: (name, ms) => ctx.out.debug(`${name}: ${ms.toFixed(0)} ms`) });
    const engineMs = Math.round((performance.now() - started) * 10) / 10;
    progress.done(
      run.commitsRead === 0 && run.incremental
        ? `${targets.length} splits already up to date with ${branch}`
        : `read ${run.commitsRead} commits of ${branch} ${run.incremental ? "since the last split" : "from the start"}, ${targets.length} workers`,
    );
    if (ctx.json) {
      ctx.out.json({ branch, incremental: run.incremental, commitsRead: run.commitsRead, engineMs, workers: run.workers.map(({ id, ref, commit, commits, fromStart }) => ({ id, ref, commit, commits, ...(fromStart ? { fromStart } : {}) })) });
      return;
    }
    const rows = run.workers.map((w) => [w.id, String(w.commits), w.commit?.slice(0, 12) ?? "—", w.fromStart && w.fromStart !== "first split" && w.fromStart !== "read with the fleet" ? `from the start: ${w.fromStart}` : ""]);
    ctx.out.print(table(["worker", "commits", "split tip", ""], rows, ["left", "right"]));
    for (const w of run.workers.filter((x) => x.commit === null)) ctx.out.warn(`${w.id}: none of its paths exist in the history of ${branch}`);
  },
});
