// Shape: a directories monorepo of TypeScript workers (seen on a public monorepo of ~37 of
// them): each `workers/<name>/` has its own wrangler.jsonc and package.json, code in .ts and
// .tsx with interfaces, annotations, `import type`, `satisfies`, decorators and JSX, imports
// written `./x.js` for `./x.ts`, a tsconfig `paths` alias, and routes as custom domains.

export interface TsWorkerTruth {
  id: string;
  dir: string;
  domain: string | undefined;
  bindings: string[];
  secrets: string[];
  npm: Record<string, string>;
  /** Whether its code routes /health (every fourth worker does not, as in the real monorepo). */
  routesHealth: boolean;
}

const NAMES = [
  "alpha", "beacon", "canon", "docs", "email", "forms", "gateway", "hooks", "images", "jobs", "keys", "ledger",
  "mailer", "notary", "orders", "pages", "queue", "router", "search", "tokens", "uploads", "vault", "webhooks",
  "xray", "yield", "zones", "audit", "billing", "chat", "deploy", "export", "flags",
];

/** `count` TypeScript workers (30 or more), and what discovery must find in each. */
export function directoriesTsCorpus(count = 32): { files: Record<string, string>; workers: TsWorkerTruth[] } {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "@acme/workers", private: true, workspaces: ["workers/*"], devDependencies: { typescript: "^5.9.0", wrangler: "^4.40.0" } }, null, 2),
    "README.md": "# Acme workers\n",
  };
  const workers: TsWorkerTruth[] = [];
  for (let i = 0; i < count; i++) {
    const name = NAMES[i % NAMES.length]! + (i >= NAMES.length ? `-${Math.floor(i / NAMES.length) + 1}` : "");
    const dir = `workers/${name}`;
    const routed = i % 5 !== 4; // every fifth worker has no route of its own
    const usesDb = i % 3 === 0;
    const domain = routed ? `${name}.acme.dev` : undefined;
    const routesHealth = i % 4 !== 3;
    files[`${dir}/wrangler.jsonc`] = JSON.stringify(
      {
        $schema: "node_modules/wrangler/config-schema.json",
        name: `acme-${name}`,
        main: "src/index.ts",
        compatibility_date: "2025-06-01",
        compatibility_flags: ["nodejs_compat"],
        ...(routed ? { routes: [{ pattern: domain, custom_domain: true }] } : {}),
        kv_namespaces: [{ binding: "CACHE", id: `kv${i}` }],
        ...(usesDb ? { d1_databases: [{ binding: "DB", database_name: `acme-${name}`, database_id: `db${i}` }] } : {}),
        vars: { SERVICE: name },
      },
      null,
      2,
    ).replace("{\n", "{\n  // deployed with `wrangler deploy` from this folder\n");
    files[`${dir}/package.json`] = JSON.stringify({ name: `@acme/${name}`, private: true, scripts: { deploy: "wrangler deploy", dev: "wrangler dev" }, dependencies: { hono: "^4.9.0", zod: "^4.1.0" }, devDependencies: { "@cloudflare/workers-types": "^4.2025.0", typescript: "^5.9.0" } }, null, 2);
    files[`${dir}/tsconfig.json`] = `{\n  // strict, bundler resolution, an alias for src/\n  "compilerOptions": {\n    "target": "es2022",\n    "module": "esnext",\n    "moduleResolution": "bundler",\n    "strict": true,\n    "jsx": "react-jsx",\n    "jsxImportSource": "hono/jsx",\n    "experimentalDecorators": true,\n    "baseUrl": ".",\n    "paths": { "@/*": ["./src/*"] },\n  },\n}\n`;
    files[`${dir}/src/types.ts`] = [
      `import type { KVNamespace${usesDb ? ", D1Database" : ""} } from "@cloudflare/workers-types";`,
      "",
      "export interface Env {",
      "  CACHE: KVNamespace;",
      ...(usesDb ? ["  DB: D1Database;"] : []),
      "  SERVICE: string;",
      "  API_TOKEN: string;",
      "}",
      "",
      "export type Handler = (request: Request, env: Env) => Promise<Response>;",
      "",
    ].join("\n");
    files[`${dir}/src/log.ts`] = [
      "export function logged(target: unknown, key: string, descriptor: PropertyDescriptor): PropertyDescriptor {",
      "  const original = descriptor.value as (...args: unknown[]) => unknown;",
      "  descriptor.value = function (this: unknown, ...args: unknown[]) {",
      "    console.log(`call ${key}`);",
      "    return original.apply(this, args);",
      "  };",
      "  return descriptor;",
      "}",
      "",
    ].join("\n");
    files[`${dir}/src/store.ts`] = [
      `import type { Env } from "./types.js";`,
      `import { logged } from "./log.js";`,
      "",
      "export class Store {",
      "  constructor(private readonly env: Env) {}",
      "",
      "  @logged",
      "  async read(key: string): Promise<string | null> {",
      `    return (await this.env.CACHE.get(key)) ?? ${usesDb ? `(await this.env.DB.prepare("select v from kv where k = ?").bind(key).first<string>("v"))` : "null"};`,
      "  }",
      "}",
      "",
    ].join("\n");
    files[`${dir}/src/page.tsx`] = [
      `import type { FC } from "hono/jsx";`,
      "",
      `export const Page: FC<{ title: string }> = ({ title }) => <main><h1>{title}</h1></main>;`,
      "",
    ].join("\n");
    files[`${dir}/src/index.ts`] = [
      `import { Hono } from "hono";`,
      `import { z } from "zod";`,
      `import type { Env } from "@/types";`,
      `import { Store } from "./store.js";`,
      `import { Page } from "./page.jsx";`,
      "",
      "const Query = z.object({ key: z.string() });",
      "const app = new Hono<{ Bindings: Env }>();",
      "",
      ...(routesHealth ? [`app.get("/health", (c) => c.json({ status: "ok", service: c.env.SERVICE }));`] : []),
      `app.get("/", (c) => c.html(<Page title={c.env.SERVICE} />));`,
      `app.get("/read", async (c) => {`,
      `  if (c.req.header("authorization") !== \`Bearer \${c.env.API_TOKEN}\`) return c.text("no", 401);`,
      "  const { key } = Query.parse(c.req.query());",
      "  return c.json({ value: await new Store(c.env).read(key) });",
      "});",
      "",
      "export default app satisfies ExportedHandler<Env>;",
      "",
    ].join("\n").replace("export default app satisfies", "export default { fetch: app.fetch } satisfies");
    // .tsx because the entry renders JSX
    files[`${dir}/src/index.tsx`] = files[`${dir}/src/index.ts`]!;
    delete files[`${dir}/src/index.ts`];
    files[`${dir}/wrangler.jsonc`] = files[`${dir}/wrangler.jsonc`]!.replace('"main": "src/index.ts"', '"main": "src/index.tsx"');
    files[`${dir}/test/index.spec.ts`] = [
      `import { describe, expect, it } from "vitest";`,
      `import type { Env } from "../src/types.js";`,
      "",
      `describe("${name}", () => {`,
      `  it("has a name", () => expect(({ SERVICE: "${name}" } as Partial<Env>).SERVICE).toBe("${name}"));`,
      "});",
      "",
    ].join("\n");
    workers.push({
      id: name,
      dir,
      domain,
      bindings: ["CACHE", ...(usesDb ? ["DB"] : []), "SERVICE"].sort(),
      secrets: ["API_TOKEN"],
      npm: { hono: "^4.9.0", zod: "^4.1.0" },
      routesHealth,
    });
  }
  return { files, workers };
}
