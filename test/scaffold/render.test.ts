// The scaffold, file by file, on a small router monorepo whose bindings and imports are known.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold, type Scaffold } from "../../src/scaffold/render.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

describe("the scaffold of a router worker", () => {
  let api: Scaffold;
  let billing: Scaffold;
  beforeAll(async () => {
    const dir = await fixtureRepo(ROUTER_FILES);
    await runFleet(["init", "--cwd", dir]);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const tree = await SourceTree.open(dir);
    const options = { date: "2026-11-26" };
    api = renderScaffold(await scaffoldInput(manifest, "api", tree, "acme-platform"), options);
    billing = renderScaffold(await scaffoldInput(manifest, "billing", tree, "acme-platform"), options);
  });

  it("has every repo-owned file and none of the monorepo's", () => {
    expect([...api.files.keys()]).toEqual([
      ".env.example", ".github/workflows/deploy.yml", ".github/workflows/release.yml", ".gitignore", ".release-please-manifest.json", "CHANGELOG.md",
      "README.md", "catalog-info.yaml", "package.json", "release-please-config.json", "src/index.js", "test/integration.test.js", "vitest.config.mts", "wrangler.jsonc",
    ]);
    expect(api.ownedByMonorepo).toEqual([]);
  });

  it("writes an entry for each handler style", () => {
    expect(api.files.get("src/index.js")).toContain('import { handleApi } from "./services/api.js";');
    expect(api.files.get("src/index.js")).toContain("const handler = handleApi;");
    expect(billing.files.get("src/index.js")).toContain('import { withContext } from "./lib/context.js";');
    expect(billing.files.get("src/index.js")).toContain("const handler = withContext(handleBilling);");
  });

  it("binds only what the code reads, in every environment", () => {
    const config = parseJsonc(api.files.get("wrangler.jsonc")!) as Record<string, any>;
    expect(config).toMatchObject({ name: "acme-api-worker", main: "src/index.js", compatibility_date: "2025-09-01", workers_dev: true });
    expect(config.routes).toBeUndefined();
    expect(config.kv_namespaces).toEqual([{ binding: "CACHE", id: "abc" }]);
    expect(config.d1_databases).toEqual([{ binding: "DB", database_name: "main", database_id: "x" }]);
    expect(config.vars).toEqual({ ENVIRONMENT: "production" });
    expect(config.ai).toBeUndefined();
    expect(config.services).toBeUndefined();
    expect(config.env.staging.kv_namespaces).toEqual(config.kv_namespaces);
    expect(config.env.production.routes).toEqual(config.routes);
  });

  it("lists the imported npm packages with the monorepo's ranges, and the tools", () => {
    const pkg = JSON.parse(api.files.get("package.json")!);
    expect(pkg).toMatchObject({ name: "@acme/api-worker", version: "1.0.0", private: true, dependencies: { hono: "^4.6.0" }, repository: { url: "https://github.com/acme/acme-api-worker.git" } });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@cloudflare/vitest-plugin", "vitest", "wrangler"]);
    expect(pkg.scripts).toMatchObject({ dev: "wrangler dev", deploy: "wrangler deploy", test: "vitest run" });
  });

  it("writes a workflow that tests, waits for dependencies, deploys, checks health and rolls back", () => {
    const workflow = parseYaml(api.files.get(".github/workflows/deploy.yml")!) as { jobs: Record<string, { steps: { name?: string; uses?: string; run?: string; with?: Record<string, string> }[] }> };
    const steps = workflow.jobs.deploy!.steps;
    // billing's handler routes no /health: the wait asks its probe, "/", and takes any answer below 500
    const wait = steps.find((s) => s.name === "Wait for dependencies to be healthy")?.run;
    expect(wait).toContain(`url="https://billing.acme.dev/"`);
    expect(wait).toContain("in 2??|3??|4??)");
    expect(steps.find((s) => s.name === "Deploy")?.uses).toBe("cloudflare/wrangler-action@v4");
    expect(steps.find((s) => s.name === "Deploy")?.with?.secrets).toContain("API_TOKEN");
    expect(steps.find((s) => s.name === "Check health")?.run).toContain("https://api.acme.dev");
    expect(steps.find((s) => s.name?.startsWith("Roll back"))?.with?.command).toMatch(/^rollback /);
    expect(workflow.jobs.test!.steps.some((s) => s.run === "npm test")).toBe(true);
  });

  it("documents vars, secrets and the catalog entry", () => {
    expect(api.files.get(".env.example")).toMatch(/ENVIRONMENT=production[\s\S]*# secrets\nAPI_TOKEN=/);
    const catalog = parseYaml(api.files.get("catalog-info.yaml")!);
    expect(catalog).toMatchObject({ kind: "Component", metadata: { name: "acme-api-worker", annotations: { "github.com/project-slug": "acme/acme-api-worker" } }, spec: { type: "service", owner: "acme", dependsOn: ["component:acme-billing-worker"] } });
    expect(api.files.get("README.md")).toMatch(/\| Domain \| api\.acme\.dev \|/);
  });
});
