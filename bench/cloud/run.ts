// The local cloud: how long `fleet up` takes to serve the whole example fleet (platform + 36
// workers + registry), against Miniflare's own start-up with the same options, and the latency
// fleet up's HTTP gateway adds to a request against Miniflare's in-process dispatchFetch.
// Run: npm run build && node bench/cloud/run.ts [--runs 3] [--requests 300]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request, Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { miniflareOptions } from "../../dist/cloud/runtime.js";
import { LocalCloudStore } from "../../dist/cloud/store.js";
import { median } from "../lib/measure.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, requests: { type: "string", default: "300" } } });
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), "fleet-bench-cloud-"));
const dir = join(work, "mono");
const ID = { GIT_AUTHOR_NAME: "B", GIT_AUTHOR_EMAIL: "b@chitty.cc", GIT_COMMITTER_NAME: "B", GIT_COMMITTER_EMAIL: "b@chitty.cc" };
const fleet = (...args: string[]) => {
  const r = spawnSync(node, [BIN, ...args, "--cwd", dir], { encoding: "utf8", env: { ...process.env, ...ID, CI: "1" } });
  if (r.status !== 0) throw new Error(`fleet ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
};
process.stderr.write("preparing: example, repositories, deploy of the whole fleet…\n");
spawnSync(node, [BIN, "example", dir, "--commits", "200"], { stdio: "ignore" });
spawnSync("sh", ["-c", `echo .fleet/ >> ${dir}/.git/info/exclude`]);
for (const args of [["init"], ["create", "--all"], ["sync", "--all"], ["deploy", "--platform", "--all", "--retries", "2"]]) fleet(...args);
const store = LocalCloudStore.at(dir);
const workers = Object.keys((await store.state()).workers).length;

function get(port: number, host: string, agent?: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", headers: { host }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Starts `fleet up` and resolves once it answers a fleet hostname. */
async function startUp(port: number) {
  const up = spawn(node, [BIN, "up", "--port", String(port), "--cwd", dir], { stdio: "ignore", env: { ...process.env, CI: "1" } });
  for (;;) {
    try {
      if ((await get(port, "initiate.chitty.cc")) === 200) return up;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const upTimes: number[] = [];
const mfTimes: number[] = [];
for (let run = 0; run < Number(values.runs); run++) {
  let started = performance.now();
  const mf = new Miniflare((await miniflareOptions(store)) as never);
  await mf.ready;
  mfTimes.push(performance.now() - started);
  await mf.dispose();

  const port = 19000 + run;
  started = performance.now();
  const up = await startUp(port);
  upTimes.push(performance.now() - started);
  up.kill("SIGINT");
  await new Promise((r) => up.on("exit", r));
}

// Added latency: the same request through fleet up's HTTP gateway and through dispatchFetch.
const port = 19100;
const up = await startUp(port);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const viaGateway: number[] = [];
for (let i = 0; i < Number(values.requests); i++) {
  const t = performance.now();
  await get(port, "initiate.chitty.cc", agent);
  viaGateway.push(performance.now() - t);
}
up.kill("SIGINT");
await new Promise((r) => up.on("exit", r));
const mf = new Miniflare((await miniflareOptions(store)) as never);
await mf.ready;
const viaDispatch: number[] = [];
for (let i = 0; i < Number(values.requests); i++) {
  const t = performance.now();
  await (await mf.dispatchFetch("https://initiate.chitty.cc/health")).text();
  viaDispatch.push(performance.now() - t);
}
await mf.dispose();

const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
console.log(`# bench/cloud — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}\n`);
console.log(`${workers} workers deployed by \`fleet deploy --platform --all\` (the platform and ${workers - 1} fleet workers); \`fleet up\` adds the registry worker.\n`);
console.log("| measure | median ms | p90 ms |\n| --- | ---: | ---: |");
console.log(`| Miniflare start-up with the same options (anchor), ${values.runs} runs | ${median(mfTimes).toFixed(0)} | ${p90(mfTimes).toFixed(0)} |`);
console.log(`| \`fleet up\` until it answers (process start included), ${values.runs} runs | ${median(upTimes).toFixed(0)} | ${p90(upTimes).toFixed(0)} |`);
console.log(`| one request through fleet up's HTTP gateway (keep-alive), ${values.requests} requests | ${median(viaGateway).toFixed(2)} | ${p90(viaGateway).toFixed(2)} |`);
console.log(`| one request through Miniflare's dispatchFetch (anchor), ${values.requests} requests | ${median(viaDispatch).toFixed(2)} | ${p90(viaDispatch).toFixed(2)} |`);
console.log(`\n- fleet up serves the fleet in ${(median(upTimes) / 1000).toFixed(2)} s, ${(median(upTimes) / median(mfTimes)).toFixed(2)}x Miniflare's own start-up`);
console.log(`- the gateway adds ${(median(viaGateway) - median(viaDispatch)).toFixed(2)} ms per request (median)`);
rmSync(work, { recursive: true, force: true });
process.exit(0);
