// The config fleet's credentialed wrangler uploads with: the repository's own, with the prebuilt
// output as its entry and nothing that would run or bundle the repository's code.
import { describe, expect, it } from "vitest";
import { uploadConfig } from "../../src/cloud/cloudflare/upload-config.js";

const raw = {
  name: "beacon",
  main: "src/index.ts",
  compatibility_date: "2025-09-01",
  build: { command: "npm run build" },
  minify: true,
  define: { DEBUG: "false" },
  rules: [{ type: "Text", globs: ["**/*.md"] }],
  assets: { directory: "./public", binding: "ASSETS" },
  d1_databases: [{ binding: "DB", database_id: "db-1" }],
  kv_namespaces: [{ binding: "CACHE", id: "kv-1" }],
  env: {
    production: {
      name: "beacon-prod",
      build: { command: "npm run build:prod" },
      d1_databases: [{ binding: "DB", database_id: "db-2", migrations_dir: "db/migrations" }],
    },
    staging: { name: "beacon-staging" },
  },
};

describe("the upload config", () => {
  it("points at the built entry, runs no build, keeps bindings and rules, and makes paths absolute", () => {
    const config = uploadConfig(raw, "/checkout", "/checkout/.fleet-dist");
    expect(config).toMatchObject({
      name: "beacon",
      main: "/checkout/.fleet-dist/index.js",
      base_dir: "/checkout/.fleet-dist",
      no_bundle: true,
      find_additional_modules: true,
      rules: raw.rules,
      assets: { directory: "/checkout/public", binding: "ASSETS" },
      d1_databases: [{ binding: "DB", database_id: "db-1", migrations_dir: "/checkout/migrations" }],
      kv_namespaces: raw.kv_namespaces,
    });
    for (const key of ["build", "minify", "define", "env"]) expect(config).not.toHaveProperty(key);
  });

  it("keeps only the environment deployed, without its build step either", () => {
    const config = uploadConfig(raw, "/checkout", "/out", "production");
    const production = (config.env as Record<string, Record<string, unknown>>).production!;
    expect(Object.keys(config.env as object)).toEqual(["production"]);
    expect(production).toMatchObject({
      name: "beacon-prod",
      main: "/out/index.js",
      no_bundle: true,
      d1_databases: [{ migrations_dir: "/checkout/db/migrations" }],
    });
    expect(production).not.toHaveProperty("build");
  });

  it("a worker that bundles nothing keeps its entry's own name", () => {
    expect(uploadConfig({ name: "plain", main: "worker.mjs", no_bundle: true }, "/c", "/out").main).toBe("/out/worker.mjs");
  });
});
