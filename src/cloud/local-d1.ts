// The local cloud's D1 migrations: the pending ones applied to the persisted database (the one
// the runtime binds, under .fleet/cloud/data) before a new version goes live, recorded in the
// database's migrations table exactly as wrangler and Cloudflare's Vitest integration record
// them, so `wrangler d1 migrations list` and fleet agree on what is applied.
import { join } from "node:path";
import type { D1MigrationSet } from "./d1-migrations.js";
import type { LocalCloudStore } from "./store.js";

interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  run(): Promise<unknown>;
  all<T>(): Promise<{ results: T[] }>;
}
interface D1Database {
  prepare(sql: string): D1Statement;
  batch(statements: D1Statement[]): Promise<unknown>;
}

/** Applies what each database lacks; returns binding → the migrations applied now (oldest first). */
export async function applyLocalD1Migrations(store: LocalCloudStore, sets: readonly D1MigrationSet[]): Promise<Record<string, string[]>> {
  if (sets.length === 0) return {};
  const { Miniflare } = await import("miniflare");
  // the databases as runtime.ts binds them (by id on the account, else name): the same ids reach the same files
  const mf = new Miniflare({
    workers: [
      {
        name: "fleet-d1-migrations",
        modules: true,
        script: "export default { fetch: () => new Response(null, { status: 404 }) };",
        compatibilityDate: "2025-09-01",
        d1Databases: Object.fromEntries(sets.map((s) => [s.binding, s.database])),
      },
    ],
    cf: false,
    defaultPersistRoot: join(store.root, "data"),
    d1Persist: true,
  } as never);
  try {
    const applied: Record<string, string[]> = {};
    for (const set of sets) {
      const db = (await mf.getD1Database(set.binding)) as unknown as D1Database;
      applied[set.binding] = await applyPending(db, set);
    }
    return applied;
  } finally {
    await mf.dispose();
  }
}

/** What `applyD1Migrations` of Cloudflare's Vitest integration does: each migration and its record in one batch. */
async function applyPending(db: D1Database, set: D1MigrationSet): Promise<string[]> {
  const table = `"${set.table.replace(/"/g, '""')}"`;
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);`,
    )
    .run();
  const done = new Set((await db.prepare(`SELECT name FROM ${table};`).all<{ name: string }>()).results.map((r) => r.name));
  const applied: string[] = [];
  for (const migration of set.migrations) {
    if (done.has(migration.name)) continue;
    try {
      await db.batch([...migration.queries.map((q) => db.prepare(q)), db.prepare(`INSERT INTO ${table} (name) VALUES (?);`).bind(migration.name)]);
    } catch (error) {
      throw new Error(`D1 migration ${set.dir}/${migration.name} of ${set.binding} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(migration.name);
  }
  return applied;
}
