import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { wholeNumberOption } from "../cli/numbers.js";
import { health } from "../api/health.js";
import { EXIT_FINDINGS } from "../errors.js";
import { table } from "../report/table.js";

export default defineCommand({
  usage: "[WORKER...] [--json] [--timeout MS] [--retries N] [--concurrency N]",
  description:
    "Checks https://<hostname>/health of every worker, for its domain and each alias (external workers too), several at a time, with a timeout per request, " +
    "retries and a body check (status ok or healthy; another status is degraded). With the local cloud, fleet hostnames are " +
    "answered by it (the output keeps the real URLs); with providers.cloud cloudflare they are fetched over the internet. Exit 1 if any worker is down.",
  maxPositionals: Infinity,
  options: {
    timeout: { type: "string", description: "per request, in ms (default 5000)", placeholder: "MS" },
    retries: { type: "string", description: "retries of a failed check (default 2)", placeholder: "N" },
    concurrency: { type: "string", description: "checks at a time (default 16)", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const results = await health({
      ...sessionOf(ctx),
      manifest: await ctx.manifest(),
      workers: positionals,
      timeoutMs: wholeNumberOption("--timeout", values.timeout, 5000, 1),
      retries: wholeNumberOption("--retries", values.retries, 2, 0),
      concurrency: wholeNumberOption("--concurrency", values.concurrency, 16, 1),
    });
    if (ctx.json) {
      ctx.out.json({ workers: results.map((r) => ({ id: r.id, host: r.host, url: r.url, state: r.state, status: r.status, latencyMs: r.latencyMs, ...(r.error ? { error: r.error.kind, message: r.error.message } : {}) })) });
    } else {
      const mark = { up: "✅ up", degraded: "⚠️  degraded", down: "❌ down" };
      const rows = results.map((r) => [mark[r.state], r.id, String(r.status ?? r.error?.kind ?? "—"), r.url, `${r.latencyMs} ms`, r.error && r.state !== "up" ? r.error.message : ""]);
      ctx.out.print(table(["state", "worker", "answer", "url", "latency", "detail"], rows, ["left", "left", "left", "left", "right"]));
      const count = (s: string) => results.filter((r) => r.state === s).length;
      ctx.out.print(`\n${count("up")} up, ${count("degraded")} degraded, ${count("down")} down`);
    }
    return results.some((r) => r.state === "down") ? EXIT_FINDINGS : 0;
  },
});
