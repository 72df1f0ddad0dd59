// Where a D1 database's migrations live: wrangler reads `migrations_dir` of a `d1_databases`
// entry (default `migrations`), relative to the config's folder, and records what it applied in
// `migrations_table` (default `d1_migrations`). The folder travels with every worker whose code
// reads the binding, since the schema its queries need comes from there.
import { posix } from "node:path";
import type { WranglerConfig } from "./wrangler-config.js";

export const DEFAULT_MIGRATIONS_DIR = "migrations";
export const DEFAULT_MIGRATIONS_TABLE = "d1_migrations";

export interface D1MigrationsDir {
  /** The D1 binding (wrangler's `d1 migrations apply <DB>` takes it, or the database's name). */
  binding: string;
  /** The migrations folder, from the root the config's paths are read from (posix, no trailing slash). */
  dir: string;
  /** The table recording which migrations are applied. */
  table: string;
}

/** The migrations folder of each D1 binding of `config` among `bindings` (all when omitted), as monorepo paths. */
export function d1MigrationDirs(config: WranglerConfig, bindings?: readonly string[]): D1MigrationsDir[] {
  const base = posix.dirname(config.file);
  const out: D1MigrationsDir[] = [];
  for (const binding of config.bindings.values()) {
    if (binding.kind !== "d1" || (bindings && !bindings.includes(binding.name))) continue;
    const written = typeof binding.config.migrations_dir === "string" && binding.config.migrations_dir ? binding.config.migrations_dir : DEFAULT_MIGRATIONS_DIR;
    const table =
      typeof binding.config.migrations_table === "string" && binding.config.migrations_table ? binding.config.migrations_table : DEFAULT_MIGRATIONS_TABLE;
    const dir = posix.normalize(posix.join(base === "." ? "" : base, written.replace(/\\/g, "/"))).replace(/\/+$/, "");
    out.push({ binding: binding.name, dir, table });
  }
  return out.sort((a, b) => (a.binding < b.binding ? -1 : 1));
}

/** The migration files (`*.sql` directly in the folder, as wrangler reads them) among `paths`, sorted. */
export function migrationFiles(paths: readonly string[], dir: string): string[] {
  const prefix = dir === "." || dir === "" ? "" : `${dir}/`;
  return paths.filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/") && p.endsWith(".sql")).sort();
}
