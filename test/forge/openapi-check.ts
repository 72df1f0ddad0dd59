// GitHub's official OpenAPI description (the npm package @octokit/openapi, only its
// generated/api.github.com.json), used to check requests and responses: which operation a
// method and path are, whether the path, query and body are what that operation allows, and
// whether a response is what it promises. Also makes the smallest valid example of a schema,
// so the stand-in can answer with complete objects.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OpenApiDescription, type CheckedRequest } from "../helpers/openapi-description.js";

type Schema = Record<string, any>;
export type { CheckedRequest };

const require = createRequire(import.meta.url);
const SPEC_FILE = join(dirname(require.resolve("@octokit/openapi/package.json")), "generated", "api.github.com.json");
let loaded: OpenApiDescription | undefined;

function load(): OpenApiDescription {
  return (loaded ??= new OpenApiDescription(JSON.parse(readFileSync(SPEC_FILE, "utf8")) as Schema, "GitHub's REST API", "github"));
}

export function resolveRef(schema: Schema | undefined): Schema | undefined {
  return load().resolveRef(schema);
}

/** The operation a request is, or the reasons the description does not allow it. */
export function checkRequest(method: string, url: URL, body: unknown): { ok: true; request: CheckedRequest } | { ok: false; problems: string[] } {
  return load().checkRequest(method, url.pathname, Object.fromEntries(url.searchParams), body);
}

/** Problems with a response the stand-in is about to send (it must be what the operation promises). */
export function checkResponse(operationId: string, status: number, body: unknown): string[] {
  return load().checkResponse(operationId, status, body);
}

/** The smallest value that satisfies a schema (required properties only), for complete answers. */
export function example(schema: Schema | undefined, depth = 0): unknown {
  const s = resolveRef(schema);
  if (!s || depth > 12) return null;
  if (s.enum) return s.enum[0];
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => example(x, depth + 1)));
  if (s.oneOf || s.anyOf) return example((s.oneOf ?? s.anyOf)[0], depth + 1);
  if (s.nullable) return null;
  switch (s.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = example(s.properties?.[key], depth + 1);
      return out;
    }
    case "array":
      return [];
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    case "string":
      if (s.format === "date-time") return "2026-01-01T00:00:00Z";
      if (s.format === "uri") return "https://example.invalid/";
      if (s.format === "email") return "fleet@example.invalid";
      return "x";
    default:
      return s.properties ? example({ ...s, type: "object" }, depth) : null;
  }
}

/** The schema of an operation's response, for `example`. */
export function responseSchema(operationId: string, status: number): Schema | undefined {
  const op = load().operation(operationId);
  return resolveRef(resolveRef(op.responses[String(status)])?.content?.["application/json"]?.schema);
}
