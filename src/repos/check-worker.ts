// Does an extracted worker stand on its own? In a clone of its repository: install the npm
// packages its package.json lists, build it with wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`), run the bundle in workerd (Miniflare) and ask
// GET /health, and run its generated integration test with Vitest and Cloudflare's plugin.
// wrangler, Vitest and the plugin are linked from fleet's own installation rather than
// downloaded into every clone; the worker's runtime packages are installed from the registry.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface WorkerCheck {
  built: boolean;
  health?: { status: number; body: unknown };
  tests?: { passed: boolean; output: string };
  error?: string;
}

const TOOLS = ["wrangler", "vitest", "@cloudflare/vitest-plugin"];

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
    child.on("error", (error) => resolve({ code: -1, output: String(error) }));
  });
}

/** The folder of an installed package of fleet's own (for linking tools into a clone). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed package ${name}`);
}

export async function prepareClone(clone: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
    const npm = await run("npm", ["install", "--omit=dev", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], clone);
    if (npm.code !== 0) throw new Error(`npm install failed in ${clone}: ${npm.output.slice(-2000)}`);
  }
  for (const tool of TOOLS) {
    const link = join(clone, "node_modules", tool);
    if (existsSync(link)) continue;
    await mkdir(dirname(link), { recursive: true });
    await symlink(packageDir(tool), link, "dir");
  }
}

export async function checkWorker(clone: string, options: { host: string; configFile: string; tests: boolean }): Promise<WorkerCheck> {
  await prepareClone(clone);
  const wrangler = join(packageDir("wrangler"), "bin", "wrangler.js");
  const build = await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", "dist", "--config", options.configFile], clone);
  if (build.code !== 0) return { built: false, error: build.output.slice(-3000) };
  let health: WorkerCheck["health"];
  try {
    health = await healthInWorkerd(clone, options);
  } catch (error) {
    return { built: true, error: `workerd: ${(error as Error).message.slice(0, 2000)}` };
  }
  const result: WorkerCheck = { built: true, health };
  if (options.tests) {
    const vitest = join(packageDir("vitest"), "vitest.mjs");
    const tests = await run(process.execPath, [vitest, "run"], clone);
    result.tests = { passed: tests.code === 0, output: tests.output.slice(-3000) };
  }
  return result;
}

/** Loads the built bundle into workerd and asks it for /health (bindings as local stand-ins). */
async function healthInWorkerd(clone: string, options: { host: string; configFile: string }): Promise<{ status: number; body: unknown }> {
  const { Miniflare } = await import("miniflare");
  const { parseWranglerConfig } = await import("../discovery/wrangler-config.js");
  const config = parseWranglerConfig(await readFile(join(clone, options.configFile), "utf8"), options.configFile);
  const kinds = (kind: string) => [...config.bindings.values()].filter((b) => b.kind === kind);
  // The bundle is given as its one module: Miniflare would otherwise follow its dynamic imports,
  // including an optional one that is (rightly) not there.
  const bundle = await readFile(join(clone, "dist", "index.js"), "utf8");
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "index.js", contents: bundle }],
    compatibilityDate: config.compatibilityDate ?? "2025-09-01",
    compatibilityFlags: config.compatibilityFlags,
    cf: false,
    kvNamespaces: kinds("kv").map((b) => b.name),
    d1Databases: kinds("d1").map((b) => b.name),
    r2Buckets: kinds("r2").map((b) => b.name),
    durableObjects: Object.fromEntries(kinds("durable-object").filter((b) => !b.config.script_name).map((b) => [b.name, String(b.config.class_name)])),
    bindings: Object.fromEntries(kinds("var").map((b) => [b.name, b.config.value as string])),
    // Other workers are not running here: their bindings answer 503, a stand-in named as such.
    serviceBindings: Object.fromEntries(kinds("service").map((b) => [b.name, () => new Response("stand-in for a worker that is not running here", { status: 503 })])),
  });
  try {
    const response = await mf.dispatchFetch(`https://${options.host}/health`);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the caller's check says so
    }
    return { status: response.status, body };
  } finally {
    await mf.dispose();
  }
}
