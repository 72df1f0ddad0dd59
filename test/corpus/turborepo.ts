// Shape: a pnpm + turborepo monorepo of TypeScript workers under apps/ (seen on a public one of
// ~18): each worker's hostnames only under env.production.routes (and env.staging.routes), a dev
// name at the top level and a name per environment; unpublished packages under packages/ that
// the workers depend on with "workspace:*", versions from the pnpm catalog ("catalog:"), a
// shared tsconfig package, and a package with a wrangler.json used as a test harness.

export interface TurboWorkerTruth {
  id: string;
  dir: string;
  domain: string;
  staging: string;
  bindings: string[];
  secrets: string[];
}

const APPS = ["auth", "billing", "calendar", "contacts", "drive", "mail", "notes", "search", "tasks", "wiki"];

export function turborepoCorpus(): { files: Record<string, string>; workers: TurboWorkerTruth[]; shared: string[] } {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "mcp-servers", private: true, packageManager: "pnpm@10.4.0", scripts: { build: "turbo build", deploy: "turbo deploy", test: "turbo test" }, devDependencies: { turbo: "^2.5.0" } }, null, 2),
    "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n\ncatalog:\n  agents: 0.2.35\n  ai: ^5.0.0\n  zod: ^3.25.0\n  wrangler: ^4.40.0\n  typescript: ^5.5.4\n  '@cloudflare/workers-types': ^4.20250801.0\n  '@modelcontextprotocol/sdk': 1.23.0\n",
    "turbo.json": JSON.stringify({ tasks: { build: {}, deploy: { dependsOn: ["build"] }, test: {} } }, null, 2),
    "packages/mcp-common/package.json": JSON.stringify({ name: "@repo/mcp-common", version: "0.0.0", private: true, type: "module", main: "src/index.ts", dependencies: { zod: "catalog:" } }, null, 2),
    "packages/mcp-common/src/index.ts": `import { z } from "zod";\nexport const Params = z.object({ q: z.string() });\nexport function ok(body: unknown): Response {\n  return Response.json(body);\n}\n`,
    "packages/typescript-config/package.json": JSON.stringify({ name: "@repo/typescript-config", version: "0.0.0", private: true }, null, 2),
    "packages/typescript-config/workers.json": JSON.stringify({ compilerOptions: { target: "es2022", lib: ["es2022"], module: "es2022", moduleResolution: "bundler", strict: true, skipLibCheck: true, noEmit: true, types: ["@cloudflare/workers-types"] } }, null, 2),
    "packages/eval-harness/package.json": JSON.stringify({ name: "@repo/eval-harness", version: "0.0.0", private: true, scripts: { test: "vitest run" }, devDependencies: { vitest: "^3.2.0" } }, null, 2),
    "packages/eval-harness/wrangler.json": JSON.stringify({ name: "eval-harness", main: "test/harness.ts", compatibility_date: "2025-03-10" }, null, 2),
    "packages/eval-harness/test/harness.ts": `export default { fetch: () => new Response("harness") };\n`,
  };
  const workers: TurboWorkerTruth[] = [];
  for (const name of APPS) {
    const dir = `apps/${name}`;
    files[`${dir}/package.json`] = JSON.stringify(
      {
        name: `${name}-mcp`,
        private: true,
        type: "module",
        scripts: { dev: "wrangler dev", deploy: "wrangler deploy --env production", "deploy:staging": "wrangler deploy --env staging", test: "vitest run" },
        // agents imports the ai SDK, an optional peer of it: the apps list it themselves
        dependencies: { "@repo/mcp-common": "workspace:*", agents: "catalog:", ai: "catalog:", "@modelcontextprotocol/sdk": "catalog:" },
        devDependencies: { "@cloudflare/workers-types": "catalog:", "@repo/typescript-config": "workspace:*", typescript: "catalog:", wrangler: "catalog:" },
      },
      null,
      2,
    );
    files[`${dir}/tsconfig.json`] = JSON.stringify({ extends: "@repo/typescript-config/workers.json", include: ["src"] }, null, 2);
    files[`${dir}/wrangler.jsonc`] = `{
  "name": "${name}-mcp-dev",
  "main": "src/index.ts",
  "compatibility_date": "2025-03-10",
  "compatibility_flags": ["nodejs_compat"],
  "durable_objects": { "bindings": [{ "name": "MCP_OBJECT", "class_name": "${name[0]!.toUpperCase()}${name.slice(1)}Mcp" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["${name[0]!.toUpperCase()}${name.slice(1)}Mcp"] }],
  "kv_namespaces": [{ "binding": "OAUTH_KV", "id": "dev-${name}" }],
  "env": {
    "staging": {
      "name": "${name}-mcp-staging",
      "routes": [{ "pattern": "${name}.staging.mcp.example.com", "custom_domain": true }],
      "durable_objects": { "bindings": [{ "name": "MCP_OBJECT", "class_name": "${name[0]!.toUpperCase()}${name.slice(1)}Mcp" }] },
      "kv_namespaces": [{ "binding": "OAUTH_KV", "id": "staging-${name}" }]
    },
    "production": {
      "name": "${name}-mcp",
      "routes": [{ "pattern": "${name}.mcp.example.com", "custom_domain": true }],
      "durable_objects": { "bindings": [{ "name": "MCP_OBJECT", "class_name": "${name[0]!.toUpperCase()}${name.slice(1)}Mcp" }] },
      "kv_namespaces": [{ "binding": "OAUTH_KV", "id": "production-${name}" }]
    }
  }
}
`;
    const cls = `${name[0]!.toUpperCase()}${name.slice(1)}Mcp`;
    files[`${dir}/src/index.ts`] = `import { McpAgent } from "agents/mcp";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ok, Params } from "@repo/mcp-common";

interface Env { MCP_OBJECT: DurableObjectNamespace; OAUTH_KV: KVNamespace; ${name.toUpperCase()}_API_KEY: string }

export class ${cls} extends McpAgent<Env> {
  server = new McpServer({ name: "${name}", version: "1.0.0" });
  async init(): Promise<void> {
    this.server.tool("lookup", async (input: unknown) => ({ content: [{ type: "text", text: JSON.stringify(Params.parse(input)) }] }));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return ok({ status: "ok" });
    if (!(await env.OAUTH_KV.get(request.headers.get("authorization") ?? ""))) return new Response(null, { status: 401 });
    if (!env.${name.toUpperCase()}_API_KEY) return new Response("not configured", { status: 503 });
    return ${cls}.serve("/mcp").fetch(request, env, ctx);
  },
};
`;
    workers.push({ id: name, dir, domain: `${name}.mcp.example.com`, staging: `${name}.staging.mcp.example.com`, bindings: ["OAUTH_KV"], secrets: [`${name.toUpperCase()}_API_KEY`] });
  }
  return { files, workers, shared: ["packages/eval-harness", "packages/mcp-common", "packages/typescript-config"] };
}
