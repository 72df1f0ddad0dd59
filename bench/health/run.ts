// Health of 300 endpoints: fleet's concurrent checker against a sequential curl loop like the
// users' own script, on the same local server, side by side in one run.
// Run: npm run build && node bench/health/run.ts [--runs 3] [--timeout 2000] [--concurrency 32]
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { compare, report } from "../lib/measure.ts";
import { behaviour, ENDPOINTS } from "./server.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, timeout: { type: "string", default: "2000" }, concurrency: { type: "string", default: "32" } } });
const timeout = Number(values.timeout);
const server = spawn(process.execPath, [new URL("./server.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
try {
  const urls = Array.from({ length: ENDPOINTS }, (_, i) => `http://127.0.0.1:${port}/svc-${i}/health`).join(" ");
  const loop = `for u in ${urls}; do code=$(curl -s -o /dev/null -w '%{http_code}' --max-time ${timeout / 1000} "$u"); done`;
  const results = compare(
    [
      { name: `sequential curl loop (--max-time ${timeout / 1000}s)`, command: ["bash", "-c", loop] },
      { name: `fleet health engine (concurrency ${values.concurrency}, timeout ${timeout} ms)`, command: [process.execPath, new URL("./fleet-check.ts", import.meta.url).pathname, String(port), String(timeout), values.concurrency!] },
    ],
    Number(values.runs),
    0,
  );
  const kinds = Array.from({ length: ENDPOINTS }, (_, i) => behaviour(i));
  const slowest = Math.max(...kinds.filter((k) => k.kind !== "hung").map((k) => k.delayMs));
  console.log(`# bench/health — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${values.runs} runs (medians)\n`);
  console.log(`${ENDPOINTS} endpoints: ${kinds.filter((k) => k.kind === "fast").length} fast, ${kinds.filter((k) => k.kind === "slow").length} slow (slowest ${slowest} ms), ${kinds.filter((k) => k.kind === "failing").length} failing (503), ${kinds.filter((k) => k.kind === "hung").length} hung; timeout ${timeout} ms.\n`);
  console.log(report(results));
  console.log(`\n- fleet: ${(results[1]!.median / 1000).toFixed(2)} s against the slowest answering endpoint (${slowest} ms) and the timeout (${timeout} ms): a hung endpoint costs at most the timeout, the rest run alongside it`);
  console.log(`- the curl loop: ${(results[0]!.median / 1000).toFixed(1)} s, ${(results[0]!.median / results[1]!.median).toFixed(1)}x fleet`);
} finally {
  server.kill();
}
process.exit(0);
