// Shape: a directories monorepo whose workers bring their own test setups (seen on a public one
// where 7 of 15 did): `workers/<name>/` with a wrangler.jsonc and a package.json whose `test`
// script runs jest (ESM, as jest's docs set it up), Vitest with its own config running in workerd
// through Cloudflare's plugin, Vitest with its own config running unit tests in Node, or
// `node --test`. Each worker routes /health and has tests of its own.

export type OwnRunner = "jest" | "vitest-workers" | "vitest-node" | "node-test";

export interface OwnTestsTruth {
  id: string;
  dir: string;
  domain: string;
  runner: OwnRunner;
  /** package.json's `test` script, as the team wrote it. */
  script: string;
  /** Its own test files, as repository paths. */
  tests: string[];
  /** Its own config of the test runner, as a repository path. */
  config?: string;
  /** Its own dev dependencies (what its repository's package.json keeps, and no more). */
  devDependencies: Record<string, string>;
}

const ROUTE = [
  "export function route(pathname) {",
  `  if (pathname === "/health") return "health";`,
  `  if (pathname.startsWith("/items/")) return "item";`,
  `  return "none";`,
  "}",
  "",
].join("\n");

const ENTRY = [
  `import { route } from "./route.js";`,
  "",
  "export default {",
  "  async fetch(request, env) {",
  "    const { pathname } = new URL(request.url);",
  "    switch (route(pathname)) {",
  `      case "health":`,
  `        return Response.json({ status: "ok", service: env.SERVICE });`,
  `      case "item":`,
  `        return Response.json({ item: pathname.slice("/items/".length) });`,
  "      default:",
  `        return new Response("not found", { status: 404 });`,
  "    }",
  "  },",
  "};",
  "",
].join("\n");

const WORKERS: { name: string; runner: OwnRunner }[] = [
  { name: "ledger", runner: "jest" },
  { name: "inbox", runner: "vitest-workers" },
  { name: "notary", runner: "vitest-node" },
  { name: "relay", runner: "node-test" },
];

/** What each runner's worker has beyond the common files: its script, dev dependencies, config and tests. */
function setupOf(name: string, runner: OwnRunner): Pick<OwnTestsTruth, "script" | "devDependencies" | "config"> & { files: Record<string, string> } {
  switch (runner) {
    case "jest":
      return {
        script: "node --experimental-vm-modules node_modules/jest/bin/jest.js",
        devDependencies: { jest: "^30.0.0", wrangler: "^4.40.0" },
        config: "jest.config.js",
        files: {
          "jest.config.js": "export default { testEnvironment: \"node\", transform: {} };\n",
          // jest's globals: no import of describe, it or expect
          "test/route.test.js": [
            `import { route } from "../src/route.js";`,
            "",
            `describe("${name} routes", () => {`,
            `  it("knows /health", () => expect(route("/health")).toBe("health"));`,
            `  it("knows an item", () => expect(route("/items/7")).toBe("item"));`,
            "});",
            "",
          ].join("\n"),
        },
      };
    case "vitest-workers":
      return {
        script: "vitest run",
        devDependencies: { "@cloudflare/vitest-plugin": "^1.5.0", vitest: "^4.1.0", wrangler: "^4.40.0" },
        config: "vitest.config.mts",
        files: {
          "vitest.config.mts": [
            `import { cloudflareTest } from "@cloudflare/vitest-plugin";`,
            `import { defineConfig } from "vitest/config";`,
            "",
            "export default defineConfig({",
            `  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc" } })],`,
            `  test: { include: ["test/**/*.test.js"] },`,
            "});",
            "",
          ].join("\n"),
          "test/items.test.js": [
            `import { exports } from "cloudflare:workers";`,
            `import { expect, it } from "vitest";`,
            "",
            `it("answers an item", async () => {`,
            `  const response = await exports.default.fetch(new Request("https://${name}.acme.dev/items/7"));`,
            `  expect(await response.json()).toEqual({ item: "7" });`,
            "});",
            "",
          ].join("\n"),
        },
      };
    case "vitest-node":
      return {
        script: "vitest run",
        devDependencies: { vitest: "^4.1.0", wrangler: "^4.40.0" },
        config: "vitest.config.js",
        files: {
          "vitest.config.js": [
            `import { defineConfig } from "vitest/config";`,
            "",
            `export default defineConfig({ test: { include: ["src/**/*.test.js"], environment: "node" } });`,
            "",
          ].join("\n"),
          "src/route.test.js": [
            `import { expect, it } from "vitest";`,
            `import { route } from "./route.js";`,
            "",
            `it("knows /health", () => expect(route("/health")).toBe("health"));`,
            "",
          ].join("\n"),
        },
      };
    case "node-test":
      return {
        script: "node --test",
        devDependencies: { wrangler: "^4.40.0" },
        files: {
          "test/route.test.js": [
            `import assert from "node:assert/strict";`,
            `import { test } from "node:test";`,
            `import { route } from "../src/route.js";`,
            "",
            `test("knows /health", () => assert.equal(route("/health"), "health"));`,
            "",
          ].join("\n"),
        },
      };
  }
}

export function ownTestsCorpus(): { files: Record<string, string>; workers: OwnTestsTruth[] } {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "@acme/workers", private: true, workspaces: ["workers/*"], devDependencies: { wrangler: "^4.40.0" } }, null, 2),
    "README.md": "# Acme workers\n",
  };
  const workers: OwnTestsTruth[] = [];
  for (const { name, runner } of WORKERS) {
    const dir = `workers/${name}`;
    const domain = `${name}.acme.dev`;
    const { files: own, ...setup } = setupOf(name, runner);
    files[`${dir}/wrangler.jsonc`] = JSON.stringify(
      {
        name: `acme-${name}`,
        main: "src/index.js",
        compatibility_date: "2025-09-01",
        routes: [{ pattern: domain, custom_domain: true }],
        vars: { SERVICE: name },
      },
      null,
      2,
    );
    files[`${dir}/package.json`] = JSON.stringify(
      { name: `@acme/${name}`, private: true, type: "module", scripts: { deploy: "wrangler deploy", dev: "wrangler dev", test: setup.script }, devDependencies: setup.devDependencies },
      null,
      2,
    );
    files[`${dir}/src/route.js`] = ROUTE;
    files[`${dir}/src/index.js`] = ENTRY;
    for (const [path, text] of Object.entries(own)) files[`${dir}/${path}`] = text;
    const tests = Object.keys(own).filter((p) => /\.test\.js$/.test(p));
    workers.push({ id: name, dir, domain, runner, tests, ...setup });
  }
  return { files, workers };
}
