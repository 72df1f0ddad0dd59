// What every library call needs to know about where it runs: the monorepo, its manifest, the
// environment tokens come from, and where details go. The CLI passes its own context; a script
// passes as little as `{ cwd }`.
import { resolve } from "node:path";
import { withMonorepoLock } from "../fs/lock.js";
import type { Manifest } from "../manifest/schema.js";
import { requireKnownWorkers } from "../manifest/select.js";

export interface FleetOptions {
  /** The monorepo (default: the process's working directory). */
  cwd?: string;
  /** The manifest's path, relative to `cwd` (default `fleet.jsonc`). */
  config?: string;
  /** An already loaded manifest; read from `config` when not given. */
  manifest?: Manifest;
  /** Where tokens and secret values are read (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** Details as they happen (what `--verbose` prints). */
  log?: (message: string) => void;
}

export interface Session {
  cwd: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
  manifest(): Promise<Manifest>;
}

export function openSession(options: FleetOptions = {}): Session {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configPath = resolve(cwd, options.config ?? "fleet.jsonc");
  let loaded: Promise<Manifest> | undefined = options.manifest ? Promise.resolve(options.manifest) : undefined;
  return {
    cwd,
    configPath,
    env: options.env ?? process.env,
    log: options.log ?? (() => {}),
    manifest: () => (loaded ??= import("../manifest/cached.js").then((m) => m.loadManifestCached(configPath, cwd))),
  };
}

/**
 * Runs work that changes the monorepo, its local forge or its local cloud while holding the
 * monorepo's lock (re-entrant: the CLI already holds it around a command).
 */
export function whileLocked<T>(session: Session, what: string, work: () => Promise<T>): Promise<T> {
  const seconds = Number(session.env.FLEET_LOCK_TIMEOUT ?? 120);
  return withMonorepoLock(
    session.cwd,
    what,
    { timeoutMs: (Number.isFinite(seconds) ? seconds : 120) * 1000, onWait: (who) => session.log(`waiting: the monorepo is locked by ${who}`) },
    work,
  );
}

/** The workers a call acts on: the ones named (checked against the manifest), or every one. */
export function workersOf(manifest: Manifest, named: readonly string[] | undefined): string[] {
  if (!named || named.length === 0) return Object.keys(manifest.workers).sort();
  requireKnownWorkers(manifest, named);
  return [...new Set(named)];
}
