import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { versions, type WorkerVersion } from "../api/versions.js";
import { table } from "../report/table.js";
import { liveText } from "../versions/running.js";

export default defineCommand({
  usage: "[WORKER...] [--json]",
  description:
    "Shows each worker's released version: the newest vX.Y.Z tag on its repository (semver order; a pre-release newer than it is " +
    "named beside it), the tag's date, the commits on main since, and whether the live deployment runs it (the commit the cloud " +
    "recorded against the tag's). A worker without a tag is unreleased, with package.json's version on main. Reads each " +
    "repository's tags with one git ls-remote and fetches only what the monorepo lacks into refs/fleet/versions/.",
  maxPositionals: Infinity,
  options: {},
  async run(ctx, { positionals }) {
    const found = await versions({ ...sessionOf(ctx), manifest: await ctx.manifest(), workers: positionals });
    if (ctx.json) {
      ctx.out.json({ workers: found });
      return;
    }
    ctx.out.print(
      table(
        ["worker", "version", "tag date", "since", "live"],
        found.map((w) => [w.id, versionText(w), w.date?.slice(0, 10) ?? "", w.commitsSince === null ? "" : String(w.commitsSince), liveText(w.live)]),
        ["left", "left", "left", "right", "left"],
      ),
    );
  },
});

function versionText(w: WorkerVersion): string {
  const next = w.prerelease ? ` (next ${w.prerelease})` : "";
  if (w.state === "released") return `${w.version}${next}`;
  if (w.state === "unreleased") return `unreleased${w.version ? ` (${w.version})` : ""}${next}`;
  return w.state === "empty" ? "no commit on main" : "no repository";
}
