// GitHub's official OpenAPI description (the npm package @octokit/openapi, only its
// generated/api.github.com.json), used to check requests and responses: which operation a
// method and path are, whether the path, query and body are what that operation allows, and
// whether a response is what it promises. Also makes the smallest valid example of a schema,
// so the stand-in can answer with complete objects.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

type Schema = Record<string, any>;
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  operationId: string;
  parameters: Schema[];
  body?: Schema;
  bodyRequired: boolean;
  responses: Record<string, Schema>;
}

const require = createRequire(import.meta.url);
const SPEC_FILE = join(dirname(require.resolve("@octokit/openapi/package.json")), "generated", "api.github.com.json");
let loaded: { spec: Schema; operations: Operation[]; ajv: Ajv } | undefined;

function load() {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(SPEC_FILE, "utf8")) as Schema;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Schema>)) {
    for (const method of ["get", "put", "post", "patch", "delete"]) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      const names: string[] = [];
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern,
        names,
        operationId: op.operationId,
        parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])],
        body: op.requestBody?.content?.["application/json"]?.schema,
        bodyRequired: op.requestBody?.required === true,
        responses: op.responses ?? {},
      });
    }
  }
  // Literal segments win over parameters (/repos/{o}/{r}/topics before /repos/{o}/{r}/{x}).
  operations.sort((a, b) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(spec, "github");
  loaded = { spec, operations, ajv };
  return loaded;
}

export function resolveRef(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  const { spec } = load();
  while (s?.$ref) s = (s.$ref as string).slice(2).split("/").reduce((node: Schema, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  return s;
}

const compiled = new Map<string, ValidateFunction>();
function validator(pointer: string): ValidateFunction {
  let v = compiled.get(pointer);
  if (!v) compiled.set(pointer, (v = load().ajv.compile({ $ref: `github#${pointer}` })));
  return v;
}
const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export interface CheckedRequest {
  operationId: string;
  template: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

/** The operation a request is, or the reasons the description does not allow it. */
export function checkRequest(method: string, url: URL, body: unknown): { ok: true; request: CheckedRequest } | { ok: false; problems: string[] } {
  const { operations } = load();
  const path = url.pathname;
  const op = operations.find((o) => o.method === method && o.pattern.test(path));
  if (!op) return { ok: false, problems: [`${method} ${path} is not an operation of GitHub's REST API`] };
  const values = op.pattern.exec(path)!.slice(1).map(decodeURIComponent);
  const params = Object.fromEntries(op.names.map((n, i) => [n, values[i]!]));
  const query = Object.fromEntries(url.searchParams);
  const problems: string[] = [];
  const declared = op.parameters.map((p) => resolveRef(p)!);
  for (const name of Object.keys(query)) if (!declared.some((p) => p.in === "query" && p.name === name)) problems.push(`query parameter ${name} is not declared by ${op.operationId}`);
  for (const p of declared) {
    const value = p.in === "path" ? params[p.name] : p.in === "query" ? query[p.name] : undefined;
    if (p.in !== "path" && p.in !== "query") continue;
    if (value === undefined) {
      if (p.required) problems.push(`${p.in} parameter ${p.name} is required by ${op.operationId}`);
      continue;
    }
    const schema = resolveRef(p.schema) ?? {};
    const typed = schema.type === "integer" || schema.type === "number" ? Number(value) : schema.type === "boolean" ? value === "true" : value;
    const v = load().ajv.compile(schema);
    if (!v(typed)) problems.push(`${p.in} parameter ${p.name}=${value}: ${load().ajv.errorsText(v.errors)}`);
  }
  if (op.body && (body !== undefined || op.bodyRequired)) {
    const pointer = `/paths/${escape(op.template)}/${op.method.toLowerCase()}/requestBody/content/application~1json/schema`;
    const v = validator(pointer);
    if (!v(body)) problems.push(`body of ${op.operationId}: ${load().ajv.errorsText(v.errors)}`);
  } else if (body !== undefined && body !== null && !(typeof body === "object" && Object.keys(body).length === 0)) {
    problems.push(`${op.operationId} takes no body`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, request: { operationId: op.operationId, template: op.template, params, query, body } };
}

/** Problems with a response the stand-in is about to send (it must be what the operation promises). */
export function checkResponse(operationId: string, status: number, body: unknown): string[] {
  const op = load().operations.find((o) => o.operationId === operationId)!;
  const response = resolveRef(op.responses[String(status)]);
  if (!response) return [`${operationId} does not answer ${status}`];
  const schema = response.content?.["application/json"]?.schema;
  if (!schema) return body === undefined ? [] : [`${operationId} ${status} has no JSON body`];
  const pointer = `/paths/${escape(op.template)}/${op.method.toLowerCase()}/responses/${status}`;
  const ref = op.responses[String(status)]!.$ref ? `${(op.responses[String(status)]!.$ref as string).slice(1)}/content/application~1json/schema` : `${pointer}/content/application~1json/schema`;
  const v = validator(ref);
  return v(body) ? [] : [`response ${operationId} ${status}: ${load().ajv.errorsText(v.errors)}`];
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
  const op = load().operations.find((o) => o.operationId === operationId)!;
  return resolveRef(resolveRef(op.responses[String(status)])?.content?.["application/json"]?.schema);
}
