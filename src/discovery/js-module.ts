// What fleet needs to know about one JavaScript module, read with a real parser (acorn):
// its static imports, the `env.NAME` it reads, and the https URLs it names.
import { UserError } from "../errors.js";
import { parse, type Node } from "acorn";
import { simple } from "acorn-walk";

export interface ModuleFacts {
  /** Static import/export-from specifiers, and dynamic import() of a string literal. */
  imports: string[];
  /** NAME of every `env.NAME` / `x.env.NAME` read, and names destructured from env. */
  envReads: string[];
  /** env names used like an object (`env.CACHE.get(...)`): bindings, not plain strings. */
  envObjects: string[];
  /** Hostnames of absolute http(s) URLs in string and template literals. */
  urlHosts: string[];
  /** Names the module exports (declarations and export lists, not re-exports from elsewhere). */
  exports: string[];
}

/** Thrown when a module is not valid JavaScript; carries acorn's line and column. */
/** A module of the monorepo that does not parse: the user's to fix (exit 2), with its location. */
export class ModuleSyntaxError extends UserError {
  constructor(message: string) {
    super(message, { hint: "fix the syntax error in the monorepo (and commit it); fleet reads the committed code" });
    this.name = "ModuleSyntaxError";
  }
}

type AnyNode = Node & Record<string, any>;

const STRING_MEMBERS = new Set(Object.getOwnPropertyNames(String.prototype));

export function parseModule(code: string, file: string): AnyNode {
  try {
    return parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true, locations: true }) as AnyNode;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const where = loc ? `${file}:${loc.line}:${loc.column + 1}` : file;
    throw new ModuleSyntaxError(`${where}: ${(error as Error).message.replace(/ \(\d+:\d+\)$/, "")}`);
  }
}

/** True when `node` is the env object: `env` or something ending in `.env`. */
function isEnv(node: AnyNode): boolean {
  if (node.type === "Identifier") return node.name === "env";
  return node.type === "MemberExpression" && !node.computed && node.property.type === "Identifier" && node.property.name === "env";
}

export function moduleFacts(code: string, file: string): ModuleFacts {
  const ast = parseModule(code, file);
  const imports = new Set<string>();
  const envReads = new Set<string>();
  const envObjects = new Set<string>();
  const urlHosts = new Set<string>();
  const exported = new Set<string>();
  for (const node of (ast.body as AnyNode[])) {
    if (node.type !== "ExportNamedDeclaration" || node.source) continue;
    const decl = node.declaration;
    if (decl?.id?.name) exported.add(decl.id.name);
    if (decl?.type === "VariableDeclaration") for (const d of decl.declarations) if (d.id.type === "Identifier") exported.add(d.id.name);
    for (const spec of node.specifiers ?? []) exported.add(spec.exported.name ?? spec.exported.value);
  }
  const addUrls = (text: string) => {
    for (const match of text.matchAll(/https?:\/\/([a-z0-9.-]+\.[a-z]{2,})/gi)) urlHosts.add(match[1]!.toLowerCase());
  };
  const fromSource = (node: AnyNode) => {
    if (node.source && typeof node.source.value === "string") imports.add(node.source.value);
  };

  simple(ast, {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression(node: AnyNode) {
      if (node.source.type === "Literal" && typeof node.source.value === "string") imports.add(node.source.value);
    },
    MemberExpression(node: AnyNode) {
      if (!isEnv(node.object)) return;
      const name = node.computed
        ? node.property.type === "Literal" && typeof node.property.value === "string" ? node.property.value : undefined
        : node.property.name;
      if (name) envReads.add(name);
    },
    VariableDeclarator(node: AnyNode) {
      // const { KV, DB } = env;
      if (node.id.type === "ObjectPattern" && node.init && isEnv(node.init)) {
        for (const prop of node.id.properties) {
          if (prop.type === "Property" && !prop.computed && prop.key.type === "Identifier") envReads.add(prop.key.name);
        }
      }
    },
    Literal(node: AnyNode) {
      if (typeof node.value === "string") addUrls(node.value);
    },
    TemplateElement(node: AnyNode) {
      addUrls(node.value.cooked ?? node.value.raw);
    },
  } as never);

  // env.X.get(...) or env.X.prepare: X is used as an object, so it is a binding. What strings
  // have too (env.TOKEN.length, env.KEY.trim()) says nothing either way.
  simple(ast, {
    MemberExpression(node: AnyNode) {
      const inner = node.object;
      const member = node.computed ? undefined : node.property.name;
      if (inner.type === "MemberExpression" && isEnv(inner.object) && !inner.computed && member && !STRING_MEMBERS.has(member)) {
        envObjects.add(inner.property.name);
      }
    },
  } as never);

  return {
    imports: [...imports].sort(),
    envReads: [...envReads].sort(),
    envObjects: [...envObjects].sort(),
    urlHosts: [...urlHosts].sort(),
    exports: [...exported].sort(),
  };
}
