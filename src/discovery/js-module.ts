// What fleet needs to know about one module (JavaScript or TypeScript, read with a real parser):
// its imports (runtime and type-only), the `env.NAME` it reads, and the https URLs it names.
import { parseModule, walk, type AnyNode } from "./ast.js";

export { ModuleSyntaxError, parseModule } from "./ast.js";

export interface ModuleFacts {
  /** Static import/export-from specifiers, and dynamic import() of a string literal, that run. */
  imports: string[];
  /** Specifiers imported only for their types (`import type`, every specifier `type`): not run, needed to typecheck. */
  typeImports: string[];
  /** NAME of every `env.NAME` / `x.env.NAME` read, and names destructured from env. */
  envReads: string[];
  /** env names used like an object (`env.CACHE.get(...)`): bindings, not plain strings. */
  envObjects: string[];
  /** Hostnames of absolute http(s) URLs in string and template literals. */
  urlHosts: string[];
  /** Names the module exports (declarations and export lists, not re-exports from elsewhere). */
  exports: string[];
}

const STRING_MEMBERS = new Set(Object.getOwnPropertyNames(String.prototype));

/** True when `node` is the env object: `env` or something ending in `.env`. */
function isEnv(node: AnyNode): boolean {
  if (node.type === "Identifier") return node.name === "env";
  return node.type === "MemberExpression" && !node.computed && node.property.type === "Identifier" && node.property.name === "env";
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
  const envReads = new Set<string>();
  const envObjects = new Set<string>();
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
    (typeOnly(node) ? typeImports : imports).add(node.source.value);
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
    MemberExpression(node) {
      if (isEnv(node.object)) {
        const name = node.computed
          ? node.property.type === "Literal" && typeof node.property.value === "string"
            ? node.property.value
            : undefined
          : node.property.name;
        if (name) envReads.add(name);
      }
      // env.X.get(...) or env.X.prepare: X is used as an object, so it is a binding. What strings
      // have too (env.TOKEN.length, env.KEY.trim()) says nothing either way.
      const inner = node.object;
      const member = node.computed ? undefined : node.property.name;
      if (inner.type === "MemberExpression" && isEnv(inner.object) && !inner.computed && member && !STRING_MEMBERS.has(member)) {
        envObjects.add(inner.property.name);
      }
    },
    VariableDeclarator(node) {
      // const { KV, DB } = env;
      if (node.id.type === "ObjectPattern" && node.init && isEnv(node.init)) {
        for (const prop of node.id.properties) {
          if (prop.type === "Property" && !prop.computed && prop.key.type === "Identifier") envReads.add(prop.key.name);
        }
      }
    },
    Literal(node) {
      if (typeof node.value === "string") addUrls(node.value);
    },
    TemplateElement(node) {
      addUrls(node.value.cooked ?? node.value.raw);
    },
  });
  for (const s of imports) typeImports.delete(s);

  return {
    imports: [...imports].sort(),
    typeImports: [...typeImports].sort(),
    envReads: [...envReads].sort(),
    envObjects: [...envObjects].sort(),
    urlHosts: [...urlHosts].sort(),
    exports: [...exported].sort(),
  };
}
