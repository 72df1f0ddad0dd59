// The D1 migrations a worker's checkout holds, read as wrangler reads them: for each D1 binding
// of the config (of the environment deployed), its `migrations_dir` (default `migrations/`,
// relative to the config) and `migrations_table`; the files in the order wrangler applies them.
// Both clouds apply the pending ones before the new version goes live, and the newest one is
// the database's migration level a release records.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { d1MigrationDirs } from "../discovery/d1-migrations.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";

export interface D1Migration {
  name: string;
  queries: string[];
}

export interface D1MigrationSet {
  binding: string;
  /** The database as the config names it (its id, else its name): what wrangler looks up. */
  database: string;
  /** The migrations folder, relative to the checkout. */
  dir: string;
  table: string;
  /** Oldest first. */
  migrations: D1Migration[];
}

/** The D1 databases of the config (or its environment) that have migrations in the checkout. */
export async function d1MigrationsIn(checkout: string, configFile: string, environment?: string): Promise<D1MigrationSet[]> {
  let config = parseWranglerConfig(await readFile(join(checkout, configFile), "utf8"), configFile);
  const section = environment ? (config.raw.env as Record<string, Record<string, unknown>> | undefined)?.[environment] : undefined;
  // an environment's own keys replace the top level's, as spec.ts reads it
  if (section) config = parseWranglerConfig(JSON.stringify({ ...config.raw, ...section, env: undefined }), `${configFile}.json`);
  const sets: D1MigrationSet[] = [];
  for (const m of d1MigrationDirs(config)) {
    if (!existsSync(join(checkout, m.dir))) continue;
    const binding = config.bindings.get(m.binding)!;
    const migrations = await readMigrations(checkout, m.dir);
    if (migrations.length === 0) continue;
    const database = [binding.config.database_id, binding.config.database_name].find((v): v is string => typeof v === "string" && v.length > 0) ?? m.binding;
    sets.push({ binding: m.binding, database, dir: m.dir, table: m.table, migrations });
  }
  return sets;
}

/** binding → the newest migration: the level the database is at once this version is live. */
export function d1Levels(sets: readonly D1MigrationSet[]): Record<string, string> {
  return Object.fromEntries(sets.map((s) => [s.binding, s.migrations.at(-1)!.name]));
}

/**
 * Cloudflare's Vitest integration (a dependency of fleet) reads and splits migration files with
 * wrangler's own code: the same statements the generated tests and wrangler apply.
 */
async function readMigrations(projectPath: string, migrationsDir: string): Promise<D1Migration[]> {
  const { readD1Migrations } = await import("@cloudflare/vitest-plugin");
  return readD1Migrations({ projectPath, migrationsDir });
}
