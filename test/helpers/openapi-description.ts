// An OpenAPI 3 description as a request checker, for the stand-ins of GitHub and Cloudflare:
// which operation a method and path are, and whether the path, query and body are what that
// operation allows (JSON bodies against their schema; a multipart upload's parts against the
// content types it declares and its JSON `metadata` part against that part's schema).
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  operationId: string;
  parameters: Schema[];
  /** requestBody, its $ref resolved. */
  requestBody?: Schema;
  /** Where requestBody's content lives, as a JSON pointer (for compiling its schemas by reference). */
  requestBodyPointer?: string;
  responses: Record<string, Schema>;
}

export interface CheckedRequest {
  operationId: string;
  template: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export type RequestCheck = { ok: true; request: CheckedRequest } | { ok: false; problems: string[] };

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export class OpenApiDescription {
  readonly operations: Operation[] = [];
  readonly ajv: Ajv;
  readonly spec: Schema;
  readonly api: string;
  readonly id: string;
  private readonly compiled = new Map<string, ValidateFunction>();

  /**
   * `api` names it in messages ("GitHub's REST API"); `id` is its schema id for $refs. (Plain
   * fields, no parameter properties: the Cloudflare stand-in also runs under Node's type stripping.)
   */
  constructor(spec: Schema, api: string, id: string) {
    this.spec = spec;
    this.api = api;
    this.id = id;
    for (const [template, item] of Object.entries(spec.paths as Record<string, Schema>)) {
      for (const method of ["get", "put", "post", "patch", "delete"]) {
        const op = item[method] as Schema | undefined;
        if (!op) continue;
        const names: string[] = [];
        const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
        const bodyRef = op.requestBody?.$ref as string | undefined;
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern,
          names,
          operationId: op.operationId,
          parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])],
          ...(op.requestBody ? { requestBody: this.resolveRef(op.requestBody)!, requestBodyPointer: bodyRef ? bodyRef.slice(1) : `/paths/${escape(template)}/${method}/requestBody` } : {}),
          responses: op.responses ?? {},
        });
      }
    }
    // Literal segments win over parameters (/repos/{o}/{r}/topics before /repos/{o}/{r}/{x}).
    this.operations.sort((a, b) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length);
    nullableWithoutType(spec);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema(spec, id);
  }

  resolveRef(schema: Schema | undefined): Schema | undefined {
    let s = schema;
    while (s?.$ref) s = (s.$ref as string).slice(2).split("/").reduce((node: Schema, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], this.spec);
    return s;
  }

  /** The schema at a JSON pointer of the description, compiled once. */
  validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) this.compiled.set(pointer, (v = this.ajv.compile({ $ref: `${this.id}#${pointer}` })));
    return v;
  }

  operation(operationId: string): Operation {
    return this.operations.find((o) => o.operationId === operationId)!;
  }

  /**
   * The operation a request is, or the reasons the description does not allow it. `body` is the
   * parsed JSON body, or for a multipart upload its parts (name → content type and text).
   */
  checkRequest(method: string, path: string, query: Record<string, string>, body: unknown, contentType = "application/json"): RequestCheck {
    const op = this.operations.find((o) => o.method === method && o.pattern.test(path));
    if (!op) return { ok: false, problems: [`${method} ${path} is not an operation of ${this.api}`] };
    const values = op.pattern.exec(path)!.slice(1).map(decodeURIComponent);
    const params = Object.fromEntries(op.names.map((n, i) => [n, values[i]!]));
    const problems: string[] = [];
    const declared = op.parameters.map((p) => this.resolveRef(p)!);
    for (const name of Object.keys(query)) if (!declared.some((p) => p.in === "query" && p.name === name)) problems.push(`query parameter ${name} is not declared by ${op.operationId}`);
    for (const p of declared) {
      const value = p.in === "path" ? params[p.name] : p.in === "query" ? query[p.name] : undefined;
      if (p.in !== "path" && p.in !== "query") continue;
      if (value === undefined) {
        if (p.required) problems.push(`${p.in} parameter ${p.name} is required by ${op.operationId}`);
        continue;
      }
      const schema = this.resolveRef(p.schema) ?? {};
      const typed = schema.type === "integer" || schema.type === "number" ? Number(value) : schema.type === "boolean" ? value === "true" : value;
      const v = this.ajv.compile(schema);
      if (!v(typed)) problems.push(`${p.in} parameter ${p.name}=${value}: ${this.ajv.errorsText(v.errors)}`);
    }
    problems.push(...this.checkBody(op, body, contentType));
    return problems.length ? { ok: false, problems } : { ok: true, request: { operationId: op.operationId, template: op.template, params, query, body } };
  }

  private checkBody(op: Operation, body: unknown, contentType: string): string[] {
    const empty = body === undefined || body === null || (typeof body === "object" && Object.keys(body).length === 0);
    if (!op.requestBody) return empty ? [] : [`${op.operationId} takes no body`];
    if (empty && body === undefined) return op.requestBody.required ? [`${op.operationId} requires a body`] : [];
    const media = contentType.split(";")[0]!.trim().toLowerCase();
    const content = op.requestBody.content as Record<string, Schema>;
    if (!content[media]) return [`${op.operationId} takes ${Object.keys(content).join(" or ")}, not ${media}`];
    const pointer = `${op.requestBodyPointer}/content/${escape(media)}/schema`;
    if (media !== "multipart/form-data") {
      const v = this.validator(pointer);
      return v(body) ? [] : [`body of ${op.operationId}: ${this.ajv.errorsText(v.errors)}`];
    }
    // multipart: each part's content type among the ones declared, the metadata part its schema
    const parts = body as Record<string, { type: string; text: string }>;
    const problems: string[] = [];
    const schema = this.resolveRef(content[media]!.schema)!;
    const alternatives = schema.oneOf ? "oneOf" : schema.anyOf ? "anyOf" : undefined;
    const branches: Schema[] = alternatives ? schema[alternatives] : [schema];
    const branch = branches.findIndex((b) => this.resolveRef(b)?.properties?.metadata);
    if (branch >= 0 && parts.metadata) {
      const v = this.validator(`${pointer}${alternatives ? `/${alternatives}/${branch}` : ""}/properties/metadata`);
      let metadata: unknown;
      try {
        metadata = JSON.parse(parts.metadata.text);
      } catch {
        problems.push(`${op.operationId}: the metadata part is not JSON`);
      }
      if (metadata !== undefined && !v(metadata)) problems.push(`metadata of ${op.operationId}: ${this.ajv.errorsText(v.errors)}`);
    }
    const allowed = String(content[media]!.encoding?.["<any part name>"]?.contentType ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    for (const [name, part] of Object.entries(parts)) {
      if (name === "metadata" || allowed.length === 0) continue;
      if (!allowed.includes(part.type.split(";")[0]!.trim())) problems.push(`${op.operationId}: part ${name} is ${part.type}, not one of ${allowed.join(", ")}`);
    }
    return problems;
  }

  /** Problems with a response (it must be what the operation promises). */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const op = this.operation(operationId);
    const response = this.resolveRef(op.responses[String(status)]);
    if (!response) return [`${operationId} does not answer ${status}`];
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return body === undefined ? [] : [`${operationId} ${status} has no JSON body`];
    const pointer = `/paths/${escape(op.template)}/${op.method.toLowerCase()}/responses/${status}`;
    const ref = op.responses[String(status)]!.$ref ? `${(op.responses[String(status)]!.$ref as string).slice(1)}/content/application~1json/schema` : `${pointer}/content/application~1json/schema`;
    const v = this.validator(ref);
    return v(body) ? [] : [`response ${operationId} ${status}: ${this.ajv.errorsText(v.errors)}`];
  }
}

/**
 * OpenAPI 3.0's `nullable` beside `anyOf`/`oneOf`/`allOf` and no `type` (GitHub's rulesets'
 * conditions, for one): Ajv takes `nullable` only with a `type`, so such a schema becomes
 * "the same, or null" — the null branch last, so the first branch stays the example's.
 */
function nullableWithoutType(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  for (const child of Object.values(node)) nullableWithoutType(child);
  const schema = node as Schema;
  if (Array.isArray(schema) || schema.nullable !== true || schema.type !== undefined) return;
  const { nullable: _, description, ...rest } = schema;
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, description === undefined ? {} : { description }, { anyOf: [rest, { type: "null" }] });
}
