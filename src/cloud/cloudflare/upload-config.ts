// The config fleet's credentialed wrangler uploads with. The worker was built beforehand, without
// credentials (build.ts); the upload must run nothing of the repository's, and wrangler runs a
// config's `build.command` on every deploy, `--no-bundle` included, and loads the `.env` file of
// the folder it starts in (where a repository could set CLOUDFLARE_API_BASE_URL, a proxy, or
// NODE_TLS_REJECT_UNAUTHORIZED, and send fleet's token elsewhere). So the upload starts in a
// folder of fleet's, with this config: the repository's own, with the built output as its entry
// (no_bundle, the modules wrangler wrote found beside it) and no build step, its other paths
// made absolute. It is the shape wrangler's own test harness deploys a prebuilt worker with.
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { builtEntryName, deployedConfig } from "../build.js";

/** Fields that only steer bundling: with a prebuilt entry they mean nothing, and `build` would run the repository's command. */
const BUILD_ONLY = [
  "build",
  "minify",
  "alias",
  "define",
  "tsconfig",
  "jsx_factory",
  "jsx_fragment",
  "keep_names",
  "node_compat",
  "preserve_file_names",
  "$schema",
];

/**
 * The upload config for `environment` (only that section is kept) of a config in `configDir`,
 * built into `outdir`.
 */
export function uploadConfig(raw: Record<string, unknown>, configDir: string, outdir: string, environment?: string): Record<string, unknown> {
  const { env, ...top } = raw;
  const section = environment ? (env as Record<string, Record<string, unknown>> | undefined)?.[environment] : undefined;
  const entry = builtEntryName(deployedConfig(raw, environment));
  const prebuilt = entry ? { main: resolve(outdir, entry), base_dir: outdir, no_bundle: true, find_additional_modules: true } : {};
  const out: Record<string, unknown> = { ...absolutePaths(withoutBuild(top), configDir), ...prebuilt };
  if (section && environment) out.env = { [environment]: { ...absolutePaths(withoutBuild(section), configDir), ...prebuilt } };
  return out;
}

function withoutBuild(section: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([key]) => !BUILD_ONLY.includes(key)));
}

/** The paths wrangler reads relative to the config, made absolute: the upload's config lives elsewhere. */
function absolutePaths(section: Record<string, unknown>, configDir: string): Record<string, unknown> {
  const at = (path: unknown) => (typeof path === "string" ? resolve(configDir, path) : path);
  const out = { ...section };
  if (isRecord(out.assets) && typeof out.assets.directory === "string") out.assets = { ...out.assets, directory: at(out.assets.directory) };
  if (isRecord(out.site) && typeof out.site.bucket === "string") out.site = { ...out.site, bucket: at(out.site.bucket) };
  for (const field of ["wasm_modules", "text_blobs", "data_blobs"]) {
    if (isRecord(out[field])) out[field] = Object.fromEntries(Object.entries(out[field]).map(([name, path]) => [name, at(path)]));
  }
  // a D1 database's migrations folder defaults to `migrations` beside the config
  if (Array.isArray(out.d1_databases)) {
    out.d1_databases = out.d1_databases.map((db: unknown) => (isRecord(db) ? { ...db, migrations_dir: at(db.migrations_dir ?? "migrations") } : db));
  }
  // a container's image is a registry reference or a Dockerfile's path
  if (Array.isArray(out.containers)) {
    out.containers = out.containers.map((c: unknown) =>
      isRecord(c) && typeof c.image === "string" && !isAbsolute(c.image) && existsSync(resolve(configDir, c.image)) ? { ...c, image: at(c.image) } : c,
    );
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
