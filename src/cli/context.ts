// What every command handler gets instead of importing singletons.
import { resolve } from "node:path";
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
  const configPath = resolve(cwd, options.config ?? "fleet.jsonc");
  let loaded: Promise<Manifest> | undefined;
  return {
    cwd,
    configPath,
    json: options.json,
    verbose: options.verbose,
    out: options.out,
    env: options.env,
    // Loaded on first use: the schema library is not needed to print help or a version.
    manifest: () => (loaded ??= import("../manifest/cached.js").then((m) => m.loadManifestCached(configPath, cwd))),
  };
}

/** The library's view of a command's context: the same monorepo, manifest file, environment and log. */
export function sessionOf(ctx: Context): { cwd: string; config: string; env: NodeJS.ProcessEnv; log: (message: string) => void } {
  return { cwd: ctx.cwd, config: ctx.configPath, env: ctx.env, log: (message) => ctx.out.debug(message) };
}
