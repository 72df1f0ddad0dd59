import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import type { Progress } from "../cli/output.js";
import { init } from "../api/init.js";
import { groupWarnings } from "../report/warnings.js";
import type { Discovery, Layout } from "../discovery/discover.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";

export default defineCommand({
  writes: true,
  usage: "[--layout auto|router|directories] [--router FILE] [--org NAME] [--dry-run]",
  description:
    "Discovers the monorepo's workers and writes fleet.jsonc. Run again, it keeps what you edited and adds what is new. " +
    "router layout: reads the platform router's hostname map and each service's module closure; directories layout: " +
    "every workers/*, apps/* or workspace member with a wrangler config.",
  options: {
    layout: { type: "string", description: "auto (default), router or directories", placeholder: "LAYOUT" },
    router: { type: "string", description: "the platform router (default src/platform-worker.js)", placeholder: "FILE" },
    org: { type: "string", description: "GitHub organisation for the worker repositories (default: the package.json scope)", placeholder: "NAME" },
    "dry-run": { type: "boolean", description: "print the manifest instead of writing it" },
  },
  async run(ctx, { values }) {
    const layout = (values.layout ?? "auto") as Layout | "auto";
    if (!["auto", "router", "directories"].includes(layout)) {
      throw new UserError(`--layout must be auto, router or directories, not "${layout}"`);
    }
    let progress: Progress | undefined;
    const result = await init({
      ...sessionOf(ctx),
      layout,
      dryRun: Boolean(values["dry-run"]),
      onDiscovering: () => (progress = ctx.out.progress("discovering workers")),
      ...(values.router ? { router: values.router } : {}),
      ...(values.org ? { org: values.org } : {}),
    });
    const { file, discovery: found, added, kept, gone, warnings, problems } = result;
    progress?.done(`found ${describe(found)}`);
    if (ctx.json) {
      ctx.out.json({ file, layout: found.layout, written: result.written, added, kept, gone, skipped: found.skipped, warnings, problems });
    } else if (values["dry-run"]) {
      ctx.out.print(result.text.trimEnd());
    }
    for (const s of found.skipped) ctx.out.info(`skipped ${s.hostname}: ${s.reason}`);
    for (const w of ctx.verbose ? warnings : groupWarnings(result.findings)) ctx.out.warn(w);
    for (const id of gone) ctx.out.warn(`${id}: its source is no longer in the monorepo; left in ${file} for you to decide`);
    if (values["dry-run"]) ctx.out.info(`dry run: ${file} not written`);
    else if (!result.written) ctx.out.info(`${file} is up to date: nothing new found (${kept.length} workers kept)`);
    else if (result.existed) ctx.out.info(`updated ${file}: added ${added.length} (${added.join(", ") || "none"}), kept ${kept.length} as you left them`);
    else ctx.out.info(`wrote ${file} with ${added.length} workers; next: \`fleet plan\``);
    if (problems.length > 0) {
      ctx.out.warn(`${file} needs your attention before other commands will use it:`);
      for (const p of problems) ctx.out.info(`  ${p}`);
      return EXIT_FINDINGS;
    }
    return 0;
  },
});

function describe(found: Discovery): string {
  const external = found.workers.filter((w) => w.entry.external).length;
  const own = found.workers.length - external;
  const externals = external ? `, ${external} external` : "";
  const skipped = found.skipped.length ? `, ${found.skipped.length} entries skipped` : "";
  return `${own} workers in the ${found.layout} layout${externals}${skipped}`;
}
