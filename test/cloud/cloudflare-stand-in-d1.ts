// The stand-in's D1: databases of the account, each a SQLite database in memory (node:sqlite),
// answering what wrangler's `d1 migrations apply --remote` and `d1 execute --remote` call —
// the database list (lookup by name), one database's details, and a query, whose `sql` may hold
// several statements joined by semicolons, run as one batch (all or none), as Cloudflare's
// OpenAPI description says. Requests are checked against that description by the stand-in itself.
import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";

export interface D1Answer {
  status?: number;
  result: unknown;
  errors?: { code: number; message: string }[];
  extra?: Record<string, unknown>;
}

interface Database {
  uuid: string;
  name: string;
  created_at: string;
  sqlite: DatabaseSync;
}

export class D1StandIn {
  readonly databases = new Map<string, Database>();

  /** A database on the account, as `wrangler d1 create` leaves it (empty). */
  create(name: string, uuid: string = randomUUID()): string {
    this.databases.set(uuid, { uuid, name, created_at: "2026-01-01T00:00:00.000Z", sqlite: new DatabaseSync(":memory:") });
    return uuid;
  }

  /** Rows of one statement run directly on a database (for tests to look inside). */
  rows(uuid: string, sql: string): Record<string, unknown>[] {
    return this.databases.get(uuid)!.sqlite.prepare(sql).all() as Record<string, unknown>[];
  }

  /** The answer to a D1 request of `account` (its path without /client/v4), or undefined when it is not one. */
  route(method: string, path: string, account: string, query: URLSearchParams, body: string): D1Answer | undefined {
    const prefix = `${account}/d1/database`;
    if (!path.startsWith(prefix)) return undefined;
    const rest = path.slice(prefix.length);
    if (rest === "" && method === "GET") {
      const name = query.get("name");
      const list = [...this.databases.values()].filter((d) => !name || d.name === name).map(info);
      return { result: list, extra: { result_info: { page: 1, per_page: 1000, count: list.length, total_count: list.length } } };
    }
    const match = /^\/([^/]+)(\/query)?$/.exec(rest);
    if (!match) return undefined;
    const db = this.databases.get(match[1]!);
    if (!db) return { status: 404, result: null, errors: [{ code: 7404, message: `The database ${match[1]} could not be found` }] };
    if (!match[2] && method === "GET") return { result: info(db) };
    if (match[2] && method === "POST") {
      const { sql, params = [] } = JSON.parse(body) as { sql: string; params?: unknown[] };
      return batch(db, sql, params);
    }
    return undefined;
  }
}

function info(d: Database): Record<string, unknown> {
  return { uuid: d.uuid, name: d.name, created_at: d.created_at, version: "production", num_tables: 0, file_size: 0 };
}

/** The statements of `sql` in one transaction: every result, or the first error and nothing changed. */
function batch(db: Database, sql: string, params: unknown[]): D1Answer {
  const statements = splitStatements(sql);
  db.sqlite.exec("BEGIN");
  try {
    const results = statements.map((statement) => {
      const started = performance.now();
      const prepared = db.sqlite.prepare(statement);
      const values = (statements.length === 1 ? params : []) as never[];
      const returns = prepared.columns().length > 0;
      const rows = returns ? prepared.all(...values) : [];
      const run = returns ? { changes: 0, lastInsertRowid: 0 } : prepared.run(...values);
      const meta = {
        changed_db: Number(run.changes) > 0,
        changes: Number(run.changes),
        duration: performance.now() - started,
        last_row_id: Number(run.lastInsertRowid),
        rows_read: rows.length,
        rows_written: Number(run.changes),
        size_after: 0,
      };
      return { results: rows, success: true, meta };
    });
    db.sqlite.exec("COMMIT");
    return { result: results };
  } catch (error) {
    db.sqlite.exec("ROLLBACK");
    return { status: 400, result: null, errors: [{ code: 7500, message: `${(error as Error).message}: SQLITE_ERROR` }] };
  }
}

/** `;`-separated statements, quotes and comments respected (no triggers' BEGIN … END blocks). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      current += "\n";
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      while (j < sql.length && !(sql[j] === close && sql[j + 1] !== close)) j += sql[j] === close ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j;
    } else if (c === ";") {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
