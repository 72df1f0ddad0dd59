// The shared modules of the router layout (src/lib/*.js): their import graph, the env names
// and npm packages each one uses, and their source text.
import type { LibKey, NpmPackage } from "./catalog.js";
import type { DocState } from "./model.js";

export interface LibSpec {
  key: LibKey;
  imports: LibKey[];
  env: string[];
  npm: NpmPackage[];
  /** Values of the module's tunable constant, when it has one. */
  knobs: readonly number[];
  /** Functions the module exports, imported by name. */
  exports: string[];
  source(state: DocState, file: (key: LibKey) => string): string;
}

const lib = (spec: LibSpec) => spec;

export const LIBS: Record<LibKey, LibSpec> = {
  context: lib({
    key: "context",
    imports: [],
    env: [],
    npm: [],
    knobs: [],
    exports: ["withContext"],
    source: () => `// Context-style handlers take one argument; the router adapts them with this wrapper.
export function withContext(handler) {
  return (request, env, ctx) => {
    const url = new URL(request.url);
    const service = url.hostname.split(".")[0];
    return handler({ request, env, ctx, url, service });
  };
}
`,
  }),
  headers: lib({
    key: "headers",
    imports: [],
    env: [],
    npm: [],
    knobs: [600, 3600, 86400],
    exports: ["corsHeaders"],
    source: (s) => `const ALLOWED_HEADERS = "authorization, content-type";

export function corsHeaders(origin = "*") {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": "${s.knob}",
  };
}
`,
  }),
  response: lib({
    key: "response",
    imports: ["headers"],
    env: [],
    npm: [],
    knobs: [],
    exports: ["json", "error"],
    source: (_s, file) => `import { corsHeaders } from "./${file("headers")}";

export function json(data, init = {}) {
  return Response.json(data, { ...init, headers: { ...corsHeaders(), ...(init.headers ?? {}) } });
}

export function error(status, message) {
  return json({ error: message, status }, { status });
}
`,
  }),
  crypto: lib({
    key: "crypto",
    imports: [],
    env: [],
    npm: [],
    knobs: [],
    exports: ["sha256Hex", "hmacHex", "timingSafeEqual"],
    source: () => `const encoder = new TextEncoder();
const toHex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function sha256Hex(text) {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

export async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

export function timingSafeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
`,
  }),
  auth: lib({
    key: "auth",
    imports: ["crypto", "response"],
    env: ["JWT_SECRET"],
    npm: [],
    knobs: [],
    exports: ["requireAuth"],
    source: (_s, file) => `import { hmacHex, timingSafeEqual } from "./${file("crypto")}";
import { error } from "./${file("response")}";

export async function requireAuth(request, env) {
  const [scheme, token] = (request.headers.get("authorization") ?? "").split(" ");
  if (scheme !== "Bearer" || !token) return { ok: false, response: error(401, "missing bearer token") };
  const [payload, signature] = token.split(".");
  if (!payload || !signature) return { ok: false, response: error(401, "malformed token") };
  const expected = await hmacHex(env.JWT_SECRET, payload);
  if (!timingSafeEqual(expected, signature)) return { ok: false, response: error(403, "invalid token") };
  return { ok: true, subject: JSON.parse(atob(payload)).sub };
}
`,
  }),
  logger: lib({
    key: "logger",
    imports: [],
    env: ["LOG_LEVEL"],
    npm: [],
    knobs: [],
    exports: ["log"],
    source: () => `const LEVELS = ["debug", "info", "warn", "error"];

export function log(env, level, message, fields = {}) {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(env.LOG_LEVEL ?? "info")) return;
  console.log(JSON.stringify({ level, message, ...fields, at: new Date().toISOString() }));
}
`,
  }),
  validate: lib({
    key: "validate",
    imports: ["response"],
    env: [],
    npm: [],
    knobs: [],
    exports: ["requireFields"],
    source: (_s, file) => `import { error } from "./${file("response")}";

export function requireFields(body, fields) {
  if (body === null || typeof body !== "object") return error(400, "expected a JSON object");
  const missing = fields.filter((field) => body[field] === undefined || body[field] === "");
  return missing.length > 0 ? error(422, "missing: " + missing.join(", ")) : null;
}
`,
  }),
  cache: lib({
    key: "cache",
    imports: [],
    env: ["CACHE"],
    npm: [],
    knobs: [60, 300, 900],
    exports: ["cached", "increment"],
    source: (s) => `const TTL_SECONDS = ${s.knob};

export async function cached(env, key, load) {
  const hit = await env.CACHE.get(key, "json");
  if (hit !== null) return hit;
  const value = await load();
  await env.CACHE.put(key, JSON.stringify(value), { expirationTtl: TTL_SECONDS });
  return value;
}

export async function increment(env, key, ttlSeconds) {
  const count = Number((await env.CACHE.get(key)) ?? "0") + 1;
  await env.CACHE.put(key, String(count), { expirationTtl: ttlSeconds });
  return count;
}
`,
  }),
  "rate-limit": lib({
    key: "rate-limit",
    imports: ["cache", "response"],
    env: ["RATE_LIMIT_PER_MINUTE"],
    npm: [],
    knobs: [],
    exports: ["rateLimit"],
    source: (_s, file) => `import { increment } from "./${file("cache")}";
import { error } from "./${file("response")}";

export async function rateLimit(env, request) {
  const limit = Number(env.RATE_LIMIT_PER_MINUTE ?? "60");
  const client = request.headers.get("cf-connecting-ip") ?? "anonymous";
  const count = await increment(env, "rate:" + client + ":" + Math.floor(Date.now() / 60000), 120);
  return count > limit ? error(429, "slow down") : null;
}
`,
  }),
  ids: lib({
    key: "ids",
    imports: [],
    env: [],
    npm: ["nanoid"],
    knobs: [12, 16, 21],
    exports: ["newId"],
    source: (s) => `import { customAlphabet } from "nanoid";

const generate = customAlphabet("0123456789abcdefghijklmnopqrstuvwxyz", ${s.knob});

export function newId(prefix) {
  return prefix + "_" + generate();
}
`,
  }),
  pagination: lib({
    key: "pagination",
    imports: [],
    env: [],
    npm: [],
    knobs: [100, 200, 500],
    exports: ["pageParams"],
    source: (s) => `const MAX_LIMIT = ${s.knob};

export function pageParams(url, defaultLimit = 50) {
  const limit = Number(url.searchParams.get("limit") ?? defaultLimit);
  const offset = Number(url.searchParams.get("offset") ?? 0);
  return {
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : defaultLimit,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}
`,
  }),
  db: lib({
    key: "db",
    imports: [],
    env: ["DB"],
    npm: [],
    knobs: [],
    exports: ["query", "first"],
    source: () => `export async function query(env, sql, params = []) {
  const { results } = await env.DB.prepare(sql).bind(...params).all();
  return results;
}

export async function first(env, sql, params = []) {
  return env.DB.prepare(sql).bind(...params).first();
}
`,
  }),
};

/** The lib modules reachable from `roots`, including the roots. */
export function libClosure(roots: readonly LibKey[]): LibKey[] {
  const seen = new Set<LibKey>();
  const visit = (key: LibKey) => {
    if (seen.has(key)) return;
    seen.add(key);
    LIBS[key].imports.forEach(visit);
  };
  roots.forEach(visit);
  return [...seen];
}

/** Source with a revision line the history can bump without growing the file. */
export function renderLib(key: LibKey, state: DocState, file: (key: LibKey) => string): string {
  return `// revision ${state.rev}\n` + LIBS[key].source(state, file);
}
