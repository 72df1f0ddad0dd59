import { readSecretsFile } from "../cli/secrets-file.js";
import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Progress } from "../cli/output.js";
import { create } from "../api/create.js";
import { EXIT_FINDINGS } from "../errors.js";
import type { EnsureResult } from "../repos/ensure.js";
import { table } from "../report/table.js";
import { selectWorkers } from "../manifest/select.js";

export default defineCommand({
  writes: true,
  usage: "[WORKER...|--all] [--secrets-file FILE] [--dry-run]",
  description:
    "Creates each worker's repository on the forge with its scaffold commit (entry, wrangler.jsonc, package.json, README, " +
    "CHANGELOG, .env.example, deploy workflow, integration test, catalog-info.yaml), topics, staging and production " +
    "environments, and secrets (values from the environment or --secrets-file; the forge keeps fingerprints). An existing " +
    "repository is checked and completed; repo-owned files someone edited are reported as drift and left alone; a " +
    "same-named repository fleet did not create is refused. Then `fleet sync` brings the code and its history.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every non-external worker of fleet.jsonc" },
    "secrets-file": { type: "string", description: "dotenv file with secret values (never printed or stored)", placeholder: "FILE" },
    "dry-run": { type: "boolean", description: "say what would be created or changed; change nothing" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids = selectWorkers(manifest, positionals, Boolean(values.all), "create");
    const secrets = values["secrets-file"] ? await readSecretsFile(ctx.cwd, values["secrets-file"]) : {};
    let progress: Progress | undefined;
    const { external, repositories: results } = await create({
      ...sessionOf(ctx),
      manifest,
      workers: ids,
      secrets,
      dryRun: Boolean(values["dry-run"]),
      onStart: (forge, total) => (progress = ctx.out.progress(`${values["dry-run"] ? "checking" : "creating"} ${total} repositories in the ${forge}`, total)),
      onProgress: (done) => progress?.update(done),
    });
    for (const id of external) ctx.out.info(`${id}: external, it already has its repository`);
    progress?.done(summary(results, Boolean(values["dry-run"])));
    if (ctx.json) ctx.out.json({ dryRun: Boolean(values["dry-run"]), repositories: results });
    else {
      const status = {
        created: ctx.out.c.green("created"),
        completed: "completed",
        "up-to-date": "up to date",
        refused: ctx.out.c.red("refused"),
        failed: ctx.out.c.red("failed"),
        "would-change": "would change",
      };
      ctx.out.print(
        table(
          ["worker", "repository", "result", "detail"],
          results.map((r) => [r.id, r.repo, status[r.status], r.detail ?? r.changes.join("; ")]),
        ),
      );
      for (const r of results) {
        if (r.drift.length) ctx.out.warn(`${r.repo}: repo-owned files edited since fleet generated them (left alone): ${r.drift.join(", ")}`);
        if (r.missingSecrets.length)
          ctx.out.warn(
            `${r.repo}: no value for ${r.missingSecrets.join(", ")} in the environment${values["secrets-file"] ? " or the secrets file" : ""}; not set`,
          );
      }
    }
    if (results.some((r) => r.status === "failed")) ctx.out.warn("some repositories could not be completed; run `fleet create` again to finish them");
    return results.some((r) => r.status === "refused" || r.status === "failed") ? EXIT_FINDINGS : 0;
  },
});

function summary(results: EnsureResult[], dryRun: boolean): string {
  const count = (s: EnsureResult["status"]) => results.filter((r) => r.status === s).length;
  if (dryRun) return `${count("would-change")} would change, ${count("up-to-date")} up to date, ${count("refused")} refused (dry run: nothing changed)`;
  if (results.every((r) => r.status === "up-to-date")) return `nothing to do: all ${results.length} repositories are up to date`;
  const failed = count("failed") ? `, ${count("failed")} failed` : "";
  return `${count("created")} created, ${count("completed")} completed, ${count("up-to-date")} up to date, ${count("refused")} refused${failed}`;
}
