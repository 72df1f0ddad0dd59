// Shape: Cloudflare's D1 template (templates/d1-template) as a worker of a directories monorepo:
// `workers/<name>/` with a wrangler.jsonc binding one D1 database as DB, a `migrations/` folder
// that creates the comments table, an entry whose routes query it (GET / lists the comments,
// GET /health counts them), and the template's package.json, whose `predeploy` script applies the
// migrations remotely before `wrangler deploy`. Without the migrations every query of the worker
// fails with `D1_ERROR: no such table: comments`.

export interface D1WorkerTruth {
  id: string;
  dir: string;
  domain: string;
  database: { binding: string; name: string; id: string };
  /** The migration files, oldest first, as wrangler names them. */
  migrations: string[];
}

export const COMMENTS_MIGRATION = [
  "-- Migration number: 0001 \t 2024-12-27T22:04:18.794Z",
  "CREATE TABLE IF NOT EXISTS comments (",
  "    id INTEGER PRIMARY KEY NOT NULL,",
  "    author TEXT NOT NULL,",
  "    content TEXT NOT NULL",
  ");",
  "",
  "-- Insert some sample data into our comments table.",
  "INSERT INTO comments (author, content)",
  "VALUES",
  "    ('Kristian', 'Congrats!'),",
  "    ('Serena', 'Great job!'),",
  "    ('Max', 'Keep up the good work!')",
  ";",
  "",
].join("\n");

/** A monorepo holding one D1 worker of the template's shape (and, beside it, nothing else it needs). */
export function d1TemplateCorpus(name = "comments"): { files: Record<string, string>; worker: D1WorkerTruth } {
  const dir = `workers/${name}`;
  const domain = `${name}.acme.dev`;
  // a fixed id of the database's form (a UUID), so the fixture is the same on every run
  const database = { binding: "DB", name: `${name}-database`, id: "6f2d8c5a-1b3e-4c7d-9a0f-2e4b6d8f0a1c" };
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "@acme/workers", private: true, workspaces: ["workers/*"], devDependencies: { wrangler: "^4.40.0" } }, null, 2),
    "README.md": "# Acme workers\n",
    [`${dir}/wrangler.jsonc`]: [
      "{",
      "  // the D1 template's config: one database bound as DB, its migrations in migrations/",
      `  "$schema": "node_modules/wrangler/config-schema.json",`,
      `  "name": ${JSON.stringify(`acme-${name}`)},`,
      `  "main": "src/index.ts",`,
      `  "compatibility_date": "2025-06-01",`,
      `  "observability": { "enabled": true },`,
      `  "upload_source_maps": true,`,
      `  "routes": [{ "pattern": ${JSON.stringify(domain)}, "custom_domain": true }],`,
      `  "d1_databases": [{ "binding": "DB", "database_name": ${JSON.stringify(database.name)}, "database_id": ${JSON.stringify(database.id)} }]`,
      "}",
      "",
    ].join("\n"),
    [`${dir}/migrations/0001_create_comments_table.sql`]: COMMENTS_MIGRATION,
    [`${dir}/package.json`]: JSON.stringify(
      {
        name: `@acme/${name}`,
        private: true,
        scripts: {
          deploy: "wrangler deploy",
          dev: "wrangler dev",
          predeploy: "wrangler d1 migrations apply DB --remote",
          seedLocalD1: "wrangler d1 migrations apply DB --local",
          "cf-typegen": "wrangler types",
        },
        devDependencies: { wrangler: "^4.40.0" },
      },
      null,
      2,
    ),
    [`${dir}/src/index.ts`]: [
      "interface Env {",
      "  DB: D1Database;",
      "}",
      "",
      "export default {",
      "  async fetch(request, env): Promise<Response> {",
      "    const { pathname } = new URL(request.url);",
      `    if (pathname === "/health") {`,
      `      // healthy only when the schema this version needs is there`,
      `      const row = await env.DB.prepare("SELECT COUNT(*) AS comments FROM comments").first<{ comments: number }>();`,
      `      return Response.json({ status: "ok", comments: row?.comments ?? 0 });`,
      "    }",
      `    const { results } = await env.DB.prepare("SELECT * FROM comments LIMIT 3").all();`,
      '    return new Response(renderHtml(JSON.stringify(results, null, 2)), { headers: { "content-type": "text/html" } });',
      "  },",
      "} satisfies ExportedHandler<Env>;",
      "",
      "function renderHtml(content: string): string {",
      "  return `<!doctype html><html><body><h1>Comments</h1><pre>${content}</pre></body></html>`;",
      "}",
      "",
    ].join("\n"),
  };
  return { files, worker: { id: name, dir, domain, database, migrations: ["0001_create_comments_table.sql"] } };
}
