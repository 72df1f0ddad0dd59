// Builds a worker the way Cloudflare would receive it: wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`) in a checkout that has the npm packages its
// package.json lists. wrangler itself (and Vitest with Cloudflare's plugin, for tests) are
// linked from fleet's installation rather than downloaded into every checkout.
import { WRANGLER_FILES } from "../discovery/file-kinds.js";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TOOLS = ["wrangler", "vitest", "@cloudflare/vitest-plugin"];

export function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
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

/**
 * Installs the checkout's runtime packages and links the build and test tools into it. With a
 * package cache, each distinct set of dependencies is installed once (under the cache, keyed by
 * the set) and linked into every checkout that needs the same set.
 */
export async function prepareCheckout(dir: string, packageCache?: string): Promise<void> {
  const pkgFile = join(dir, "package.json");
  const pkg = existsSync(pkgFile) ? (JSON.parse(await readFile(pkgFile, "utf8")) as { dependencies?: Record<string, string> }) : {};
  const dependencies = pkg.dependencies ?? {};
  if (Object.keys(dependencies).length > 0) {
    if (packageCache) await linkPackages(dir, await cachedInstall(packageCache, dependencies));
    else await npmInstall(dir);
  }
  for (const tool of TOOLS) {
    const link = join(dir, "node_modules", tool);
    if (existsSync(link)) continue;
    await mkdir(dirname(link), { recursive: true });
    await symlink(packageDir(tool), link, "dir");
  }
}

async function npmInstall(dir: string): Promise<void> {
  const npm = await run("npm", ["install", "--omit=dev", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], dir);
  if (npm.code !== 0) throw new Error(`npm install failed in ${dir}: ${npm.output.slice(-2000)}`);
}

// One install per distinct dependency set; concurrent builds asking for the same set share it.
const installing = new Map<string, Promise<string>>();

async function cachedInstall(cache: string, dependencies: Record<string, string>): Promise<string> {
  const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : 1)));
  const key = createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
  const target = join(cache, key);
  const pending = installing.get(target);
  if (pending) return pending;
  const work = (async () => {
    if (existsSync(join(target, "node_modules"))) return join(target, "node_modules");
    // installed beside, then renamed into place: a half-finished install is never used
    const scratch = `${target}.${process.pid}.tmp`;
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    await writeFile(join(scratch, "package.json"), JSON.stringify({ private: true, dependencies: sorted }));
    await npmInstall(scratch);
    await rename(scratch, target).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(target, "node_modules"))) throw error; // another process won the race: use theirs
      await rm(scratch, { recursive: true, force: true });
    });
    return join(target, "node_modules");
  })();
  installing.set(target, work);
  work.catch(() => installing.delete(target));
  return work;
}

/** Links every package of a shared node_modules into the checkout's own. */
async function linkPackages(dir: string, shared: string): Promise<void> {
  for (const name of await readdir(shared)) {
    if (name.startsWith(".")) continue;
    const names = name.startsWith("@") ? (await readdir(join(shared, name))).map((n) => `${name}/${n}`) : [name];
    for (const pkgName of names) {
      const link = join(dir, "node_modules", pkgName);
      if (existsSync(link)) continue;
      await mkdir(dirname(link), { recursive: true });
      await symlink(join(shared, pkgName), link, "dir");
    }
  }
}

/**
 * The wrangler config of a checkout: wrangler.{jsonc,json,toml}, else the one root
 * `wrangler*.{toml,json,jsonc}` (a config worker keeps its name, such as wrangler-evidence.toml).
 */
export function configFileIn(dir: string): string | undefined {
  const standard = WRANGLER_FILES.find((f) => existsSync(join(dir, f)));
  if (standard) return standard;
  const named = readdirSync(dir).filter((f) => /^wrangler[\w.-]*\.(toml|jsonc?)$/.test(f));
  return named.length === 1 ? named[0] : undefined;
}

export interface Bundle {
  /** The main module's name (as wrangler wrote it). */
  main: string;
  /** Every module of the bundle by name (wrangler writes one, plus source maps we leave out). */
  modules: { name: string; contents: string }[];
}

/** `wrangler deploy --dry-run --outdir` and the modules it wrote. */
export async function buildBundle(dir: string, configFile: string, outdir = join(dir, "dist")): Promise<Bundle> {
  // wrangler's bin script only starts this file in a second node process; starting it directly
  // saves that process, and node's compile cache (its default place) saves parsing wrangler again.
  const wrangler = join(packageDir("wrangler"), "wrangler-dist", "cli.js");
  const build = await run(process.execPath, ["--no-warnings", wrangler, "deploy", "--dry-run", "--outdir", outdir, "--config", configFile], dir, {
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), "node-compile-cache"),
  });
  if (build.code !== 0) throw new Error(`wrangler could not build ${dir}:\n${build.output.slice(-3000)}`);
  const names = (await readdir(outdir)).filter((n) => /\.(m?js|wasm)$/.test(n)).sort();
  const main = names.includes("index.js") ? "index.js" : names[0]!;
  const modules = await Promise.all(names.map(async (name) => ({ name, contents: await readFile(join(outdir, name), "utf8") })));
  return { main, modules: [...modules.filter((m) => m.name === main), ...modules.filter((m) => m.name !== main)] };
}
