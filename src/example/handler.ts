// Assembles a Worker handler module from route blocks. Both layouts use it: the router
// layout exports a named handler, the directories layout a default `{ fetch }` object.
import type { DocState } from "./model.js";
import { indent, type Block } from "./snippets.js";

export type Signature = "fetch" | "context" | "context-env" | "default-export";

export interface HandlerSource {
  id: string;
  /** Exported function name (ignored for "default-export"). */
  name: string;
  signature: Signature;
  imports: string[];
  /** Module-level statements after the constants. */
  preamble: string[];
  /** Statements right after the health check. */
  prologue: Block;
  blocks: Block[];
  /** The final return statement's expression. */
  fallback: string;
  /** Module-level code after the handler. */
  trailer: string[];
}

/** How handler code reaches the env object. */
export function envRef(signature: Signature): string {
  return signature === "context-env" ? "context.env" : "env";
}

export const NOT_FOUND = `Response.json({ error: "not found" }, { status: 404 })`;

export function renderHandler(src: HandlerSource, state: DocState): string {
  const body = [
    `if (request.method === "GET" && url.pathname === "/health") {`,
    `  return Response.json({ status: "ok", service: "${src.id}", version: "1.0.0" });`,
    `}`,
    ...src.prologue,
    ...src.blocks.flat(),
  ];
  if (state.flag) {
    body.push(`if (url.pathname === "/version") {`, `  return Response.json({ service: "${src.id}", revision: ${state.rev} });`, `}`);
  }
  body.push(`return ${src.fallback};`);

  const out = [`// revision ${state.rev}`];
  if (src.imports.length > 0) out.push(...src.imports, "");
  else out.push("");
  out.push(`const PAGE_SIZE = ${state.knob};`, ...src.preamble, "");
  switch (src.signature) {
    case "default-export":
      out.push("export default {", "  async fetch(request, env, ctx) {", "    const url = new URL(request.url);");
      out.push(...indent(body, 2), "  },", "};");
      break;
    case "fetch":
      out.push(`export async function ${src.name}(request, env, ctx) {`, "  const url = new URL(request.url);");
      out.push(...indent(body), "}");
      break;
    default:
      out.push(`export async function ${src.name}(context) {`);
      out.push(src.signature === "context" ? "  const { request, env, url } = context;" : "  const { request, url } = context;");
      out.push(...indent(body), "}");
  }
  if (src.trailer.length > 0) out.push("", ...src.trailer);
  return out.join("\n") + "\n";
}

export const PAGE_SIZES = [20, 25, 50, 100] as const;

export const DURABLE_OBJECT_CLASS = [
  "export class SyncCoordinator {",
  "  constructor(state) {",
  "    this.state = state;",
  "  }",
  "",
  "  async fetch(request) {",
  `    const seen = ((await this.state.storage.get("seen")) ?? 0) + 1;`,
  `    await this.state.storage.put("seen", seen);`,
  "    return Response.json({ seen, method: request.method });",
  "  }",
  "}",
];

export function honoPreamble(id: string): string[] {
  return ["", "const app = new Hono();", `app.get("/api/catalog", (c) => c.json({ service: "${id}", items: [] }));`];
}

export const NANOID_BLOCK: Block = [`if (url.pathname === "/api/nonce") {`, `  return Response.json({ nonce: nanoid() });`, `}`];

/**
 * Adds what a service's npm dependencies bring (imports, the Hono app, the nonce route) and
 * returns the handler's fallback: the Hono app when there is one, else `fallback`.
 */
export function addNpmUses(
  npm: readonly string[] | undefined,
  id: string,
  parts: { imports: string[]; preamble: string[]; blocks: Block[] },
  fallback: string,
): string {
  let result = fallback;
  if (npm?.includes("hono")) {
    parts.imports.unshift(`import { Hono } from "hono";`);
    parts.preamble.push(...honoPreamble(id));
    result = "app.fetch(request, env, ctx)";
  }
  if (npm?.includes("nanoid")) {
    parts.imports.unshift(`import { nanoid } from "nanoid";`);
    parts.blocks.push(NANOID_BLOCK);
  }
  return result;
}
