// The platform worker's wrangler config: the one the team deploys with. Found once, as wrangler
// would be told to use it, recorded in the manifest (monorepo.wrangler), and read through here by
// everything that needs it: discovery, the plan, the scaffold, status and cutover.
import { posix } from "node:path";
import type { Manifest } from "../manifest/schema.js";
import { readPackageJson } from "./package-json.js";
import type { SourceTree } from "./source-tree.js";
import { parseWranglerConfig, WRANGLER_FILES, type WranglerConfig } from "./wrangler-config.js";

export const DEFAULT_ROUTER = "src/platform-worker.js";
export const DEFAULT_WRANGLER = "wrangler.toml";

export interface FoundConfig {
  file: string;
  /** How it was found, for the manifest's comment and `fleet plan`. */
  why: string;
}

/** `wrangler deploy --config X` / `-c X` / `--config=X` in a package.json script. */
export const CONFIG_FLAG = /\bwrangler(?:\s+\S+)*?\s+(?:--config[=\s]|-c\s)\s*["']?([^\s"']+)/;

/**
 * The platform's config, in the order wrangler would be pointed at it: `--config`/`-c` in the
 * root package.json's scripts (the deploy script first), then wrangler.{jsonc,json,toml}, then
 * any root `wrangler*.{toml,json,jsonc}` whose `main` is the router.
 */
export async function findPlatformConfig(tree: SourceTree, router = DEFAULT_ROUTER): Promise<FoundConfig | undefined> {
  const scripts = Object.entries((await readPackageJson(tree, "package.json"))?.scripts ?? {});
  const rank = ([name]: [string, string]) => (name === "deploy" ? 0 : name.startsWith("deploy") ? 1 : name.includes("legacy") ? 3 : 2);
  for (const [name, script] of [...scripts].sort((a, b) => rank(a) - rank(b))) {
    if (typeof script !== "string") continue;
    const file = CONFIG_FLAG.exec(script)?.[1];
    const path = file ? posix.normalize(file.replace(/^\.\//, "")) : undefined;
    if (path && tree.has(path)) return { file: path, why: `package.json script "${name}": ${script}` };
  }
  for (const name of WRANGLER_FILES) if (tree.has(name)) return { file: name, why: `${name} at the root` };
  const candidates = [...tree.files].filter((f) => /^wrangler[^/]*\.(toml|jsonc?)$/.test(f)).sort();
  for (const file of candidates) {
    const config = await readConfig(tree, file);
    if (config?.main && posix.normalize(config.main.replace(/^\.\//, "")) === router) return { file, why: `${file}: its main is ${router}` };
  }
  return undefined;
}

/** The platform config's path for a manifest: monorepo.wrangler, or found as `fleet init` finds it. */
export async function platformConfigFile(tree: SourceTree, manifest: Manifest): Promise<string | undefined> {
  if (manifest.monorepo.layout !== "router") return undefined;
  return manifest.monorepo.wrangler ?? (await findPlatformConfig(tree, manifest.monorepo.router ?? DEFAULT_ROUTER))?.file;
}

/** The platform config of a manifest, parsed; undefined when there is none. */
export async function readPlatformConfig(tree: SourceTree, manifest: Manifest): Promise<WranglerConfig | undefined> {
  const file = await platformConfigFile(tree, manifest);
  return file ? readConfig(tree, file) : undefined;
}

export function readConfig(tree: SourceTree, file: string): Promise<WranglerConfig | undefined> {
  return tree.memo(`wrangler:${file}`, async () => {
    const text = await tree.read(file);
    return text === undefined ? undefined : parseWranglerConfig(text, file);
  });
}
