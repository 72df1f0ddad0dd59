// Does a worker's code answer a health path? Read from its runtime modules: a string literal
// "/health" (compared with the pathname, or a framework route such as app.get("/health")).
// A worker that never mentions it gets a probe that asks "/" and counts any answer below 500,
// so its deploys and its new repository's test do not fail on a route it never had.
import { ANSWERS, type HealthProbe } from "../health/probe.js";
import { parseModule, walk } from "./ast.js";
import type { SourceTree } from "./source-tree.js";

const HEALTH_LITERAL = /(["'`])\/health\1/;

export async function routesHealth(tree: SourceTree, runtimeFiles: readonly string[]): Promise<boolean> {
  for (const file of runtimeFiles) {
    const code = await tree.read(file);
    if (code !== undefined && HEALTH_LITERAL.test(code)) return true;
  }
  return false;
}

/** The manifest's `health` for a worker whose own code answers its requests (none when it routes /health). */
export async function discoveredHealth(tree: SourceTree, runtimeFiles: readonly string[]): Promise<HealthProbe | undefined> {
  return (await routesHealth(tree, runtimeFiles)) ? undefined : { ...ANSWERS, statuses: [...ANSWERS.statuses] };
}

/**
 * A router handler's own code: the text of the exported function in its module (one module
 * often serves several handlers, and another one routing /health says nothing of this one); the
 * whole module when the export is not a function defined there.
 */
export async function handlerHealth(tree: SourceTree, file: string, exportName: string): Promise<HealthProbe | undefined> {
  const code = await tree.read(file);
  if (code === undefined) return undefined;
  let text = code;
  try {
    walk(parseModule(code, file) as never, {
      FunctionDeclaration(node) {
        if (node.id?.name === exportName) text = code.slice(node.start, node.end);
      },
      VariableDeclarator(node) {
        if (node.id.type === "Identifier" && node.id.name === exportName) text = code.slice(node.start, node.end);
      },
    });
  } catch {
    // unparsable modules are reported by the analysis; the whole text decides here
  }
  return HEALTH_LITERAL.test(text) ? undefined : { ...ANSWERS, statuses: [...ANSWERS.statuses] };
}
