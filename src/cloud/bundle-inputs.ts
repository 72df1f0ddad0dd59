// What a build took in, checked against where it may read: its checkout, the npm packages fleet
// installed for it, and fleet's own wrangler (whose templates and Node.js polyfills go into every
// bundle). wrangler's bundler follows an import wherever it leads, and a symlink in a repository
// leads wherever it points; a file from elsewhere on the deploying machine (a key, an .npmrc)
// would be uploaded and served. Everything is compared by real path, so a symlink counts as where
// it leads.
//
// The bundler's own record of its inputs (esbuild's metafile, which wrangler writes with
// --metafile) names every module it bundled. A module wrangler copies beside the bundle instead
// (a Text, Data or CompiledWasm rule: `<sha1 of its content>-<its file name>`) appears there only
// as an external import of that name, so its source is found from the importing file's import
// specifiers and confirmed by its content's hash. Modules wrangler finds itself
// (find_additional_modules) are looked for under the base folder by their names, and the files a
// config uploads by path (assets, a site's bucket, a service worker's wasm/text/data blobs) are
// walked too.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** esbuild's metafile, the parts read here. */
export interface Metafile {
  inputs: Record<string, { imports?: { path: string; external?: boolean }[] }>;
  outputs: Record<string, unknown>;
}

export interface OutsideRead {
  /** The file as it really is (a symlink's target). */
  file: string;
  /** How the build came to it: an import, a symlink, a config field. */
  via: string;
}

export interface BuildRecord {
  /** The checkout built, absolute. */
  checkout: string;
  /** The config's folder, absolute (paths in the config are relative to it). */
  configDir: string;
  /** The config as deployed: the top level with the environment's own keys over it. */
  config: Record<string, unknown>;
  /** Where wrangler wrote the bundle. */
  outdir: string;
  metafile: Metafile;
  /** The folders a build may read (real paths): the checkout, its packages, fleet's wrangler. */
  roots: readonly string[];
}

const COPIED_MODULE = /^\.\/([0-9a-f]{40})-(.+)$/;
const NAMESPACED = /^[a-z][\w-]*:/i;

/** Every file the build read or will upload from outside its roots; empty when it kept to them. */
export async function readsOutside(build: BuildRecord): Promise<OutsideRead[]> {
  const found: OutsideRead[] = [];
  const inside = (path: string) => build.roots.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep));
  const check = async (path: string, via: string) => {
    const real = await realOrLexical(path);
    if (!inside(real)) found.push({ file: real, via });
  };
  for (const [input, { imports = [] }] of Object.entries(build.metafile.inputs)) {
    if (NAMESPACED.test(input)) continue; // a virtual module of wrangler's plugins, not a file
    // the bundler's paths are relative to the folder wrangler builds in: the config's
    const path = resolve(build.configDir, input);
    await check(path, `bundled as ${input}`);
    for (const copied of imports.filter((i) => i.external && COPIED_MODULE.test(i.path))) {
      const problem = await copiedModuleSource(path, copied.path, inside);
      if (problem) found.push(problem);
    }
  }
  await checkFoundModules(build, check);
  await checkUploadedPaths(build, check);
  return dedupe(found);
}

/** The real path, or the path itself when nothing is there (a virtual module's name). */
async function realOrLexical(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/**
 * Where a module wrangler copied beside the bundle came from: the importer's specifiers that end
 * in its file name, resolved as the bundler would, one of them holding exactly its content.
 */
async function copiedModuleSource(importer: string, copiedAs: string, inside: (p: string) => boolean): Promise<OutsideRead | undefined> {
  const [, hash, name] = COPIED_MODULE.exec(copiedAs) as unknown as [string, string, string];
  const text = await readFile(importer, "utf8").catch(() => "");
  const specifiers = [...text.matchAll(/(["'`])([^"'`\n]*)\1/g)].map((m) => m[2]!).filter((s) => s === name || s.endsWith(`/${name}`));
  let confirmed = false;
  for (const specifier of new Set(specifiers)) {
    const path = sourceOf(importer, specifier);
    if (!path || !existsSync(path)) continue;
    const real = await realOrLexical(path);
    if (!inside(real)) return { file: real, via: `${importer} imports "${specifier}"` };
    const content = await readFile(real).catch(() => undefined);
    if (content && createHash("sha1").update(content).digest("hex") === hash) confirmed = true;
  }
  if (confirmed) return undefined;
  return {
    file: name,
    via: `${importer} imports a module wrangler copied as ${copiedAs.slice(2)}, and no file of the checkout or its packages holds that content`,
  };
}

function sourceOf(importer: string, specifier: string): string | undefined {
  if (isAbsolute(specifier)) return specifier;
  if (specifier.startsWith(".")) return resolve(dirname(importer), specifier);
  try {
    return createRequire(importer).resolve(specifier);
  } catch {
    return undefined;
  }
}

/** Modules in the output folder that are neither the bundle's nor copied by a rule: found by wrangler under the base folder by name. */
async function checkFoundModules(build: BuildRecord, check: (path: string, via: string) => Promise<void>): Promise<void> {
  const written = new Set(Object.keys(build.metafile.outputs).map((o) => resolve(build.configDir, o)));
  const main = typeof build.config.main === "string" ? build.config.main : undefined;
  const baseDir =
    typeof build.config.base_dir === "string"
      ? resolve(build.configDir, build.config.base_dir)
      : main
        ? dirname(resolve(build.configDir, main))
        : build.configDir;
  for (const file of await filesUnder(build.outdir)) {
    const name = relative(build.outdir, file);
    if (written.has(file) || name === "README.md" || name.endsWith(".map") || /^[0-9a-f]{40}-/.test(name)) continue;
    const source = join(baseDir, name);
    if (existsSync(source)) await check(source, `found by wrangler as the module ${name}`);
  }
}

/** Files a config uploads by path: static assets, a Workers Site's bucket, a service worker's blobs and wasm modules. */
async function checkUploadedPaths(build: BuildRecord, check: (path: string, via: string) => Promise<void>): Promise<void> {
  const config = build.config;
  const folders: [string, string][] = [];
  const assets = config.assets as { directory?: unknown } | undefined;
  if (typeof assets?.directory === "string") folders.push([assets.directory, "assets.directory"]);
  const site = config.site as { bucket?: unknown } | undefined;
  if (typeof site?.bucket === "string") folders.push([site.bucket, "site.bucket"]);
  for (const [folder, field] of folders) {
    const dir = resolve(build.configDir, folder);
    await check(dir, field);
    for (const file of await filesUnder(dir, true)) await check(file, `${field} holds ${relative(dir, file)}`);
  }
  for (const field of ["wasm_modules", "text_blobs", "data_blobs"]) {
    const blobs = config[field];
    if (!blobs || typeof blobs !== "object") continue;
    for (const [name, path] of Object.entries(blobs as Record<string, unknown>)) {
      if (typeof path === "string") await check(resolve(build.configDir, path), `${field}.${name}`);
    }
  }
}

/** Every file under `dir` (symlinks as themselves when `links`, not followed). */
async function filesUnder(dir: string, links = false): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, links)));
    else if (entry.isFile() || (links && entry.isSymbolicLink())) out.push(path);
  }
  return out;
}

function dedupe(found: OutsideRead[]): OutsideRead[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.file) && seen.add(f.file));
}
