import { defineCommand } from "../cli/define.js";
import { requireFullHistory } from "../git/branch.js";
import { sessionOf } from "../cli/context.js";
import { split } from "../api/split.js";
import { table } from "../report/table.js";
import { selectWorkers } from "../manifest/select.js";

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
    await requireFullHistory(ctx.cwd); // before anything is read, or written (the manifest's validation record)
    const manifest = await ctx.manifest();
    const ids = selectWorkers(manifest, positionals, Boolean(values.all), "split");
    const progress = ctx.out.progress(`splitting ${ids.length} workers`);
    const run = await split({ ...sessionOf(ctx), manifest, workers: ids, onProgress: (n) => progress.update(n) });
    const { branch, engineMs } = run;
    for (const id of run.external) ctx.out.info(`${id}: external, nothing to split`);
    if (run.workers.length === 0) {
      progress.done();
      return;
    }
    progress.done(
      run.commitsRead === 0 && run.incremental
        ? `${run.workers.length} splits already up to date with ${branch}`
        : `read ${run.commitsRead} commits of ${branch} ${run.incremental ? "since the last split" : "from the start"}, ${run.workers.length} workers`,
    );
    if (ctx.json) {
      ctx.out.json({
        branch,
        incremental: run.incremental,
        commitsRead: run.commitsRead,
        engineMs,
        workers: run.workers.map(({ id, ref, commit, commits, fromStart }) => ({ id, ref, commit, commits, ...(fromStart ? { fromStart } : {}) })),
      });
      return;
    }
    const rows = run.workers.map((w) => [
      w.id,
      String(w.commits),
      w.commit?.slice(0, 12) ?? "—",
      w.fromStart && w.fromStart !== "first split" && w.fromStart !== "read with the fleet" ? `from the start: ${w.fromStart}` : "",
    ]);
    ctx.out.print(table(["worker", "commits", "split tip", ""], rows, ["left", "right"]));
    for (const w of run.workers.filter((x) => x.commit === null)) ctx.out.warn(`${w.id}: none of its paths exist in the history of ${branch}`);
  },
});
