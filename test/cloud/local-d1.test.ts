// The local cloud's D1 databases are the account's: identified by database_id (else name), not by
// binding name. Two workers whose DB bindings name different databases each get their own, with
// their own d1_migrations (both may have a 0001_init.sql); two bindings of one database share it.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { d1Levels, d1MigrationsIn } from "../../src/cloud/d1-migrations.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { applyLocalD1Migrations } from "../../src/cloud/local-d1.js";
import { specFromConfig } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { tempDir } from "../helpers/tmp.js";

/** A checkout of `script` binding `binding` to `database`, with one migration; deployed as `fleet deploy` does: migrations, then the version. */
async function deploy(root: string, store: LocalCloudStore, script: string, binding: string, database: string, migration?: string): Promise<void> {
  const checkout = join(root, script);
  await mkdir(join(checkout, "migrations"), { recursive: true });
  const config = JSON.stringify({
    name: script,
    main: "index.js",
    compatibility_date: "2025-09-01",
    d1_databases: [{ binding, database_name: database, database_id: `id-${database}` }],
  });
  await writeFile(join(checkout, "wrangler.jsonc"), config);
  if (migration) await writeFile(join(checkout, "migrations", "0001_init.sql"), migration);
  const sets = await d1MigrationsIn(checkout, "wrangler.jsonc");
  await applyLocalD1Migrations(store, sets);
  const spec = { ...specFromConfig(parseWranglerConfig(config, "wrangler.jsonc")), ...(sets.length ? { d1Migrations: d1Levels(sets) } : {}) };
  const entry = `export default { async fetch(request, env) {
    const table = new URL(request.url).searchParams.get("table");
    const row = await env.${binding}.prepare(\`SELECT COUNT(*) AS n FROM \${table}\`).first();
    return Response.json({ rows: row.n });
  } };`;
  await store.deploy(spec, { main: "index.js", modules: [{ name: "index.js", contents: entry }] }, { repository: script, commit: "", message: "test" });
}

describe("the local cloud's D1 databases", () => {
  it("are the account's databases: each worker's migrations reach its own, and two bindings of one database share it", async () => {
    const root = await tempDir("fleet-local-d1-");
    const store = LocalCloudStore.at(root);
    await deploy(root, store, "alpha", "DB", "alpha-db", "CREATE TABLE alpha (x); INSERT INTO alpha VALUES (1);\n");
    await deploy(root, store, "beta", "DB", "beta-db", "CREATE TABLE beta (x); INSERT INTO beta VALUES (1), (2);\n");
    // a third worker binds alpha's database under another name, with no migrations of its own
    await deploy(root, store, "reader", "ALPHA", "alpha-db");
    const cloud = new LocalCloud(store);
    try {
      const ask = async (script: string, table: string) => {
        const response = await cloud.fetch(`https://${script}.workers.dev/?table=${table}`);
        return { status: response.status, body: response.status === 200 ? await response.json() : await response.text() };
      };
      expect(await ask("alpha", "alpha")).toEqual({ status: 200, body: { rows: 1 } });
      expect(await ask("beta", "beta")).toEqual({ status: 200, body: { rows: 2 } });
      expect(await ask("reader", "alpha")).toEqual({ status: 200, body: { rows: 1 } });
      expect((await ask("beta", "alpha")).status).toBe(500);
    } finally {
      await cloud.dispose();
    }
  });
});
