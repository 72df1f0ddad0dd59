// Builds a worker the way Cloudflare would receive it: wrangler's own bundling
// (`wrangler deploy --dry-run --outdir`) in a checkout that has the npm packages its
// package.json lists. wrangler itself (and Vitest with Cloudflare's plugin, for tests) are
// linked from fleet's installation rather than downloaded into every checkout. The build runs a
// repository's code (its custom build, the modules the bundler loads), so it runs without any
// credential (build-env.ts), and a bundle that took in a file from outside the checkout and its
// packages is refused (bundle-inputs.ts) before anything is uploaded.
import { WRANGLER_FILES } from "../discovery/file-kinds.js";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, parse, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { CONFIG_FLAG } from "../discovery/platform-config.js";
import { npmEnv, repositoryEnv, withScratchHome } from "./build-env.js";
import { BuildFailed, keepLog, wranglerErrors } from "./build-failure.js";
import { isBinary, moduleTyper, type ModuleType } from "./module-types.js";
import { readsOutside, type Metafile, type OutsideRead } from "./bundle-inputs.js";

const TOOLS = ["wrangler", "vitest", "@cloudflare/vitest-plugin"];

/** Runs `command` with exactly `env` (nothing of fleet's own environment is added). */
export function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
    child.on("error", (error) => resolve({ code: -1, output: String(error) }));
  });
}

/** Where a cloud keeps the npm packages its builds share (under its work folder). */
export function packageCacheIn(workDir: string): string {
  return join(workDir, "packages");
}

/** Where wrangler's output of a failed build is kept: .fleet/logs/, beside the cloud's work folder. */
export function buildLogsIn(workDir: string): string {
  return join(dirname(workDir), "logs");
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
  const args = ["install", "--omit=dev", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"];
  const npm = await withScratchHome((home) => run("npm", args, dir, npmEnv(home)));
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
 * `wrangler*.{toml,json,jsonc}` (a config worker keeps its name, such as wrangler-evidence.toml),
 * else the `--config` of package.json's deploy script (a folder worker that keeps its monorepo
 * path, such as workers/vault/wrangler.jsonc).
 */
export function configFileIn(dir: string): string | undefined {
  const standard = WRANGLER_FILES.find((f) => existsSync(join(dir, f)));
  if (standard) return standard;
  const named = readdirSync(dir).filter((f) => /^wrangler[\w.-]*\.(toml|jsonc?)$/.test(f));
  if (named.length === 1) return named[0];
  if (named.length > 1) return undefined;
  const script = readPackageJsonSync(join(dir, "package.json"))?.scripts?.deploy;
  const file = typeof script === "string" ? CONFIG_FLAG.exec(script)?.[1]?.replace(/^\.\//, "") : undefined;
  return file && !file.startsWith("..") && existsSync(join(dir, file)) ? file : undefined;
}

function readPackageJsonSync(file: string): { scripts?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { scripts?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}

export interface BundleModule {
  /** Its path in the bundle, as the code imports it. */
  name: string;
  contents: string | Uint8Array;
  /** As wrangler would upload it (by extension when absent). */
  type?: ModuleType;
}

export interface Bundle {
  /** Where wrangler wrote it (absolute); absent for a bundle fleet wrote itself (its registry, a stored version). */
  outdir?: string;
  /** The main module's name (as wrangler wrote it). */
  main: string;
  /** Every module of the bundle by name and type (source maps left out); bytes for Data and CompiledWasm. */
  modules: BundleModule[];
}

/** Where a deploy's build writes its bundle, inside the checkout. */
export const BUILD_OUTPUT = ".fleet-dist";

/** A build that read a file from outside its checkout and packages: nothing of it goes up. */
export class ReadOutsideCheckout extends Error {
  constructor(readonly reads: OutsideRead[]) {
    const listed = reads.slice(0, 3).map((r) => `${r.file} (${r.via})`);
    const more = reads.length > 3 ? ` and ${reads.length - 3} more` : "";
    super(`the build read files outside its checkout and its npm packages, so nothing was uploaded: ${listed.join("; ")}${more}`);
    this.name = "ReadOutsideCheckout";
  }
}

export interface BuildOptions {
  /** The wrangler environment built (its own keys over the top level's). */
  environment?: string;
  /** The shared package cache the checkout's node_modules link into: a build may read it. */
  packageCache?: string;
  /** Where wrangler's output of a failed build is kept (the message names the file). */
  logs?: string;
}

/**
 * `wrangler deploy --dry-run --outdir` and the modules it wrote, built without credentials and
 * refused (ReadOutsideCheckout) when it took in a file from outside its roots.
 */
export async function buildBundle(dir: string, configFile: string, outdir = join(dir, "dist"), options: BuildOptions = {}): Promise<Bundle> {
  // wrangler's bin script only starts this file in a second node process; starting it directly
  // saves that process, and node's compile cache (its default place) saves parsing wrangler again.
  const wrangler = join(packageDir("wrangler"), "wrangler-dist", "cli.js");
  const metafile = `${outdir}.meta.json`;
  const environment = options.environment ? ["--env", options.environment] : [];
  // whatever the repository holds at these names goes first (a symlink there would lead the output elsewhere)
  await Promise.all([rm(outdir, { recursive: true, force: true }), rm(metafile, { force: true })]);
  // a container's image is built (with Docker) by the deploy that uploads it, not by this build of the bundle
  const args = [
    "--no-warnings",
    wrangler,
    "deploy",
    "--dry-run",
    "--containers-rollout=none",
    "--outdir",
    outdir,
    "--metafile",
    metafile,
    "--config",
    configFile,
    ...environment,
  ];
  const build = await withScratchHome((home) => run(process.execPath, args, dir, repositoryEnv(home)));
  if (build.code !== 0) {
    // named as it sits in the monorepo (.fleet/logs/<file>), where the user looks
    const log = options.logs
      ? join(basename(dirname(options.logs)), basename(options.logs), basename(await keepLog(options.logs, basename(dir), build.output)))
      : undefined;
    throw new BuildFailed(
      wranglerErrors(build.output) ||
        build.output
          .replace(/\x1b\[[0-9;]*m/g, "")
          .trim()
          .split("\n")
          .slice(-3)
          .join(" "),
      log,
    );
  }
  const config = deployedConfig(parseWranglerConfig(await readFile(join(dir, configFile), "utf8"), configFile).raw, options.environment);
  const outside = await readsOutside({
    checkout: await realpath(dir),
    configDir: resolve(await realpath(dir), dirname(configFile)),
    config,
    outdir: await realpath(outdir),
    // a worker that bundles nothing (no_bundle) has no bundler record: its modules are checked as found
    metafile: existsSync(metafile) ? (JSON.parse(await readFile(metafile, "utf8")) as Metafile) : { inputs: {}, outputs: {} },
    roots: await buildRoots(dir, options.packageCache),
  });
  if (outside.length) throw new ReadOutsideCheckout(outside);
  await rm(join(outdir, "README.md"), { force: true }); // wrangler's note on the folder, not a module
  // every module wrangler wrote, typed by the config's rules as wrangler uploads them
  const typeOf = moduleTyper(config.rules);
  const typed = (await readdir(outdir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.endsWith(".map"))
    .map((e) => relative(outdir, join(e.parentPath, e.name)).split(sep).join("/"))
    .flatMap((name) => (typeOf(name) ? [{ name, type: typeOf(name)! }] : []))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const names = typed.map((m) => m.name);
  const entry = builtEntryName(config);
  const main = entry && names.includes(entry) ? entry : names.includes("index.js") ? "index.js" : names[0]!;
  const modules = await Promise.all(
    typed.map(async ({ name, type }) => ({
      name,
      type,
      contents: isBinary(type) ? new Uint8Array(await readFile(join(outdir, name))) : await readFile(join(outdir, name), "utf8"),
    })),
  );
  return { outdir, main, modules: [...modules.filter((m) => m.name === main), ...modules.filter((m) => m.name !== main)] };
}

/** The top level with the environment's own keys over it, as wrangler deploys it. */
export function deployedConfig(raw: Record<string, unknown>, environment?: string): Record<string, unknown> {
  const section = environment ? (raw.env as Record<string, Record<string, unknown>> | undefined)?.[environment] : undefined;
  const { env: _env, ...top } = raw;
  return section ? { ...top, ...section } : top;
}

/** The file wrangler's dry run writes the entry to: its own name without bundling, else `<name>.js`. */
export function builtEntryName(config: Record<string, unknown>): string | undefined {
  if (typeof config.main !== "string") return undefined;
  return config.no_bundle === true ? basename(config.main) : `${parse(config.main).name}.js`;
}

/** Where a build may read: the checkout, the shared package cache, and the node_modules fleet's wrangler is installed in. */
async function buildRoots(dir: string, packageCache?: string): Promise<string[]> {
  const roots = [dir, dirname(packageDir("wrangler")), ...(packageCache && existsSync(packageCache) ? [packageCache] : [])];
  return Promise.all(roots.map((r) => realpath(r)));
}
