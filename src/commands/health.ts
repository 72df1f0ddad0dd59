import { defineCommand, healthOptions } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { health } from "../api/health.js";
import { EXIT_FINDINGS } from "../errors.js";
import { table } from "../report/table.js";
import { askedWhy } from "../health/where.js";

export default defineCommand({
  usage: "[WORKER...] [--json] [--timeout MS] [--retries N] [--concurrency N]",
  description:
    "Checks https://<hostname>/health of every worker, for its domain and each alias (external workers too), several at a time, with a timeout per request, " +
    "and each wildcard route on the worker's probeHost, else its workers.dev name (the detail says which), " +
    "retries and a body check (status ok or healthy; another status is degraded). With the local cloud, fleet hostnames are " +
    "answered by it (the output keeps the real URLs); with providers.cloud cloudflare they are fetched over the internet. Exit 1 if any worker is down.",
  maxPositionals: Infinity,
  options: {
    ...healthOptions({ timeoutMs: 5000, retries: 2 }),
    concurrency: { type: "integer", min: 1, max: 64, default: 16, description: "checks at a time", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const results = await health({
      ...sessionOf(ctx),
      manifest: await ctx.manifest(),
      workers: positionals,
      timeoutMs: values.timeout,
      retries: values.retries,
      concurrency: values.concurrency,
    });
    if (ctx.json) {
      ctx.out.json({
        workers: results.map((r) => ({
          id: r.id,
          host: r.host,
          ...(r.route ? { route: r.route, via: r.via } : {}),
          url: r.url,
          state: r.state,
          status: r.status,
          latencyMs: r.latencyMs,
          ...(r.error ? { error: r.error.kind, message: r.error.message } : {}),
        })),
      });
    } else {
      const mark = { up: "✅ up", degraded: "⚠️  degraded", down: "❌ down" };
      const rows = results.map((r) => [
        mark[r.state],
        r.id,
        String(r.status ?? r.error?.kind ?? "—"),
        r.url,
        `${r.latencyMs} ms`,
        [r.error && r.state !== "up" ? r.error.message : "", r.route ? askedWhy({ route: r.route, host: r.host, via: r.via! }) : ""].filter(Boolean).join("; "),
      ]);
      ctx.out.print(table(["state", "worker", "answer", "url", "latency", "detail"], rows, ["left", "left", "left", "left", "right"]));
      const count = (s: string) => results.filter((r) => r.state === s).length;
      ctx.out.print(`\n${count("up")} up, ${count("degraded")} degraded, ${count("down")} down`);
    }
    return results.some((r) => r.state === "down") ? EXIT_FINDINGS : 0;
  },
});
