// Durable Object classes a router platform defines for its services. In the router layout the
// platform's config binds each service's classes as its own (no `script_name`), so the objects a
// service stores live in the platform's namespace; a class the worker's code defines too moves to
// the worker at its cutover (plan shows it, the scaffold binds it by `script_name` until then,
// cutover transfers it).
import type { WranglerConfig } from "./wrangler-config.js";
import { moduleFacts } from "./js-module.js";

/** A class whose namespace moves from the platform to the worker. */
export interface ObjectMove {
  className: string;
  /** The platform's bindings of it (the top level's and every section's names). */
  bindings: string[];
  /** The sections that define it ("" for the top level, else the environment's name). */
  sections: string[];
  /** How the platform declares the class: in `exports` (the declarative form) or by `migrations`. */
  declared: "exports" | "migrations";
  /** Its storage backend where `exports` says (`sqlite`, `legacy-kv`). */
  storage?: string;
}

/** The platform's declarative `exports` entry of a Durable Object class, if it declares it so. */
export function objectExport(config: WranglerConfig, className: string): Record<string, unknown> | undefined {
  const entry = (config.raw.exports as Record<string, Record<string, unknown>> | undefined)?.[className];
  return entry?.type === "durable-object" ? entry : undefined;
}

export interface RawBinding {
  name?: unknown;
  class_name?: unknown;
  script_name?: unknown;
}

/** The `durable_objects.bindings` of the top level ("") and of each `env.*` section. */
export function objectSections(config: WranglerConfig): { env: string; bindings: RawBinding[] }[] {
  const of = (raw: Record<string, unknown>) => {
    const durable = raw.durable_objects as { bindings?: unknown } | undefined;
    return Array.isArray(durable?.bindings) ? (durable.bindings as RawBinding[]) : [];
  };
  const envs = (config.raw.env ?? {}) as Record<string, Record<string, unknown>>;
  return [{ env: "", bindings: of(config.raw) }, ...Object.entries(envs).map(([env, raw]) => ({ env, bindings: of(raw ?? {}) }))];
}

/** The classes the platform defines (bound without `script_name`) that the worker's code defines too. */
export function objectMoves(config: WranglerConfig, workerClasses: readonly string[]): ObjectMove[] {
  const moves = new Map<string, ObjectMove>();
  for (const { env, bindings } of objectSections(config)) {
    for (const b of bindings) {
      const className = typeof b.class_name === "string" ? b.class_name : undefined;
      if (!className || b.script_name !== undefined || !workerClasses.includes(className)) continue;
      const declared = objectExport(config, className);
      const storage = typeof declared?.storage === "string" ? { storage: declared.storage } : {};
      const move = moves.get(className) ?? {
        className,
        bindings: [],
        sections: [],
        declared: declared ? ("exports" as const) : ("migrations" as const),
        ...storage,
      };
      if (typeof b.name === "string" && !move.bindings.includes(b.name)) move.bindings.push(b.name);
      if (!move.sections.includes(env)) move.sections.push(env);
      moves.set(className, move);
    }
  }
  return [...moves.values()];
}

/** The platform's script in production: where a worker's platform-held classes live until its cutover. */
export function platformProductionScript(platform: WranglerConfig): string {
  return platform.environments.get("production")?.name ?? platform.name ?? "platform";
}

/** The names a module exports (a service module's Durable Object classes among them); none when it does not parse. */
export function exportsOf(code: string | undefined, file: string): string[] {
  if (code === undefined) return [];
  try {
    return moduleFacts(code, file).exports;
  } catch {
    return [];
  }
}

/** The names the worker's modules export (where its Durable Object classes are defined, whichever module that is). */
export async function exportsOfFiles(read: (file: string) => Promise<string | undefined>, files: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const file of files.filter((f) => /\.[cm]?[jt]sx?$/.test(f))) for (const name of exportsOf(await read(file), file)) names.add(name);
  return [...names];
}
