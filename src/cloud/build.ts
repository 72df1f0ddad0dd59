// Builds a worker the way Cloudflare would receive it: wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`) in a checkout that has the npm packages its
// package.json lists. wrangler itself (and Vitest with Cloudflare's plugin, for tests) are
// linked from fleet's installation rather than downloaded into every checkout.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TOOLS = ["wrangler", "vitest", "@cloudflare/vitest-plugin"];
export const WRANGLER_CONFIGS = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"];

export function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
    child.on("error", (error) => resolve({ code: -1, output: String(error) }));
  });
}

/** The folder of an installed package of fleet's own. */
export function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed package ${name}`);
}

/** Installs the checkout's runtime packages and links the build and test tools into it. */
export async function prepareCheckout(dir: string): Promise<void> {
  const pkgFile = join(dir, "package.json");
  const pkg = existsSync(pkgFile) ? (JSON.parse(await readFile(pkgFile, "utf8")) as { dependencies?: Record<string, string> }) : {};
  if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
    const npm = await run("npm", ["install", "--omit=dev", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], dir);
    if (npm.code !== 0) throw new Error(`npm install failed in ${dir}: ${npm.output.slice(-2000)}`);
  }
  for (const tool of TOOLS) {
    const link = join(dir, "node_modules", tool);
    if (existsSync(link)) continue;
    await mkdir(dirname(link), { recursive: true });
    await symlink(packageDir(tool), link, "dir");
  }
}

export function configFileIn(dir: string): string | undefined {
  return WRANGLER_CONFIGS.find((f) => existsSync(join(dir, f)));
}

export interface Bundle {
  /** The main module's name (as wrangler wrote it). */
  main: string;
  /** Every module of the bundle by name (wrangler writes one, plus source maps we leave out). */
  modules: { name: string; contents: string }[];
}

/** `wrangler deploy --dry-run --outdir` and the modules it wrote. */
export async function buildBundle(dir: string, configFile: string, outdir = join(dir, "dist")): Promise<Bundle> {
  const wrangler = join(packageDir("wrangler"), "bin", "wrangler.js");
  const build = await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir, "--config", configFile], dir);
  if (build.code !== 0) throw new Error(`wrangler could not build ${dir}:\n${build.output.slice(-3000)}`);
  const names = (await readdir(outdir)).filter((n) => /\.(m?js|wasm)$/.test(n)).sort();
  const main = names.includes("index.js") ? "index.js" : names[0]!;
  const modules = await Promise.all(names.map(async (name) => ({ name, contents: await readFile(join(outdir, name), "utf8") })));
  return { main, modules: [...modules.filter((m) => m.name === main), ...modules.filter((m) => m.name !== main)] };
}
