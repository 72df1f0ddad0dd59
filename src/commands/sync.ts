import { defineCommand } from "../cli/define.js";
import { requireFullHistory } from "../git/branch.js";
import { EXIT_FINDINGS } from "../errors.js";
import { sessionOf } from "../cli/context.js";
import { sync } from "../api/sync.js";
import { table } from "../report/table.js";
import { refusal, type SyncAction } from "../sync/sync.js";
import { syncBack } from "../api/sync-back.js";
import { UserError } from "../errors.js";
import { requireKnownWorkers } from "../manifest/select.js";
import type { Manifest } from "../manifest/schema.js";
import type { Context } from "../cli/context.js";
import { selectWorkers } from "../manifest/select.js";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all|--changed] [--dry-run] [--no-push] | --back WORKER [--dry-run]",
  description:
    "Splits, then merges each worker's split into its repository's main as one merge commit (trailers Fleet-Source and " +
    "Fleet-Split record where it stands) and pushes, fast-forward only. A worker repository that changed a " +
    "monorepo-owned path is refused, naming the paths, and nothing is pushed to it. Exit 1 when any worker is refused or fails. " +
    "--back WORKER brings the worker repository's own commits since its last sync (a hotfix made there) to the monorepo " +
    "on the branch fleet/back/WORKER (authors, dates and messages kept, trailer Fleet-Back, paths mapped back); once it " +
    "is merged, sync recognises them and does not bring them back again.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every worker of fleet.jsonc" },
    changed: { type: "boolean", description: "only workers whose split moved since fleet last synced them from here" },
    "dry-run": { type: "boolean", description: "show what would be merged; change nothing" },
    "no-push": { type: "boolean", description: "make the merge commits (refs/fleet/sync/<worker>) but push nothing" },
    back: { type: "boolean", description: "bring the worker repository's own commits to the monorepo, on the branch fleet/back/<worker>" },
  },
  async run(ctx, { values, positionals }) {
    await requireFullHistory(ctx.cwd); // before anything is read, or written (the manifest's validation record)
    const manifest = await ctx.manifest();
    if (values.back) return syncBackCommand(ctx, manifest, positionals, values);
    const selected = selectWorkers(manifest, positionals, Boolean(values.all || values.changed), "sync");
    for (const id of selected.filter((x) => manifest.workers[x]!.external)) ctx.out.info(`${id}: external, its repository is not fed from the monorepo`);
    const ids = selected.filter((id) => !manifest.workers[id]!.external);
    if (ids.length === 0) return 0;
    const progress = ctx.out.progress(`splitting ${ids.length} workers`);
    const result = await sync({
      ...sessionOf(ctx),
      manifest,
      workers: ids,
      changed: Boolean(values.changed),
      dryRun: Boolean(values["dry-run"]),
      push: !values["no-push"],
      onProgress: (n) => progress.update(n),
      onSplit: (n) => progress.done(`split ${ids.length} workers (${n} commits read)`),
    });
    const { actions, outcomes } = result;
    if (values["dry-run"]) {
      if (ctx.json) ctx.out.json({ dryRun: true, actions: actions.map(describeAction) });
      else
        ctx.out.print(
          table(
            ["worker", "would", "detail"],
            actions.map((a) => [a.id, wouldDo(a), describeAction(a).detail ?? ""]),
          ),
        );
      ctx.out.info("dry run: nothing merged or pushed");
      return actions.some((a) => a.kind === "refused" || a.kind === "no-repository" || a.kind === "unreachable") ? EXIT_FINDINGS : 0;
    }
    if (ctx.json) ctx.out.json({ workers: outcomes });
    else {
      const mark = {
        merged: ctx.out.c.green("merged"),
        "up-to-date": "up to date",
        refused: ctx.out.c.red("refused"),
        failed: ctx.out.c.red("failed"),
        skipped: "skipped",
      };
      ctx.out.print(
        table(
          ["worker", "result", "commit", "detail"],
          outcomes.map((o) => [o.id, mark[o.status], o.commit?.slice(0, 12) ?? "", o.detail ?? ""]),
        ),
      );
      const merged = outcomes.filter((o) => o.status === "merged").length;
      ctx.out.info(
        merged === 0 && outcomes.every((o) => o.status === "up-to-date")
          ? "nothing to do: every worker repository is up to date"
          : `${merged} merged, ${outcomes.filter((o) => o.status === "up-to-date").length} up to date`,
      );
    }
    return outcomes.some((o) => o.status === "refused" || o.status === "failed") ? EXIT_FINDINGS : 0;
  },
});

async function syncBackCommand(
  ctx: Context,
  manifest: Manifest,
  positionals: string[],
  values: { all?: boolean; changed?: boolean; "dry-run"?: boolean; "no-push"?: boolean },
): Promise<number> {
  if (positionals.length !== 1 || values.all || values.changed || values["no-push"])
    throw new UserError("fleet sync --back takes one worker, and no --all, --changed or --no-push", { hint: "fleet sync --back WORKER [--dry-run]" });
  requireKnownWorkers(manifest, positionals);
  const dryRun = Boolean(values["dry-run"]);
  const result = await syncBack({ ...sessionOf(ctx), manifest, worker: positionals[0]!, dryRun });
  if (ctx.json) {
    ctx.out.json(result);
    return 0;
  }
  const said = { "comes-back": ctx.out.c.green("comes back"), stays: "stays", "already-there": "already in the monorepo" };
  if (result.commits.length > 0)
    ctx.out.print(
      table(
        ["commit", "author", "date", "result", "subject", "files"],
        result.commits.map((c) => [
          c.commit.slice(0, 12),
          c.author,
          c.date.slice(0, 10),
          said[c.result],
          c.subject,
          [...c.paths.map((p) => (p.from === p.to ? p.to : `${p.from} → ${p.to}`)), ...c.leftOut.map((l) => `${l.path} (stays: ${l.why})`)].join(", "),
        ]),
      ),
    );
  const coming = result.commits.filter((c) => c.result === "comes-back").length;
  if (!result.tip) ctx.out.info(`nothing to bring back: ${result.repository} has no commit of its own the monorepo lacks`);
  else if (result.status === "dry-run") ctx.out.info(`dry run: ${coming} commit(s) would come back on ${result.branch}; nothing written`);
  else
    ctx.out.info(
      `${result.branch} ${result.status === "unchanged" ? "already holds" : "now holds"} ${coming} commit(s) on ${result.base.slice(0, 12)}: ` +
        `review and merge it into the monorepo (git merge ${result.branch}, or push it and open a pull request), then fleet sync ${result.worker}`,
    );
  return 0;
}

function wouldDo(action: SyncAction): string {
  return { "up-to-date": "nothing", merge: "merge", refused: "refuse", "no-split": "skip", "no-repository": "fail", unreachable: "fail" }[action.kind];
}

function describeAction(action: SyncAction): { id: string; action: string; detail?: string } {
  switch (action.kind) {
    case "merge":
      return {
        id: action.id,
        action: "merge",
        detail: `${action.commits} new commit${action.commits === 1 ? "" : "s"}${action.state.tip ? "" : " (first sync into an empty repository)"}`,
      };
    case "refused":
      return { id: action.id, action: "refuse", detail: refusal(action) };
    case "no-repository":
      return { id: action.id, action: "fail", detail: `no repository; ${action.hint}` };
    case "no-split":
      return { id: action.id, action: "skip", detail: "no split" };
    case "unreachable":
      return { id: action.id, action: "fail", detail: `could not read the worker repository: ${action.reason}` };
    default:
      return { id: action.id, action: "nothing" };
  }
}
