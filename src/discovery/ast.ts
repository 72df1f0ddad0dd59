// The one parser fleet reads code with: oxc-parser, for JavaScript, TypeScript and JSX alike
// (.js .mjs .cjs .jsx .ts .mts .cts .tsx). It is a native parser that passes the TypeScript and
// Test262 conformance suites and returns an ESTree AST (TS-ESTree for TypeScript), so the walks
// below read JavaScript and TypeScript the same way; offsets are string indices, so an edit can
// replace exactly a node's characters.
import { parseSync, visitorKeys } from "oxc-parser";
import { UserError } from "../errors.js";

export type AnyNode = Record<string, any> & { type: string; start: number; end: number };

/** A module of the monorepo that does not parse: the user's to fix (exit 2), with its location. */
export class ModuleSyntaxError extends UserError {
  constructor(message: string) {
    super(message, { hint: "fix the syntax error in the monorepo (and commit it); fleet reads the committed code" });
    this.name = "ModuleSyntaxError";
  }
}

export const CODE_FILE = /\.(m?js|cjs|jsx|ts|mts|cts|tsx)$/;

function langOf(file: string): "js" | "jsx" | "ts" | "tsx" {
  if (/\.tsx$/.test(file)) return "tsx";
  if (/\.[cm]?ts$/.test(file)) return "ts";
  // plain .js files carry JSX often enough (React workers) that JSX is allowed in them
  return "jsx";
}

/** Parses a module; a syntax error is a ModuleSyntaxError naming `file:line:column`. */
export function parseModule(code: string, file: string): AnyNode {
  const result = parseSync(file, code, { lang: langOf(file), sourceType: "module" });
  const error = result.errors.find((e) => e.severity === "Error");
  if (error) {
    const at = error.labels[0]?.start;
    throw new ModuleSyntaxError(`${at === undefined ? file : `${file}:${position(code, at)}`}: ${error.message}`);
  }
  return result.program as unknown as AnyNode;
}

/** `line:column` (both from 1) of a string offset. */
export function position(code: string, offset: number): string {
  const before = code.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
}

export type Visitors = Partial<Record<string, (node: AnyNode, ancestors: readonly AnyNode[]) => void>>;

/** Visits every node under `root` (itself included), each with its ancestors, outermost first. */
export function walk(root: AnyNode, visitors: Visitors): void {
  const ancestors: AnyNode[] = [];
  const visit = (node: AnyNode) => {
    visitors[node.type]?.(node, ancestors);
    const keys = (visitorKeys as Record<string, readonly string[]>)[node.type] ?? [];
    ancestors.push(node);
    for (const key of keys) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof c.type === "string") visit(c);
      } else if (child && typeof child.type === "string") visit(child);
    }
    ancestors.pop();
  };
  visit(root);
}
