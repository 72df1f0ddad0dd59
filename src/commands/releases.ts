import { defineCommand } from "../cli/define.js";
import { releases } from "../api/rollback.js";
import { UserError } from "../errors.js";
import { releaseNumber, versionsInShort } from "../releases/release.js";
import { table } from "../report/table.js";

export default defineCommand({
  usage: "[ID] [--json]",
  description:
    "Lists the fleet releases `fleet deploy` recorded (one per deploy that put a worker out): id, date, cloud, and which version of " +
    "every worker was live. With an ID, that release worker by worker (version, commit, package version, Durable Object migration tag). " +
    "fleet rollback --release ID returns to one.",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const all = await releases({ cwd: ctx.cwd });
    const asked = positionals[0];
    if (asked !== undefined) {
      const release = all.find((r) => r.number === releaseNumber(asked));
      if (!release) throw new UserError(`there is no fleet release ${asked}`, { hint: "fleet releases lists them" });
      if (ctx.json) return ctx.out.json(release);
      ctx.out.print(`fleet release ${release.id}, ${release.createdAt}, ${where(release.cloud)}${release.environment ? ` (${release.environment})` : ""}`);
      ctx.out.print(
        table(
          ["worker", "version", "commit", "package", "migration tag", "deployed"],
          release.workers.map((w) => [
            w.id,
            `v${w.version.number}`,
            w.commit ? `${w.commit.slice(0, 12)} ${w.message ?? ""}`.trim() : "",
            w.packageVersion ?? "",
            w.facts ? (w.facts.migrationTag ?? "") : "unknown",
            w.deployed ? "yes" : "",
          ]),
        ),
      );
      return;
    }
    if (ctx.json) return ctx.out.json({ releases: all });
    if (all.length === 0) return ctx.out.info("no fleet releases yet: fleet deploy records one each time it puts a worker out");
    ctx.out.print(
      table(
        ["id", "date", "cloud", "workers", "versions"],
        all.map((r) => [r.id, r.createdAt.replace("T", " ").replace(/\.\d+Z$/, "Z"), r.cloud, String(r.workers.length), versionsInShort(r)]),
        ["left", "left", "left", "right", "left"],
      ),
    );
  },
});

function where(kind: string): string {
  return kind === "local" ? "the local cloud" : "Cloudflare";
}
