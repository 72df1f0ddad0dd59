// Shape: a monorepo whose root is an app of its own (package.json, `src/lib/`, a base tsconfig)
// with workers under `workers/` that reach out of their folders (seen on a public monorepo): one
// imports the app's `src/lib` (`../../src/lib/encryption.ts`, from its code and its test), extends
// the root's tsconfig and keeps its D1 migrations under `db/`; one builds a container from a
// Dockerfile beside its folder (`../builder-container/Dockerfile`) and serves assets from the
// root's `public/`; one imports a module a build generates, which git ignores.

export interface OutsideFolderCorpus {
  files: Record<string, string>;
  /** Later commits, in order: message and files, each with a fixed date. */
  history: { message: string; files: Record<string, string>; date: string }[];
  workers: { vault: string; builder: string; reports: string };
  /** The generated module git ignores (written to the work tree, never committed). */
  generated: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const config = (name: string, more: Record<string, unknown>) =>
  json({ name: `acme-${name}`, main: "index.ts", compatibility_date: "2025-09-01", routes: [{ pattern: `${name}.acme.dev`, custom_domain: true }], ...more });
const health = `if (new URL(request.url).pathname === "/health") return Response.json({ status: "ok" });`;

export function outsideFolderCorpus(): OutsideFolderCorpus {
  const files: Record<string, string> = {
    "package.json": json({ name: "@acme/app", private: true, scripts: { build: "node scripts/generate-routes.mjs" } }),
    ".gitignore": "node_modules/\nsrc/generated/\n",
    "tsconfig.base.json": json({ compilerOptions: { target: "es2022", module: "esnext", moduleResolution: "bundler", strict: true } }),
    "src/index.ts": `import { seal } from "./lib/encryption.ts";\nconsole.log(seal("app"));\n`,
    "src/lib/encryption.ts": `import { toHex } from "./bytes.ts";\n\nexport function seal(text: string): string {\n  return \`sealed:\${toHex(text)}\`;\n}\n`,
    "src/lib/bytes.ts": [
      "export const toHex = (text: string): string =>",
      `  [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, "0")).join("");`,
      "",
    ].join("\n"),
    "src/lib/unused.ts": "export const unused = true;\n",
    "scripts/generate-routes.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync("src/generated/routes.ts", "export const routes = [];\\n");\n`,
    "db/vault-migrations/0001_init.sql": "CREATE TABLE secrets (id TEXT PRIMARY KEY, sealed TEXT);\n",
    "public/index.html": "<h1>builder</h1>\n",

    "workers/vault/wrangler.jsonc": config("vault", {
      d1_databases: [
        { binding: "DB", database_name: "acme-vault", database_id: "00000000-0000-0000-0000-000000000001", migrations_dir: "../../db/vault-migrations" },
      ],
    }),
    "workers/vault/package.json": json({ name: "@acme/vault", version: "0.3.0", private: true, scripts: { deploy: "wrangler deploy" } }),
    "workers/vault/tsconfig.json": json({ extends: "../../tsconfig.base.json", include: ["**/*.ts"] }),
    "workers/vault/index.ts": [
      `import { seal } from "../../src/lib/encryption.ts";`,
      "",
      "export default {",
      "  async fetch(request: Request): Promise<Response> {",
      `    ${health}`,
      `    return new Response(seal(new URL(request.url).pathname));`,
      "  },",
      "};",
      "",
    ].join("\n"),
    "workers/vault/test/seal.test.ts": [
      `import { expect, it } from "vitest";`,
      `import { seal } from "../../../src/lib/encryption.ts";`,
      "",
      `it("seals", () => expect(seal("a")).toBe("sealed:61"));`,
      "",
    ].join("\n"),

    "workers/builder/wrangler.jsonc": config("builder", {
      assets: { directory: "../../public", binding: "ASSETS" },
      containers: [{ class_name: "Builder", image: "../builder-container/Dockerfile", max_instances: 1 }],
      durable_objects: { bindings: [{ name: "BUILDER", class_name: "Builder" }] },
      migrations: [{ tag: "v1", new_sqlite_classes: ["Builder"] }],
    }),
    "workers/builder/index.ts": [
      `import { DurableObject } from "cloudflare:workers";`,
      "",
      "export class Builder extends DurableObject {}",
      "",
      "export default {",
      "  async fetch(request: Request, env: { ASSETS: Fetcher }): Promise<Response> {",
      `    ${health}`,
      "    return env.ASSETS.fetch(request);",
      "  },",
      "};",
      "",
    ].join("\n"),
    "workers/builder-container/Dockerfile": 'FROM node:22-alpine\nCOPY server.mjs /app/server.mjs\nCMD ["node", "/app/server.mjs"]\n',
    "workers/builder-container/server.mjs": `import { createServer } from "node:http";\ncreateServer((_, res) => res.end("built")).listen(8080);\n`,

    "workers/reports/wrangler.jsonc": config("reports", {}),
    "workers/reports/index.ts": [
      `import { routes } from "../../src/generated/routes.ts";`,
      "",
      "export default {",
      "  async fetch(request: Request): Promise<Response> {",
      `    ${health}`,
      "    return Response.json(routes);",
      "  },",
      "};",
      "",
    ].join("\n"),
  };
  const history: OutsideFolderCorpus["history"] = [
    {
      message: "encryption: hex-encode what is sealed",
      date: "1767312000 +0000",
      files: { "src/lib/encryption.ts": `${files["src/lib/encryption.ts"]}\nexport const VERSION = 2;\n` },
    },
    { message: "app: log once more", date: "1767398400 +0000", files: { "src/index.ts": `${files["src/index.ts"]}console.log("again");\n` } },
    {
      message: "builder-container: answer on 8080",
      date: "1767484800 +0000",
      files: { "workers/builder-container/server.mjs": `${files["workers/builder-container/server.mjs"]}// port 8080\n` },
    },
    {
      message: "bytes: uppercase hex is not wanted",
      date: "1767571200 +0000",
      files: { "src/lib/bytes.ts": `${files["src/lib/bytes.ts"]}// lowercase on purpose\n` },
    },
  ];
  return {
    files,
    history,
    workers: { vault: "workers/vault", builder: "workers/builder", reports: "workers/reports" },
    generated: "src/generated/routes.ts",
  };
}
