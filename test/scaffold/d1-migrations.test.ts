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
});
