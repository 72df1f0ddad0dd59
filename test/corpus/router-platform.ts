// Shape: a platform router of ~40 hostnames over ~20 service modules (seen on a public monorepo):
// deployed with `wrangler deploy --config wrangler.optimized.toml` (no wrangler.toml), an `ai`
// binding, nodejs_compat and a 2024 compatibility date, KV bindings commented out that the code
// still reads, routes only under [env.production]; the context wrapper defined inline in the
// router; one module exporting several routed handlers (and re-exporting one from elsewhere);
// one handler behind several hostnames; a path route that serves a service on any hostname; a
// docs service that names every hostname; two services that call each other; a second root
// config with its own main (another worker); tests named after their service.

export const ROUTER_CONFIG = "wrangler.optimized.toml";

// Every service can say what context it was given: each key with its type (an object's keys
// for the ones the router builds), so a test can compare the router's and the worker's.
const CONTEXT_SHAPE = `  if (url.pathname === "/context-shape") {\n    const shape = (k, v) => (v === null ? "null" : typeof v === "object" && !["request", "env", "ctx"].includes(k) ? Object.keys(v).sort() : typeof v);\n    return Response.json(Object.fromEntries(Object.entries(context).map(([k, v]) => [k, shape(k, v)])));\n  }\n`;

function service(name: string, handler: string, body: string, imports = ""): string {
  return `${imports}/** The ${name} service. */\nexport async function ${handler}(context) {\n  const { request, env } = context;\n  const url = new URL(request.url);\n  if (url.pathname === "/health") return Response.json({ status: "ok", service: "${name}" });\n${CONTEXT_SHAPE}${body}\n  return Response.json({ service: "${name}", path: url.pathname });\n}\n`;
}

export function routerPlatformCorpus(): Record<string, string> {
  const files: Record<string, string> = {};
  files["package.json"] = JSON.stringify(
    {
      name: "chittyos-optimized-platform",
      version: "1.0.0",
      type: "module",
      scripts: {
        dev: `wrangler dev --config ${ROUTER_CONFIG}`,
        "dev:original": "wrangler dev --config wrangler.legacy.toml",
        deploy: `wrangler deploy --config ${ROUTER_CONFIG}`,
        "deploy:production": `wrangler deploy --config ${ROUTER_CONFIG} --env production`,
        "legacy:deploy": "wrangler deploy --config wrangler.legacy.toml",
        "deploy:evidence": "wrangler deploy -c wrangler-evidence.toml",
        test: "vitest run",
      },
      dependencies: { hono: "^4.6.0", zod: "^3.23.0" },
      devDependencies: { vitest: "^3.2.4", wrangler: "^4.38.0" },
    },
    null,
    2,
  );
  files[ROUTER_CONFIG] = `# Platform orchestrator, optimised: one worker routes every service
name = "chittyos-unified-platform"
main = "src/platform-worker.js"
compatibility_date = "2024-09-01"
compatibility_flags = ["nodejs_compat"]

[ai]
binding = "AI"

# KV namespaces - temporarily disabled for deployment
# [[kv_namespaces]]
# binding = "PLATFORM_CACHE"
# id = "bf501ad4c5664239878073d54cefb4c1"

# [[kv_namespaces]]
# binding = "PLATFORM_KV"
# id = "b2d174ca8aec43beabae50669f465396"

[[durable_objects.bindings]]
name = "PLATFORM_STATE"
class_name = "PlatformState"

[vars]
PLATFORM_VERSION = "1.0.0"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["PlatformState"]

[env.production]
name = "chittyos-platform-production"
routes = [
  { pattern = "gateway.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "sync.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "api.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "ai.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "mcp.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "portal.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "registry.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "canon.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "docs.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "pass.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "ledger.chitty.cc/*", zone_name = "chitty.cc" },
  { pattern = "evidence-ledger.chitty.cc/*", zone_name = "chitty.cc" }
]

[[env.production.services]]
binding = "IDENTITY"
service = "chittyid-production"

[env.production.vars]
ENVIRONMENT = "production"

[env.staging]
name = "chittyos-platform-staging"
routes = [ { pattern = "staging.chitty.cc/*", zone_name = "chitty.cc" } ]
`;
  files["wrangler-evidence.toml"] = `# evidence.chitty.cc, deployed on its own
name = "chittyos-evidence"
main = "workers/evidence.ts"
compatibility_date = "2024-10-01"
routes = [ { pattern = "evidence.chitty.cc/*", zone_name = "chitty.cc" } ]

[[kv_namespaces]]
binding = "EVIDENCE_KV"
id = "f8c2e9a1"

[[r2_buckets]]
binding = "EVIDENCE_R2"
bucket_name = "chittyos-evidence"
`;
  files["workers/evidence.ts"] = `import type { R2Bucket, KVNamespace } from "@cloudflare/workers-types";
import { hashOf } from "./evidence/hash.js";

interface Env { EVIDENCE_KV: KVNamespace; EVIDENCE_R2: R2Bucket; EVIDENCE_SIGNING_KEY: string }

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ status: "ok" });
    const body = await request.arrayBuffer();
    const key = await hashOf(body, env.EVIDENCE_SIGNING_KEY);
    await env.EVIDENCE_R2.put(key, body);
    await env.EVIDENCE_KV.put(key, url.pathname);
    return Response.json({ key });
  },
} satisfies ExportedHandler<Env>;
`;
  files["workers/evidence/hash.ts"] = `export async function hashOf(data: ArrayBuffer, key: string): Promise<string> {\n  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key + new Uint8Array(data).join(",")));\n  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");\n}\n`;

  files["src/lib/kv-cache.js"] = `export function createKVCache(kv) {\n  return {\n    get: async (key) => kv?.get(key),\n    put: async (key, value, options) => kv?.put(key, value, options),\n  };\n}\n`;
  files["src/lib/cors.js"] = `export const CORS = { "access-control-allow-origin": "*" };\n`;
  files["src/platform-worker.js"] = `/**
 * Platform orchestrator: one worker, every service, routed by hostname.
 */
import { handleAIGateway } from "./services/ai-gateway.js";
import { handleLangChain } from "./services/langchain.js";
import { handleAuth } from "./services/auth.js";
import { handleBeacon } from "./services/beacon.js";
import { handleDocs } from "./services/docs.js";
import { handleChittyPass } from "./services/chittypass.js";
import { handleLedger } from "./services/ledger.js";
import { handleCases } from "./services/cases.js";
import {
  handleMCP,
  handleRegistry,
  handleSync,
  handleCanon,
  handleChat,
} from "./services/stubs.js";
import { createKVCache } from "./lib/kv-cache.js";
import { CORS } from "./lib/cors.js";

const PLATFORM_NAME = "ChittyOS";

/** Build context object for service handlers */
function buildContext(request, env, ctx) {
  return {
    request,
    env,
    ctx,
    platform: PLATFORM_NAME,
    cache: createKVCache(env.PLATFORM_CACHE),
    userDb: env.PLATFORM_DB,
    ai: env.AI,
  };
}

/** Wrapper function to adapt handlers to proper context */
function wrapHandler(handler) {
  return async (request, env, ctx) => handler(buildContext(request, env, ctx));
}

function handlePlaceholderService(name) {
  return async () => Response.json({ status: "coming_soon", service: name });
}

let SERVICE_ROUTES = {
  // Gateway entry point
  "gateway.chitty.cc": wrapHandler(handleSync),
  "ai.chitty.cc": handleAIGateway, // direct params, no wrapper
  "langchain.chitty.cc": wrapHandler(handleLangChain),
  "mcp.chitty.cc": wrapHandler(handleMCP),
  "portal.chitty.cc": wrapHandler(handleMCP), // same handler as mcp
  "sync.chitty.cc": wrapHandler(handleSync),
  "api.chitty.cc": wrapHandler(handleSync), // main API endpoint
  "beacon.chitty.cc": wrapHandler(handleBeacon),
  "auth.chitty.cc": wrapHandler(handleAuth),
  "registry.chitty.cc": wrapHandler(handleRegistry),
  "canon.chitty.cc": wrapHandler(handleCanon),
  "chat.chitty.cc": wrapHandler(handleChat),
  "verify.chitty.cc": handlePlaceholderService("ChittyVerify"),
  "docs.chitty.cc": wrapHandler(handleDocs),
  "pass.chitty.cc": wrapHandler(handleChittyPass),
  "ledger.chitty.cc": wrapHandler(handleLedger),
  "evidence-ledger.chitty.cc": wrapHandler(handleLedger),
  "cases.chitty.cc": wrapHandler(handleCases),
  "schema.chitty.cc": handlePlaceholderService("Schema Registry"),
  "id.chitty.cc": (request, env) => env.IDENTITY.fetch(request),
};

/** Shared platform state (a Durable Object). */
export class PlatformState {
  constructor(state) {
    this.state = state;
  }
  async fetch() {
    return Response.json({ state: "ok" });
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const pathname = url.pathname;
    if (pathname === "/health" && !SERVICE_ROUTES[url.hostname]) return Response.json({ status: "ok", platform: PLATFORM_NAME });
    const hostname = url.hostname;
    let serviceHandler = null;
    // ChittyPass answers on every hostname under /pass
    if (pathname.startsWith("/pass")) {
      serviceHandler = wrapHandler(handleChittyPass);
    } else if (pathname.startsWith("/api/cases/")) {
      serviceHandler = wrapHandler(handleCases);
    } else {
      serviceHandler = SERVICE_ROUTES[hostname];
    }
    if (!serviceHandler) return new Response("not found", { status: 404, headers: CORS });
    return serviceHandler(request, env, ctx);
  },
};
`;
  files["src/services/ai-gateway.js"] = `export async function handleAIGateway(request, env) {\n  const url = new URL(request.url);\n  if (url.pathname === "/health") return Response.json({ status: "ok" });\n  const answer = await env.AI.run("@cf/meta/llama-3.1-8b-instruct", { prompt: url.searchParams.get("q") ?? "" });\n  return Response.json(answer);\n}\n`;
  files["src/services/langchain.js"] = service("langchain", "handleLangChain", `  const key = env.OPENAI_API_KEY;\n  if (!key) return new Response("no key", { status: 500 });`, `import { z } from "zod";\n`);
  files["src/services/auth.js"] = service("auth", "handleAuth", `  const session = await context.cache.get(url.searchParams.get("s") ?? "");\n  if (!session) return new Response(null, { status: 401 });\n  const who = await fetch("https://registry.chitty.cc/api/whoami");\n  if (!who.ok) return new Response(null, { status: 502 });`);
  files["src/services/beacon.js"] = service("beacon", "handleBeacon", `  await env.PLATFORM_KV.put("beacon:last", String(Date.now()));`);
  // the docs service names every hostname: a URL is a call, not a dependency to deploy first
  files["src/services/docs.js"] = service("docs", "handleDocs", `  const services = [${["gateway", "ai", "langchain", "mcp", "sync", "beacon", "auth", "registry", "canon", "chat", "pass", "ledger", "cases"].map((h) => `"https://${h}.chitty.cc"`).join(", ")}];\n  if (url.pathname === "/services") return Response.json(services);`);
  files["src/services/chittypass.js"] = service("chittypass", "handleChittyPass", `  const vault = await env.PLATFORM_KV.get("vault:" + url.pathname);\n  if (vault) return new Response(vault);`);
  files["src/services/ledger.js"] = service("ledger", "handleLedger", `  const cases = await fetch("https://cases.chitty.cc/api/recent");\n  if (!cases.ok) return new Response(null, { status: 502 });`);
  files["src/services/cases.js"] = service("cases", "handleCases", `  const entries = await fetch("https://ledger.chitty.cc/api/entries");\n  if (!entries.ok) return new Response(null, { status: 502 });`);
  files["src/services/sync.js"] = service("sync", "handleSync", `  await context.cache.put("sync:last", String(Date.now()));\n  const state = env.PLATFORM_STATE.get(env.PLATFORM_STATE.idFromName("sync"));\n  if (url.pathname === "/state") return state.fetch(request);`);
  files["src/services/stubs.js"] = `// Stub handlers for services in development, routed from the platform.
export async function handleMCP(context) {
  return Response.json({ service: "mcp", tools: [] });
}

// Registry Service (as in the real one: its health under /health, its list through the context's cache)
export async function handleRegistry(context) {
  const { request, cache } = context;
  const path = new URL(request.url).pathname.replace("/api/registry", "");
  if (path === "/health") return Response.json({ service: "registry", status: "healthy" });
  const list = await cache.get("registry");
  return Response.json({ service: "registry", list });
}

export { handleSync } from "./sync.js";

export async function handleCanon(context) {
  return Response.json({ service: "canon", canonical: true });
}

export async function handleChat(context) {
  return Response.json({ service: "chat" });
}
`;
  // tests named after their service, in the places this team keeps them
  // (it also reads the platform's package.json, as a test of the real monorepo does)
  files["test-chittypass.js"] = `import { handleChittyPass } from "./src/services/chittypass.js";\nconst pkg = await import("./package.json", { with: { type: "json" } });\nconsole.log(typeof handleChittyPass, pkg.default.version);\n`;
  files["tests/ledger.test.js"] = `import { it, expect } from "vitest";\nit("ledger", () => expect(1).toBe(1));\n`;
  files["src/services/cases.test.ts"] = `import { it, expect } from "vitest";\nimport { handleCases } from "./cases.js";\nit("cases", () => expect(typeof handleCases).toBe("function"));\n`;
  files["tests/beacon-integration.js"] = `import { handleBeacon } from "../src/services/beacon.js";\nexport const t = handleBeacon;\n`;
  return files;
}
