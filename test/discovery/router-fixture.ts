// A small router-layout monorepo covering each kind of router entry.
export const ROUTER_FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "@acme/platform", dependencies: { hono: "^4.6.0" }, devDependencies: { vitest: "^4.0.0" } }),
  "wrangler.toml": `name = "platform"
main = "src/platform-worker.js"
compatibility_date = "2025-09-01"
routes = [ { pattern = "api.acme.dev/*", zone_name = "acme.dev" } ]
[[kv_namespaces]]
binding = "CACHE"
id = "abc"
[[d1_databases]]
binding = "DB"
database_name = "main"
database_id = "x"
[ai]
binding = "AI"
[vars]
ENVIRONMENT = "production"
[[services]]
binding = "IDENTITY"
service = "acme-id-worker"
[[services]]
binding = "BILLING_SERVICE"
service = "acme-billing-worker"
`,
  "src/platform-worker.js": `import { handleApi } from "./services/api.js";
import { handleBilling } from "./services/billing.js";
import { handleSearch } from './services/search';
import { withContext } from "./lib/context.js";
function notYet() { return new Response("soon", { status: 501 }); }
const ROUTES = {
  "api.acme.dev": handleApi,
  "billing.acme.dev": withContext(handleBilling),
  'search.acme.dev': handleSearch,
  "id.acme.dev": (request, env) => env.IDENTITY.fetch(request),
  "beta.acme.dev": null,
  "status.acme.dev": notYet,
};
export default { fetch(request, env, ctx) { const h = ROUTES[new URL(request.url).hostname]; return h ? h(request, env, ctx) : new Response("not found", { status: 404 }); } };
`,
  "src/lib/context.js": `export function withContext(handler) { return (request, env, ctx) => handler({ request, env, ctx }); }\n`,
  "src/lib/response.js": `import { headers } from "./headers.js";\nexport const json = (data) => Response.json(data, { headers });\n`,
  "src/lib/headers.js": `export const headers = { "x-powered-by": "acme" };\n`,
  "src/services/api.js": `import { json } from "../lib/response.js";
import { Hono } from "hono";
import { Buffer } from "node:buffer";
export async function handleApi(request, env, ctx) {
  const { CACHE } = env;
  await CACHE.get("k");
  const rows = await env.DB.prepare("select 1").all();
  await fetch("https://billing.acme.dev/charge", { headers: { authorization: env.API_TOKEN } });
  return json({ rows, env: env.ENVIRONMENT });
}
`,
  "src/services/billing.js": `import { json } from "../lib/response.js";
import "../lib/missing-metrics.js";
export async function handleBilling(context) {
  const answer = await context.env.AI.run("model", {});
  await context.env.QUEUE.send("x");
  return json({ answer, key: context.env.STRIPE_SECRET_KEY });
}
`,
  "src/services/search.js": `export async function handleSearch(request, env) { return env.BILLING_SERVICE.fetch(request); }\n`,
  "test/api.test.js": `import { handleApi } from "../src/services/api.js";\nimport { it } from "vitest";\nit("works", () => handleApi);\n`,
  "test/billing.spec.js": `import { it } from "vitest";\nit("names billing", () => {});\n`,
  "test/unrelated.test.js": `import { it } from "vitest";\nit("x", () => {});\n`,
  "README.md": "# acme\n",
};
