import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { defineCommand, healthOptions } from "../cli/define.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { sessionOf } from "../cli/context.js";
import { status as observeStatus } from "../api/status.js";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { renderMarkdown, renderText } from "../status/text.js";

export default defineCommand({
  usage: "[WORKER...] [--json|--markdown|--html FILE] [--timeout MS] [--retries N] [--concurrency N]",
  description:
    "The migration checklist of every worker (or the ones named), observed now: repository, code extracted, tests, " +
    "Actions, secrets, deployed from its repository, health, registry, documentation, marked migrated — each with the " +
    "evidence its probe saw. Prints the matrix, progress per phase, the rollout by week and each worker's next action. " +
    "--markdown for a tracking issue; --html FILE writes one self-contained page with the dependency graph. Reads only.",
  maxPositionals: Infinity,
  options: {
    markdown: { type: "boolean", description: "print Markdown (for a tracking issue)" },
    html: { type: "string", description: "also write the status page to FILE", placeholder: "FILE" },
    ...healthOptions({ timeoutMs: 3000, retries: 1 }),
    concurrency: { type: "integer", min: 1, max: 64, default: 8, description: "probes at a time", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    requireKnownWorkers(manifest, positionals);
    const htmlFile = values.html ? resolve(ctx.cwd, values.html) : undefined;
    if (htmlFile && !existsSync(dirname(htmlFile))) throw new UserError(`--html ${values.html}: the folder ${dirname(htmlFile)} does not exist`);
    const health = { timeoutMs: values.timeout, retries: values.retries };
    const concurrency = values.concurrency;
    const progress = ctx.out.progress(`observing ${positionals.length || Object.keys(manifest.workers).length} workers`);
    const status = await observeStatus({ ...sessionOf(ctx), manifest, workers: positionals, health, concurrency });
    progress.done(`observed ${status.workers.length} workers`);
    if (htmlFile) {
      const { renderHtml } = await import("../status/html.js");
      await writeFileAtomic(htmlFile, renderHtml(status, manifest));
      ctx.out.info(`wrote ${htmlFile}`);
    }
    if (ctx.json) ctx.out.json(status);
    else if (values.markdown) ctx.out.print(renderMarkdown(status));
    else ctx.out.print(renderText(status));
    return 0;
  },
});
