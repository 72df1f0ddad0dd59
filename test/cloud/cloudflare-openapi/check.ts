// Every request the Cloudflare stand-in receives, checked against Cloudflare's published OpenAPI
// description (a trimmed copy: SOURCE.md says where from and which revision). A request the
// description does not allow is refused by the stand-in and recorded, and the tests fail on it.
// A few endpoints wrangler calls are not in that revision of the description at all; they are
// listed here by name, each with why, and only those pass unchecked.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OpenApiDescription } from "../../helpers/openapi-description.ts";

const TRIMMED = join(dirname(fileURLToPath(import.meta.url)), "cloudflare-openapi.trimmed.json");

/** Endpoints in use that the description's revision does not describe: method, path pattern, why. */
export const UNDESCRIBED: { method: string; path: RegExp; why: string }[] = [
  { method: "PUT", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/routes$/, why: "wrangler deploy's bulk route update (a script's routes set at once), newer than the description" },
  { method: "GET", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/secrets$/, why: "wrangler secret list; the description's revision has no script secrets" },
  { method: "PATCH", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/secrets-bulk$/, why: "wrangler secret bulk, newer than the description" },
  { method: "GET", path: /^\/accounts\/[^/]+\/workers\/services\/[^/]+$/, why: "wrangler's lookup of an existing worker before deploy (services API)" },
  { method: "GET", path: /^\/accounts\/[^/]+\/workers\/workers\/[^/]+$/, why: "wrangler's read of a worker's settings (the newer Workers API)" },
  { method: "GET", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/subdomain$/, why: "wrangler reads whether workers.dev is on for the script" },
  { method: "POST", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/subdomain$/, why: "wrangler turns workers.dev on for the script (workers_dev: true)" },
  { method: "POST", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/domains\/changeset$/, why: "wrangler's custom-domain conflict check before it attaches them" },
  { method: "PUT", path: /^\/accounts\/[^/]+\/workers\/scripts\/[^/]+\/domains\/records$/, why: "wrangler attaching a config's custom domains (routes with custom_domain)" },
];

/** Query parameters wrangler sends that the description's revision does not declare: operationId → names, and why. */
export const UNDECLARED_QUERY: Record<string, { names: string[]; why: string }> = {
  "worker-script-upload-worker-module": { names: ["excludeScript", "bindings_inherit"], why: "wrangler deploy's upload options, newer than the description" },
  "worker-versions-upload-version": { names: ["bindings_inherit"], why: "wrangler deploy's upload option, newer than the description" },
  "queue-v2-list-queues": {
    names: ["name", "page"],
    why: "wrangler looks queues up by name (and pages the list); the description's revision declares no query",
  },
};

/** Upload part types wrangler sends that the description's revision does not list for the operation. */
export const UNDECLARED_PARTS: Record<string, { types: string[]; why: string }> = {
  "worker-versions-upload-version": { types: ["application/source-map"], why: "source maps (upload_source_maps) go up with versions too; the description lists them for script uploads only" },
};

/** Operations wrangler sends a JSON body to without a content type (fetch's default, text/plain): the body is still checked as JSON. */
export const UNTYPED_JSON: Record<string, string> = {
  "queue-v2-create-queue-consumer": "wrangler deploy attaches a queue consumer with a JSON body and no content-type header",
  "queue-v2-update-queue-consumer": "wrangler deploy updates a queue consumer the same way",
};

/** Operations whose body the description's revision marks required with no schema at all, which callers send none. */
export const BODY_NOT_NEEDED: Record<string, string> = {
  "queue-v2-delete-queue-consumer": "an empty, schemaless body marked required; wrangler's own `queues consumer remove` sends none, as fleet does",
};

/**
 * The description's `oneOf`s read as `anyOf`: its branches are not exclusive (a single-step Durable
 * Object migration `{ new_tag, new_classes }` also satisfies the stepped form, whose `steps` is
 * optional), so "exactly one" would refuse every valid value; "at least one" is what it means.
 */
function anyOfForOneOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(anyOfForOneOf);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key === "oneOf" ? "anyOf" : key, anyOfForOneOf(value)]));
}

let description: OpenApiDescription | undefined;
function load(): OpenApiDescription {
  const spec = anyOfForOneOf(JSON.parse(readFileSync(TRIMMED, "utf8"))) as Record<string, unknown>;
  return (description ??= new OpenApiDescription(spec, "Cloudflare's API (as its OpenAPI description has it)", "cloudflare"));
}

/** Why the description does not allow this request; empty when it does (or it is a listed undescribed endpoint). */
export async function cloudflareRequestProblems(method: string, path: string, query: URLSearchParams, contentType: string, raw: Buffer): Promise<string[]> {
  if (UNDESCRIBED.some((u) => u.method === method && u.path.test(path))) return [];
  let body: unknown;
  const media = contentType.split(";")[0]!.trim().toLowerCase();
  if (raw.length === 0) body = undefined;
  else if (media === "multipart/form-data") {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const parts: Record<string, { type: string; text: string }> = {};
    for (const [name, part] of form) parts[name] = typeof part === "string" ? { type: "text/plain", text: part } : { type: part.type, text: name === "metadata" ? await part.text() : "" };
    body = parts;
  } else {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return [`${method} ${path}: the body is not JSON (${media || "no content type"})`];
    }
  }
  const check = load().checkRequest(method, path, Object.fromEntries(query), body, media || "application/json");
  if (check.ok) return [];
  const problems = check.problems.filter((p) => {
    const undeclared = /^query parameter (\S+) is not declared by (\S+)$/.exec(p);
    if (undeclared && UNDECLARED_QUERY[undeclared[2]!]?.names.includes(undeclared[1]!)) return false;
    const bodyless = /^(\S+) requires a body$/.exec(p);
    if (bodyless && BODY_NOT_NEEDED[bodyless[1]!]) return false;
    const untyped = /^(\S+) takes application\/json, not text\/plain$/.exec(p);
    if (untyped && UNTYPED_JSON[untyped[1]!]) return false;
    const part = /^(\S+): part \S+ is (\S+), not one of/.exec(p);
    return !(part && UNDECLARED_PARTS[part[1]!]?.types.includes(part[2]!));
  });
  return problems.map((p) => `${method} ${path}: ${p}`);
}
