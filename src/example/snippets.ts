// Route blocks for generated handlers. Each env name, shared module and outside call gets
// one block, so a service's reads and imports are exactly what its catalog entry says.
import type { LibKey } from "./catalog.js";

/** Lines of one `if (...) { ... }` route, to be indented inside a handler. */
export type Block = string[];

const route = (test: string, body: string[]): Block => [`if (${test}) {`, ...body.map((l) => "  " + l), "}"];

/** The block that reads `<e>.NAME`, where `e` is how the handler reaches env. */
export function envBlock(name: string, e: string): Block {
  switch (name) {
    case "PROJECTS":
      return route(`url.pathname.startsWith("/api/projects/")`, [
        `const project = await ${e}.PROJECTS.get(url.pathname.slice("/api/projects/".length), "json");`,
        `return project ? Response.json(project) : Response.json({ error: "unknown project" }, { status: 404 });`,
      ]);
    case "CACHE":
      return route(`url.pathname === "/api/cache" && request.method === "DELETE"`, [
        `await ${e}.CACHE.delete(url.searchParams.get("key") ?? "");`,
        `return new Response(null, { status: 204 });`,
      ]);
    case "REGISTRY_KV":
      return route(`url.pathname === "/api/services"`, [
        `const list = await ${e}.REGISTRY_KV.list({ prefix: "service:" });`,
        `return Response.json({ services: list.keys.map((key) => key.name.slice("service:".length)) });`,
      ]);
    case "DB":
      return route(`url.pathname === "/api/stats"`, [
        `const row = await ${e}.DB.prepare("SELECT COUNT(*) AS count FROM events").first();`,
        `return Response.json({ events: row?.count ?? 0 });`,
      ]);
    case "LEDGER_DB":
      return route(`url.pathname === "/api/entries"`, [
        `const { results } = await ${e}.LEDGER_DB.prepare("SELECT id, amount, memo FROM entries ORDER BY id DESC LIMIT ?").bind(PAGE_SIZE).all();`,
        `return Response.json({ entries: results });`,
      ]);
    case "AI":
      return route(`url.pathname === "/api/complete" && request.method === "POST"`, [
        `const { prompt } = await request.json();`,
        `return Response.json(await ${e}.AI.run("@cf/meta/llama-3.1-8b-instruct", { prompt }));`,
      ]);
    case "SYNC_STATE":
      return route(`url.pathname.startsWith("/api/sync")`, [
        `const id = ${e}.SYNC_STATE.idFromName(url.searchParams.get("scope") ?? "global");`,
        `return ${e}.SYNC_STATE.get(id).fetch(request);`,
      ]);
    case "ENVIRONMENT":
      return route(`url.pathname === "/api/environment"`, [`return Response.json({ environment: ${e}.ENVIRONMENT ?? "production" });`]);
    case "CANON_VERSION":
      return route(`url.pathname === "/api/canon/version"`, [`return Response.json({ canon: ${e}.CANON_VERSION });`]);
    case "CHITTYID":
      return forward("/api/identity", `${e}.CHITTYID`, "https://id.internal/resolve");
    case "CHITTYAUTH":
      return forward("/api/session", `${e}.CHITTYAUTH`, "https://auth.internal/session");
    case "REGISTRY_SERVICE":
      return forward("/api/registry", `${e}.REGISTRY_SERVICE`, "https://registry.internal/api/services");
    case "LEDGER_SERVICE":
      return forward("/api/ledger", `${e}.LEDGER_SERVICE`, "https://ledger.internal/api/entries");
    case "JWT_SECRET":
      return route(`url.pathname === "/api/token/check"`, [
        `return Response.json({ configured: typeof ${e}.JWT_SECRET === "string" && ${e}.JWT_SECRET.length > 0 });`,
      ]);
    case "WEBHOOK_SIGNING_SECRET":
      return route(`url.pathname === "/api/webhooks" && request.method === "POST"`, [
        `if (request.headers.get("x-signing-secret") !== ${e}.WEBHOOK_SIGNING_SECRET) {`,
        `  return Response.json({ error: "bad signature" }, { status: 401 });`,
        `}`,
        `return Response.json({ received: true }, { status: 202 });`,
      ]);
    default:
      return upstream(name, e);
  }
}

function forward(path: string, binding: string, target: string): Block {
  return route(`url.pathname === "${path}"`, [
    `return ${binding}.fetch(new Request("${target}", { method: request.method, headers: request.headers, body: request.body }));`,
  ]);
}

const UPSTREAMS: Record<string, { path: string; url: string; header: string; prefix: string }> = {
  OPENAI_API_KEY: { path: "/api/openai", url: "https://api.openai.com/v1/chat/completions", header: "authorization", prefix: "Bearer " },
  ANTHROPIC_API_KEY: { path: "/api/anthropic", url: "https://api.anthropic.com/v1/messages", header: "x-api-key", prefix: "" },
  STRIPE_SECRET_KEY: { path: "/api/customers", url: "https://api.stripe.com/v1/customers", header: "authorization", prefix: "Bearer " },
  SENDGRID_API_KEY: { path: "/api/send", url: "https://api.sendgrid.com/v3/mail/send", header: "authorization", prefix: "Bearer " },
  NOTION_TOKEN: { path: "/api/notion", url: "https://api.notion.com/v1/search", header: "authorization", prefix: "Bearer " },
};

/** A call to an outside API authenticated with a secret. */
function upstream(name: string, e: string): Block {
  const api = UPSTREAMS[name];
  if (!api) throw new Error(`no example block reads ${name}`);
  const credential = api.prefix ? `"${api.prefix}" + ${e}.${name}` : `${e}.${name}`;
  return route(`url.pathname === "${api.path}" && request.method === "POST"`, [
    `const upstream = await fetch("${api.url}", {`,
    `  method: "POST",`,
    `  headers: { "${api.header}": ${credential}, "content-type": "application/json" },`,
    `  body: await request.text(),`,
    `});`,
    `return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });`,
  ]);
}

/** A call to another fleet service by its public URL. */
export function urlBlock(targetId: string, domain: string): Block {
  return route(`url.pathname === "/api/upstream/${targetId}"`, [
    `const upstream = await fetch("https://${domain}/health");`,
    `return Response.json({ upstream: "${targetId}", healthy: upstream.ok });`,
  ]);
}

/** Statements placed right after the health check. */
export function libPrologue(key: LibKey, e: string): Block {
  switch (key) {
    case "headers":
      return route(`request.method === "OPTIONS"`, [`return new Response(null, { status: 204, headers: corsHeaders() });`]);
    case "logger":
      return [`log(${e}, "info", "request", { method: request.method, path: url.pathname });`];
    case "rate-limit":
      return [`const limited = await rateLimit(${e}, request);`, `if (limited) return limited;`];
    default:
      return [];
  }
}

/** A route that uses the shared module; empty when the module only adds a prologue. */
export function libBlock(key: LibKey, e: string, id: string): Block {
  switch (key) {
    case "auth":
      return route(`url.pathname.startsWith("/api/admin")`, [
        `const auth = await requireAuth(request, ${e});`,
        `if (!auth.ok) return auth.response;`,
        `return Response.json({ subject: auth.subject });`,
      ]);
    case "crypto":
      return route(`url.pathname === "/api/digest" && request.method === "POST"`, [`return Response.json({ sha256: await sha256Hex(await request.text()) });`]);
    case "validate":
      return route(`url.pathname === "/api/submit" && request.method === "POST"`, [
        `const body = await request.json().catch(() => null);`,
        `const invalid = requireFields(body, ["name", "owner"]);`,
        `if (invalid) return invalid;`,
        `return Response.json({ accepted: true, name: body.name }, { status: 202 });`,
      ]);
    case "cache":
      return route(`url.pathname === "/api/summary"`, [
        `return Response.json(await cached(${e}, "summary:${id}", async () => ({ generatedAt: new Date().toISOString() })));`,
      ]);
    case "ids":
      return route(`url.pathname === "/api/new" && request.method === "POST"`, [
        `return Response.json({ id: newId("${id.split("-")[0]}") }, { status: 201 });`,
      ]);
    case "pagination":
      return route(`url.pathname === "/api/items"`, [
        `const { limit, offset } = pageParams(url, PAGE_SIZE);`,
        `return Response.json({ items: [], limit, offset });`,
      ]);
    case "db":
      return route(`url.pathname === "/api/records"`, [
        `return Response.json({ records: await query(${e}, "SELECT id, name FROM records ORDER BY id LIMIT ?", [PAGE_SIZE]) });`,
      ]);
    default:
      return [];
  }
}

export function indent(lines: string[], depth = 1): string[] {
  const pad = "  ".repeat(depth);
  return lines.map((line) => (line ? pad + line : line));
}
