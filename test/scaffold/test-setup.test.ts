// Who runs a worker repository's tests, read from its package.json and config files: fleet's
// Vitest config only where the worker brings no setup of its own (or a plain `vitest` script),
// and fleet's health test beside the worker's own Vitest config only where that config would run
// it in workerd.
import { describe, expect, it } from "vitest";
import { fleetTestJoins, testSetupOf } from "../../src/scaffold/test-setup.js";

/** The setup of a repository holding `files` (path → text). */
function setupOf(files: Record<string, string | object>) {
  const text = (v: string | object) => (typeof v === "string" ? v : JSON.stringify(v));
  return testSetupOf(Object.keys(files), async (path) => (path in files ? text(files[path]!) : undefined));
}

const PLUGIN = `import { cloudflareTest } from "@cloudflare/vitest-plugin";\nimport { defineConfig } from "vitest/config";\n`;
const config = (test: string) => `${PLUGIN}export default defineConfig({ plugins: [cloudflareTest({})]${test ? `, test: ${test}` : ""} });\n`;

describe("a worker repository's test setup", () => {
  it("is fleet's without a setup of its own: no package.json, no test script, npm's placeholder, or a plain vitest script", async () => {
    expect(await setupOf({})).toMatchObject({ runner: "fleet", fleetTest: true });
    expect(await setupOf({ "package.json": { scripts: { deploy: "wrangler deploy" } } })).toMatchObject({ runner: "fleet" });
    expect(await setupOf({ "package.json": { scripts: { test: 'echo "Error: no test specified" && exit 1' } } })).toMatchObject({ runner: "fleet" });
    expect(await setupOf({ "package.json": { scripts: { test: "npm run build && vitest run" } } })).toMatchObject({ runner: "fleet", script: "npm run build && vitest run" });
  });

  it("is the worker's own with jest, node --test, or any other script — through npm run too — and fleet's test stays out", async () => {
    expect(await setupOf({ "package.json": { scripts: { test: "jest --ci" } }, "jest.config.cjs": "" })).toMatchObject({
      runner: "jest",
      config: "jest.config.cjs",
      fleetTest: false,
    });
    expect(await setupOf({ "package.json": { jest: { testEnvironment: "node" } } })).toMatchObject({ runner: "jest", config: "package.json" });
    expect(await setupOf({ "package.json": { scripts: { test: "npm run test:unit", "test:unit": "NODE_ENV=test node --test test/" } } })).toMatchObject({
      runner: "node:test",
      fleetTest: false,
    });
    expect(await setupOf({ "package.json": { scripts: { test: "pnpm exec jest" } } })).toMatchObject({ runner: "jest" });
    expect(await setupOf({ "package.json": { scripts: { test: "mocha 'test/**/*.spec.js'" } } })).toMatchObject({ runner: "script", fleetTest: false });
    // a Vitest config left beside a jest script does not make Vitest the runner
    expect(await setupOf({ "package.json": { scripts: { test: "jest" } }, "vitest.config.ts": config("") })).toMatchObject({ runner: "jest" });
  });

  it("is the worker's own Vitest config when it has one, or its script names one", async () => {
    expect(await setupOf({ "package.json": { scripts: { test: "vitest run" } }, "vitest.config.ts": config("") })).toMatchObject({
      runner: "vitest",
      config: "vitest.config.ts",
      fleetTest: true,
    });
    expect(await setupOf({ "vitest.config.mts": config("") })).toMatchObject({ runner: "vitest", config: "vitest.config.mts" });
    expect(await setupOf({ "package.json": { scripts: { test: "vitest run -c ./vitest.unit.config.ts" } } })).toMatchObject({
      runner: "vitest",
      config: "vitest.unit.config.ts",
      fleetTest: false,
      note: expect.stringContaining("not in the repository"),
    });
    expect(await setupOf({ "package.json": { scripts: { test: "vitest --project unit" } } })).toMatchObject({ runner: "vitest", fleetTest: false });
    expect(await setupOf({ "package.json": { scripts: { test: "vitest" } }, "vite.config.ts": "export default {};\n" })).toMatchObject({
      runner: "vitest",
      config: "vite.config.ts",
      fleetTest: false,
    });
  });
});

describe("fleet's health test beside the worker's own Vitest config", () => {
  const joins = (text: string) => fleetTestJoins("vitest.config.ts", text).fleetTest;

  it("joins where Cloudflare's plugin runs the tests and the include (Vitest's default, or the config's) picks test/integration.test.js up", () => {
    expect(joins(config(""))).toBe(true);
    expect(joins(config(`{ include: ["test/**/*.test.{js,ts}"] }`))).toBe(true);
    expect(joins(config(`{ include: ["./test/**"], poolOptions: {} }`))).toBe(true);
    expect(joins(`${PLUGIN}export default { plugins: [cloudflareTest({})] } satisfies object;\n`)).toBe(true);
  });

  it("stays out where it would not run, or fleet cannot tell", () => {
    expect(fleetTestJoins("vitest.config.ts", `import { defineConfig } from "vitest/config";\nexport default defineConfig({});\n`)).toEqual({
      fleetTest: false,
      note: "vitest.config.ts does not run tests in workerd with @cloudflare/vitest-plugin, as fleet's health test needs",
    });
    expect(fleetTestJoins("vitest.config.ts", config(`{ include: ["src/**/*.test.ts"] }`))).toEqual({
      fleetTest: false,
      note: "vitest.config.ts includes src/**/*.test.ts, not test/integration.test.js",
    });
    expect(joins(config(`{ exclude: ["test/integration.test.js"] }`))).toBe(false);
    expect(joins(config(`{ include: patterns }`))).toBe(false);
    expect(joins(config(`{ ...shared.test }`))).toBe(false);
    expect(joins(config(`{ dir: "src" }`))).toBe(false);
    expect(joins(`${PLUGIN}export default mergeConfig(shared, defineConfig({}));\n`)).toBe(false);
    expect(joins(`${PLUGIN}export default defineConfig({ plugins: [cloudflareTest({})], test: {`)).toBe(false);
  });
});
