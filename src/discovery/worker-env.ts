// The worker's env, not the process's. A secret is a name the worker's code reads from its env
// that nothing binds; code that runs elsewhere — a container's program, Node scripts, tests and
// the config files of their tooling — reads the environment of whatever process runs it, which
// is not the worker's, so what it reads is never one of the worker's secrets.
import type { Closure } from "./closure.js";
import { TEST_FILE } from "./file-kinds.js";
import type { SourceTree } from "./source-tree.js";
import type { WranglerConfig } from "./wrangler-config.js";

/** Config files of tools (vitest.config.ts, vite.config.mjs, drizzle.config.ts, vitest.workspace.ts): run by Node, never by the worker. */
const TOOL_CONFIG = /(^|\/)([^/]+\.config|vitest\.workspace)\.[cm]?[jt]s$/;
/** Folders of Node scripts by convention, at the top of the worker's folder (or of the monorepo). */
const SCRIPT_DIR = /^(scripts|bin|tools)\//;
/** A container's image is built from its Dockerfile's folder (its build context). */
const DOCKERFILE = /(^|\/)(Dockerfile|[^/]+\.Dockerfile|Dockerfile\.[^/]+)$/;

/**
 * Whether code at `path` runs outside the worker. `base` is the worker's own folder ("" for the
 * monorepo's root): a Dockerfile there makes it no container context, as the worker is in it.
 */
export function runsElsewhere(tree: SourceTree, path: string, base: string): boolean {
  if (TEST_FILE.test(path) || TOOL_CONFIG.test(path) || SCRIPT_DIR.test(path.slice(base ? base.length + 1 : 0))) return true;
  return tree
    .memo(`container-contexts:${base}`, () =>
      [...tree.files]
        .filter((f) => DOCKERFILE.test(f) && f.startsWith(base ? `${base}/` : ""))
        .map((f) => f.slice(0, f.lastIndexOf("/") + 1))
        .filter((dir) => dir !== (base ? `${base}/` : "") && dir !== ""),
    )
    .some((dir) => path.startsWith(dir));
}

/**
 * Whether `process.env` in the worker's code is its env: wrangler's `isProcessEnvPopulated` (not
 * exported, so restated here). With Node.js compatibility on — the `nodejs_compat` flag, or by
 * default from 2026-08-04 unless `no_nodejs_compat` — the runtime fills process.env with the
 * worker's vars and secrets from the 2025-04-01 compatibility date, or with the
 * `nodejs_compat_populate_process_env` flag; `nodejs_compat_do_not_populate_process_env` turns it
 * off. Without it, process.env in worker code is empty (or undefined), so it names no secret.
 */
export function processEnvIsWorkerEnv(config: WranglerConfig | undefined): boolean {
  if (!config) return false;
  const flags = config.compatibilityFlags;
  const date = config.compatibilityDate ?? "";
  const nodejsCompat = flags.includes("nodejs_compat") || (date >= "2026-08-04" && !flags.includes("no_nodejs_compat"));
  if (!nodejsCompat || flags.includes("nodejs_compat_do_not_populate_process_env")) return false;
  return flags.includes("nodejs_compat_populate_process_env") || date >= "2025-04-01";
}

/**
 * The names the worker reads from its env: its code's env reads, and its process.env reads where
 * the runtime populates process.env — but never NODE_ENV, which wrangler's build replaces with a
 * constant (`define`), so the running worker never reads it.
 */
export function workerEnvReads(closure: Pick<Closure, "envReads" | "processEnvReads">, config: WranglerConfig | undefined): string[] {
  const fromProcess = processEnvIsWorkerEnv(config) ? closure.processEnvReads.filter((n) => n !== "NODE_ENV") : [];
  return [...new Set([...closure.envReads, ...fromProcess])].sort();
}
