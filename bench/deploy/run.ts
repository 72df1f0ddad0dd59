// Deploying the whole example fleet (36 workers) to the local cloud with `fleet deploy --all` —
// checkout, npm packages, wrangler's bundling, upload, health of each, in dependency order — against
// the loop a team would otherwise script: `wrangler deploy --dry-run` in each worker's clone, one
// after another (builds only, packages installed beforehand and not timed: less work than fleet's).
// Run: npm run build && node bench/deploy/run.ts [--runs 3]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compare, report } from "../lib/measure.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
const WRANGLER = new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url).pathname;
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), "fleet-bench-deploy-"));
const dir = join(work, "mono");
const ID = { GIT_AUTHOR_NAME: "B", GIT_AUTHOR_EMAIL: "b@chitty.cc", GIT_COMMITTER_NAME: "B", GIT_COMMITTER_EMAIL: "b@chitty.cc", CI: "1" };
const fleet = (...args: string[]) => {
  const r = spawnSync(node, [BIN, ...args, "--cwd", dir], { encoding: "utf8", env: { ...process.env, ...ID } });
  if (r.status !== 0) throw new Error(`fleet ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
};
process.stderr.write("preparing: example, repositories, clones with their packages…\n");
spawnSync(node, [BIN, "example", dir, "--commits", "200"], { stdio: "ignore" });
spawnSync("sh", ["-c", `echo .fleet/ >> ${dir}/.git/info/exclude`]);
for (const args of [["init"], ["create", "--all"], ["sync", "--all"], ["clone", "--all", "--dir", join(work, "clones")]]) fleet(...args);
const clones = readdirSync(join(work, "clones")).map((n) => join(work, "clones", n));
for (const clone of clones) {
  const r = spawnSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], { cwd: clone, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`npm install failed in ${clone}`);
}
const loop = clones.map((c) => `cd '${c}' && '${node}' '${WRANGLER}' deploy --dry-run --outdir '${join(work, "out")}' --config ${existsSync(join(c, "wrangler.jsonc")) ? "wrangler.jsonc" : "wrangler.toml"} >/dev/null || exit 1`).join("\n");

const results = compare(
  [
    { name: `wrangler deploy --dry-run, one clone after another (${clones.length} builds)`, command: ["sh", "-c", loop], env: { WRANGLER_SEND_METRICS: "false" } },
    { name: `fleet deploy --all (${clones.length} workers: build, upload, health)`, command: [node, BIN, "deploy", "--all", "--cwd", dir], env: ID, prepare: () => rmSync(join(dir, ".fleet", "cloud"), { recursive: true, force: true }) },
  ],
  Number(values.runs),
  0,
  { memory: true },
);
console.log(report(results));
rmSync(work, { recursive: true, force: true });
