// Does an extracted worker stand on its own? In a clone of its repository: install the npm
// packages its package.json lists, build it with wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`), run the bundle in workerd (Miniflare) and ask
// GET /health, and run its generated integration test with Vitest and Cloudflare's plugin.
// wrangler, Vitest and the plugin are linked from fleet's own installation rather than
// downloaded into every clone; the worker's runtime packages are installed from the registry.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, packageDir, prepareCheckout, run, type Bundle } from "../../src/cloud/build.js";
import { repositoryEnv, withScratchHome } from "../../src/cloud/build-env.js";
import { requestOnce } from "../../src/cloud/runtime.js";
import { specFromConfig } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";

export interface WorkerCheck {
  built: boolean;
  health?: { status: number; body: unknown };
  tests?: { passed: boolean; output: string };
  error?: string;
}

export async function checkWorker(clone: string, options: { host: string; configFile: string; tests: boolean; healthPath?: string }): Promise<WorkerCheck> {
  await prepareCheckout(clone);
  let bundle: Bundle;
  try {
    bundle = await buildBundle(clone, options.configFile);
  } catch (error) {
    return { built: false, error: (error as Error).message };
  }
  let health: WorkerCheck["health"];
  try {
    health = await healthInWorkerd(clone, bundle, options);
  } catch (error) {
    return { built: true, error: `workerd: ${(error as Error).message.slice(0, 2000)}` };
  }
  const result: WorkerCheck = { built: true, health };
  if (options.tests) {
    const vitest = join(packageDir("vitest"), "vitest.mjs");
    // the worker's own tests are its code: run without anything of this process's environment
    const tests = await withScratchHome((home) => run(process.execPath, [vitest, "run"], clone, repositoryEnv(home)));
    result.tests = { passed: tests.code === 0, output: tests.output.slice(-3000) };
  }
  return result;
}

/**
 * Deploys the built bundle into a throwaway local cloud (the same runtime `fleet up` uses:
 * other workers' bindings are stand-ins answering 503) and asks it for /health.
 */
async function healthInWorkerd(
  clone: string,
  bundle: Bundle,
  options: { host: string; configFile: string; healthPath?: string },
): Promise<{ status: number; body: unknown }> {
  const config = parseWranglerConfig(await readFile(join(clone, options.configFile), "utf8"), options.configFile);
  const scratch = await mkdtemp(join(tmpdir(), "fleet-check-cloud-"));
  try {
    const store = new LocalCloudStore(scratch);
    await store.deploy({ ...specFromConfig(config), routes: [options.host] }, bundle, { repository: clone, commit: "", message: "check" });
    return await requestOnce(store, `https://${options.host}${options.healthPath ?? "/health"}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
