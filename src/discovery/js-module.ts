// What fleet needs to know about one module (JavaScript or TypeScript, read with a real parser):
// its imports (runtime and type-only), the names it reads from the worker's env and from
// process.env (env-reads.ts), and the https URLs it names.
import { parseModule, walk, type AnyNode } from "./ast.js";
import { envReadsOf } from "./env-reads.js";

export { ModuleSyntaxError, parseModule } from "./ast.js";

export interface ModuleFacts {
  /** Static import/export-from specifiers, and dynamic import() of a string literal, that run. */
  imports: string[];
  /** Specifiers imported only for their types (`import type`, every specifier `type`): not run, needed to typecheck. */
  typeImports: string[];
  /** Those of `imports` only ever imported with import(): code may guard them, and a bundler then lets a missing one go. */
  dynamicImports: string[];
  /** Names read from the worker's env: `env.NAME`, `x.env.NAME`, through casts, aliases, destructuring, brackets. */
  envReads: string[];
  /** env names used like an object (`env.CACHE.get(...)`): bindings, not plain strings. */
  envObjects: string[];
  /** Names read from `process.env` (the worker's env only where nodejs_compat populates it: analyze.ts). */
  processEnvReads: string[];
  /** Hostnames of absolute http(s) URLs in string and template literals. */
  urlHosts: string[];
  /** Names the module exports (declarations and export lists, not re-exports from elsewhere). */
  exports: string[];
}

/** An import or re-export that brings only types. */
function typeOnly(node: AnyNode): boolean {
  if (node.importKind === "type" || node.exportKind === "type") return true;
  const specifiers = (node.specifiers ?? []) as AnyNode[];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
}

export function moduleFacts(code: string, file: string): ModuleFacts {
  const ast = parseModule(code, file);
  const imports = new Set<string>();
  const typeImports = new Set<string>();
  const staticImports = new Set<string>();
  const urlHosts = new Set<string>();
  const exported = new Set<string>();
  for (const node of ast.body as AnyNode[]) {
    if (node.type !== "ExportNamedDeclaration" || node.source || node.exportKind === "type") continue;
    const decl = node.declaration;
    if (decl?.declare || (decl?.type ?? "").startsWith("TS")) continue;
    if (decl?.id?.name) exported.add(decl.id.name);
    if (decl?.type === "VariableDeclaration") for (const d of decl.declarations) if (d.id.type === "Identifier") exported.add(d.id.name);
    for (const spec of node.specifiers ?? []) if (spec.exportKind !== "type") exported.add(spec.exported.name ?? spec.exported.value);
  }
  const addUrls = (text: string) => {
    for (const match of text.matchAll(/https?:\/\/([a-z0-9.-]+\.[a-z]{2,})/gi)) urlHosts.add(match[1]!.toLowerCase());
  };
  const fromSource = (node: AnyNode) => {
    if (!node.source || typeof node.source.value !== "string") return;
    const specifier: string = node.source.value;
    if (typeOnly(node)) typeImports.add(specifier);
    else {
      imports.add(specifier);
      staticImports.add(specifier);
    }
  };

  walk(ast, {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression(node) {
      if (node.source.type === "Literal" && typeof node.source.value === "string") imports.add(node.source.value);
    },
    TSImportType(node) {
      // import("./types").Env in a type position
      const literal = node.source ?? node.argument?.literal ?? node.argument;
      if (typeof literal?.value === "string") typeImports.add(literal.value);
    },
    Literal(node) {
      if (typeof node.value === "string") addUrls(node.value);
    },
    TemplateElement(node) {
      addUrls(node.value.cooked ?? node.value.raw);
    },
  });
  for (const s of imports) typeImports.delete(s);
  const { envReads, envObjects, processEnvReads } = envReadsOf(ast);

  return {
    imports: [...imports].sort(),
    typeImports: [...typeImports].sort(),
    dynamicImports: [...imports].filter((s) => !staticImports.has(s)).sort(),
    envReads: [...envReads].sort(),
    envObjects: [...envObjects].sort(),
    processEnvReads: [...processEnvReads].sort(),
    urlHosts: [...urlHosts].sort(),
    exports: [...exported].sort(),
  };
}
