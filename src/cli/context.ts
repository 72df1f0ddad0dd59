// What every command handler gets instead of importing singletons.
import { resolve } from "node:path";
import { loadManifest, MANIFEST_FILE } from "../manifest/load.js";
import type { Manifest } from "../manifest/schema.js";
import type { Output } from "./output.js";

export interface Context {
  /** Directory the command acts on (--cwd, or the process's). */
  cwd: string;
  /** Path of fleet.jsonc (--config, or <cwd>/fleet.jsonc). */
  configPath: string;
  json: boolean;
  verbose: boolean;
  out: Output;
  env: NodeJS.ProcessEnv;
  /** Loads and validates the manifest (once). */
  manifest(): Promise<Manifest>;
}

export function createContext(options: {
  cwd: string;
  config: string | undefined;
  json: boolean;
  verbose: boolean;
  out: Output;
  env: NodeJS.ProcessEnv;
}): Context {
  const cwd = resolve(options.cwd);
  const configPath = resolve(cwd, options.config ?? MANIFEST_FILE);
  let loaded: Promise<Manifest> | undefined;
  return {
    cwd,
    configPath,
    json: options.json,
    verbose: options.verbose,
    out: options.out,
    env: options.env,
    manifest: () => (loaded ??= loadManifest(configPath, cwd)),
  };
}
