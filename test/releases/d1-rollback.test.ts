// A fleet release records each D1 database's migration level (the newest migration applied
// before the version went live), and `fleet rollback --release` across a D1 migration is refused
// with the reason, changing nothing: migrations go forward only. Versions are deployed by hand
// (no wrangler build) from a checkout whose migrations the cloud reads as `prepare` does.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { d1Levels, d1MigrationsIn } from "../../src/cloud/d1-migrations.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { applyLocalD1Migrations } from "../../src/cloud/local-d1.js";
import { specFromConfig } from "../../src/cloud/spec.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { rollbackRelease } from "../../src/api/rollback.js";
import { VersionFactsLookup } from "../../src/releases/facts.js";
import { recordRelease } from "../../src/releases/record.js";
import { ReleaseStore } from "../../src/releases/store.js";
import { tempDir } from "../helpers/tmp.js";

const manifest = {
  repoName: "acme-{service}-worker",
  providers: { forge: "local", cloud: "local", registry: "local" },
  workers: { comments: { dependsOn: [], calls: [], phase: 1 } },
} as unknown as Manifest;
const SCRIPT = "acme-comments-worker";
const CONFIG = JSON.stringify({
  name: SCRIPT,
  main: "index.js",
  compatibility_date: "2025-09-01",
  d1_databases: [{ binding: "DB", database_name: "comments-database", database_id: "6f2d8c5a-1b3e-4c7d-9a0f-2e4b6d8f0a1c" }],
});
const ENTRY = `export default { async fetch(request, env) { const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM comments").first(); return Response.json({ status: "ok", comments: row.n }); } };`;

/** Deploys the checkout as it is now, as `fleet deploy` does: migrations first, then the version; then records a release. */
async function deploy(dir: string, checkout: string, version: string) {
  const cloud = LocalCloud.at(dir);
  const store = ReleaseStore.at(dir);
  const lookup = new VersionFactsLookup(cloud, await store.list());
  const migrations = await d1MigrationsIn(checkout, "wrangler.jsonc");
  const spec = { ...specFromConfig(parseWranglerConfig(CONFIG, "wrangler.jsonc")), d1Migrations: d1Levels(migrations) };
  await applyLocalD1Migrations(LocalCloudStore.at(dir), migrations);
  await LocalCloudStore.at(dir).deploy(
    spec,
    { main: "index.js", modules: [{ name: "index.js", contents: ENTRY }] },
    { repository: "comments", commit: version.padEnd(40, "0"), message: `release ${version}` },
  );
  const live = (await cloud.live(SCRIPT))!;
  lookup.remember(SCRIPT, live, spec, version);
  const release = await recordRelease({ manifest, cloud, store, lookup, outcomes: [{ id: "comments", script: SCRIPT, status: "deployed", version: live }] });
  await cloud.dispose();
  return release!;
}

describe("fleet releases and D1 migrations", () => {
  it("records each database's migration level and refuses, changing nothing, a rollback across a D1 migration", async () => {
    const dir = await tempDir();
    const checkout = join(dir, "checkout");
    await mkdir(join(checkout, "migrations"), { recursive: true });
    await writeFile(join(checkout, "wrangler.jsonc"), CONFIG);
    await writeFile(
      join(checkout, "migrations", "0001_create_comments_table.sql"),
      "CREATE TABLE comments (id INTEGER PRIMARY KEY, author TEXT, content TEXT);\n",
    );
    const r1 = await deploy(dir, checkout, "1.0.0");
    expect(r1.workers[0]!.facts?.d1Migrations).toEqual({ DB: "0001_create_comments_table.sql" });

    // a version without a new migration: going back to r1 from it is safe
    const r2 = await deploy(dir, checkout, "1.1.0");
    expect(r2.workers[0]!.facts?.d1Migrations).toEqual({ DB: "0001_create_comments_table.sql" });

    await writeFile(join(checkout, "migrations", "0002_add_created_at.sql"), "ALTER TABLE comments ADD COLUMN created_at TEXT;\n");
    const r3 = await deploy(dir, checkout, "2.0.0");
    expect(r3.workers[0]!.facts?.d1Migrations).toEqual({ DB: "0002_add_created_at.sql" });

    const before = await readFile(LocalCloudStore.at(dir).stateFile, "utf8");
    const refused = await rollbackRelease({ cwd: dir, manifest, release: "r2" }).catch((e: Error) => e.message);
    expect(refused).toContain("fleet rollback --release r2 is refused, nothing was changed");
    expect(refused).toContain(
      'comments: a D1 migration lies between: live v3 has DB at migration "0002_add_created_at.sql", v2 "0001_create_comments_table.sql"',
    );
    expect(await readFile(LocalCloudStore.at(dir).stateFile, "utf8")).toBe(before);
  });

  it("goes back to a release at the same migration level", async () => {
    const dir = await tempDir();
    const checkout = join(dir, "checkout");
    await mkdir(join(checkout, "migrations"), { recursive: true });
    await writeFile(join(checkout, "wrangler.jsonc"), CONFIG);
    await writeFile(
      join(checkout, "migrations", "0001_create_comments_table.sql"),
      "CREATE TABLE comments (id INTEGER PRIMARY KEY, author TEXT, content TEXT);\n",
    );
    await deploy(dir, checkout, "1.0.0");
    await deploy(dir, checkout, "1.1.0");
    await rollbackRelease({ cwd: dir, manifest, release: "r1" });
    expect((await LocalCloudStore.at(dir).state()).workers[SCRIPT]?.active).toBe(1);
  });
});
