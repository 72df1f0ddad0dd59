// Service modules of the router layout: src/services/<id>.js (or src/handlers/<id>.js before
// their move), each exporting one handler built from its catalog entry.
import { domainOf, handlerName, serviceById, type LibKey, type ServiceSpec, type ServiceTriggers } from "./catalog.js";
import { DURABLE_OBJECT_CLASS, envRef, addNpmUses, NOT_FOUND, renderHandler, type HandlerSource } from "./handler.js";
import type { DocState } from "./model.js";
import { envBlock, libBlock, libPrologue, urlBlock } from "./snippets.js";

/** What a service file imports from each shared module. */
const IMPORTED: Record<LibKey, string> = {
  context: "withContext",
  headers: "corsHeaders",
  response: "error",
  crypto: "sha256Hex",
  auth: "requireAuth",
  logger: "log",
  validate: "requireFields",
  cache: "cached",
  "rate-limit": "rateLimit",
  ids: "newId",
  pagination: "pageParams",
  db: "query",
};

export const DANGLING_SPECIFIER = "../lib/legacy-metrics.js";

export function serviceSource(spec: ServiceSpec, libFile: (key: LibKey) => string): HandlerSource {
  const signature = spec.style === "fetch" ? "fetch" : spec.contextEnv ? "context-env" : "context";
  const e = envRef(signature);
  const imports = spec.libs.map((key) => `import { ${IMPORTED[key]} } from "../lib/${libFile(key)}";`);
  const prologue = spec.libs.flatMap((key) => libPrologue(key, e));
  const blocks = [
    ...spec.env.map((name) => envBlock(name, e)),
    ...spec.libs.map((key) => libBlock(key, e, spec.id)).filter((block) => block.length > 0),
    ...(spec.urls ?? []).map((id) => urlBlock(id, domainOf(serviceById(id)))),
  ];
  const preamble: string[] = [];
  let fallback = spec.libs.includes("response") ? `error(404, "not found")` : NOT_FOUND;
  fallback = addNpmUses(spec.npm, spec.id, { imports, preamble, blocks }, fallback);
  if (spec.dangling) {
    // An optional module that is not in the repository (as when a build step used to generate
    // it): imported dynamically and guarded, so the platform worker still builds — and so does
    // the extracted worker — while discovery reports the import as dangling.
    prologue.unshift(
      "try {",
      `  const { recordMetric } = await import("${DANGLING_SPECIFIER}");`,
      `  recordMetric("${spec.id}", url.pathname);`,
      "} catch {",
      "  // legacy metrics are optional",
      "}",
    );
  }
  return {
    id: spec.id,
    name: handlerName(spec.id),
    signature,
    imports,
    preamble,
    prologue,
    blocks,
    fallback,
    trailer: [...(spec.durableObject ? DURABLE_OBJECT_CLASS : []), ...(spec.triggers ? triggerFunctions(spec.triggers) : [])],
  };
}

/** The functions the platform's scheduled and queue handlers call: each run counted in PROJECTS. */
function triggerFunctions(triggers: ServiceTriggers): string[] {
  return [
    `// Run by the platform's scheduled handler on "${triggers.cron.schedule}".`,
    `export async function ${triggers.cron.run}(controller, env) {`,
    `  const runs = Number((await env.PROJECTS.get("cron-runs")) ?? 0) + 1;`,
    `  await env.PROJECTS.put("cron-runs", String(runs));`,
    "}",
    "",
    `// Run by the platform's queue handler for each batch of ${triggers.queue.name}.`,
    `export async function ${triggers.queue.run}(batch, env) {`,
    `  const seen = Number((await env.PROJECTS.get("queue-messages")) ?? 0) + batch.messages.length;`,
    `  await env.PROJECTS.put("queue-messages", String(seen));`,
    "  batch.ackAll();",
    "}",
  ];
}

export function renderService(spec: ServiceSpec, state: DocState, libFile: (key: LibKey) => string): string {
  return renderHandler(serviceSource(spec, libFile), state);
}
