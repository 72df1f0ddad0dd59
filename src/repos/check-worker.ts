// Does an extracted worker stand on its own? In a clone of its repository: install the npm
// packages its package.json lists, build it with wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`), run the bundle in workerd (Miniflare) and ask
// GET /health, and run its generated integration test with Vitest and Cloudflare's plugin.
// wrangler, Vitest and the plugin are linked from fleet's own installation rather than
// downloaded into every clone; the worker's runtime packages are installed from the registry.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildBundle, packageDir, prepareCheckout, run } from "../cloud/build.js";

export interface WorkerCheck {
  built: boolean;
  health?: { status: number; body: unknown };
  tests?: { passed: boolean; output: string };
  error?: string;
}

export async function checkWorker(clone: string, options: { host: string; configFile: string; tests: boolean }): Promise<WorkerCheck> {
  await prepareCheckout(clone);
  try {
    await buildBundle(clone, options.configFile);
  } catch (error) {
    return { built: false, error: (error as Error).message };
  }
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
