// Which names a module reads from the worker's env, and which from the process's environment.
// The worker's env is `env` (a handler's parameter, or `env` from "cloudflare:workers"), any
// `x.env` (`this.env`, Hono's `c.env`), through casts and parentheses (`(this.env as unknown as
// Env).QUEUE`, `env!.X`, `<Env>env`), aliases (`const e = env; e.X`, scoped to the function that
// declares them), destructuring (`const { X } = env`, `({ env: { X } }) =>`, a default-exported
// handler's `fetch(request, { X })`) and brackets (`env["X"]`). `process.env` (and `env` imported
// from "node:process") is the process's: analyze.ts decides whether it is the worker's too.
// `import.meta.env` is the bundler's, neither.
import { walk, type AnyNode } from "./ast.js";

export interface EnvReads {
  /** Names read from the worker's env. */
  envReads: Set<string>;
  /** Worker env names used like an object (`env.CACHE.get(...)`): bindings, not plain strings. */
  envObjects: Set<string>;
  /** Names read from `process.env`. */
  processEnvReads: Set<string>;
}

type Source = "worker" | "process";

const STRING_MEMBERS = new Set(Object.getOwnPropertyNames(String.prototype));
const WRAPPERS = new Set(["TSAsExpression", "TSSatisfiesExpression", "TSNonNullExpression", "TSTypeAssertion", "ParenthesizedExpression"]);
const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const HANDLERS = new Set(["fetch", "scheduled", "queue", "email", "tail", "trace"]);
const GLOBALS = new Set(["globalThis", "global", "self"]);

/** The expression inside casts and parentheses. */
export function unwrap(node: AnyNode): AnyNode {
  while (WRAPPERS.has(node.type)) node = node.expression;
  return node;
}

/** `process`, or `globalThis.process`. */
function isProcess(node: AnyNode): boolean {
  const n = unwrap(node);
  if (n.type === "Identifier") return n.name === "process";
  return n.type === "MemberExpression" && !n.computed && n.property.name === "process" && n.object.type === "Identifier" && GLOBALS.has(n.object.name);
}

/** The name a member or a destructured property reads: `x.NAME`, `x["NAME"]`, `{ NAME }`. */
function keyName(key: AnyNode, computed: boolean): string | undefined {
  if (!computed && key.type === "Identifier") return key.name;
  if (key.type === "Literal" && typeof key.value === "string") return key.value;
  if (computed && key.type === "TemplateLiteral" && key.expressions.length === 0) return key.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The identifiers a parameter or pattern declares. */
function declared(pattern: AnyNode | null | undefined, out: Set<string> = new Set()): Set<string> {
  if (!pattern) return out;
  if (pattern.type === "Identifier") out.add(pattern.name);
  else if (pattern.type === "ObjectPattern") for (const p of pattern.properties) declared(p.type === "RestElement" ? p.argument : p.value, out);
  else if (pattern.type === "ArrayPattern") for (const e of pattern.elements) declared(e, out);
  else if (pattern.type === "RestElement") declared(pattern.argument, out);
  else if (pattern.type === "AssignmentPattern") declared(pattern.left, out);
  else if (pattern.type === "TSParameterProperty") declared(pattern.parameter, out);
  return out;
}

export function envReadsOf(ast: AnyNode): EnvReads {
  // scope (a function, or the module) → name → what it stands for (null: something else, which
  // hides an alias of the same name in an outer scope — `env` excepted, the worker's by convention)
  const aliases = new Map<AnyNode, Map<string, Source | null>>();
  const alias = (scope: AnyNode, name: string, source: Source | undefined) => {
    const names = aliases.get(scope) ?? new Map<string, Source | null>();
    names.set(name, source ?? (name === "env" ? "worker" : null));
    aliases.set(scope, names);
  };
  const scopeOf = (ancestors: readonly AnyNode[]) => [...ancestors].reverse().find((a) => FUNCTIONS.has(a.type)) ?? ast;

  /** What `name` stands for where it is used: the nearest alias or parameter declaring it wins. */
  const identifier = (name: string, ancestors: readonly AnyNode[]): Source | undefined => {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const scope = ancestors[i]!;
      const names = aliases.get(scope);
      if (names?.has(name)) return names.get(name) ?? undefined;
      const params = FUNCTIONS.has(scope.type) ? scope.params : scope.type === "CatchClause" ? [scope.param] : [];
      if (params.some((p: AnyNode) => declared(p).has(name))) return name === "env" ? "worker" : undefined;
    }
    return name === "env" ? "worker" : undefined;
  };
  /** Whether `node` is an env object, and whose. */
  const sourceOf = (node: AnyNode, ancestors: readonly AnyNode[]): Source | undefined => {
    const n = unwrap(node);
    if (n.type === "Identifier") return identifier(n.name, ancestors);
    if (n.type !== "MemberExpression" || n.computed || n.property.name !== "env") return undefined;
    if (isProcess(n.object)) return "process";
    return n.object.type === "MetaProperty" ? undefined : "worker";
  };

  for (const node of ast.body as AnyNode[]) {
    if (node.type !== "ImportDeclaration" || node.importKind === "type") continue;
    const from = node.source.value;
    const source: Source | undefined = from === "cloudflare:workers" ? "worker" : from === "node:process" || from === "process" ? "process" : undefined;
    if (!source) continue;
    for (const spec of node.specifiers)
      if (spec.type === "ImportSpecifier" && (spec.imported.name ?? spec.imported.value) === "env") alias(ast, spec.local.name, source);
  }
  // aliases first (`const e = env`, `const { env: e } = c`), then again for aliases of aliases
  for (let pass = 0; pass < 2; pass++) {
    walk(ast, {
      VariableDeclarator(node, ancestors) {
        if (!node.init) return;
        if (node.id.type === "Identifier") alias(scopeOf(ancestors), node.id.name, sourceOf(node.init, ancestors));
        else if (node.id.type === "ObjectPattern" && !sourceOf(node.init, ancestors)) {
          const source = isProcess(node.init) ? "process" : "worker";
          for (const p of node.id.properties)
            if (p.type === "Property" && keyName(p.key, p.computed) === "env" && p.value.type === "Identifier") alias(scopeOf(ancestors), p.value.name, source);
        }
      },
    });
  }

  const reads: EnvReads = { envReads: new Set(), envObjects: new Set(), processEnvReads: new Set() };
  const read = (source: Source, name: string) => (source === "worker" ? reads.envReads : reads.processEnvReads).add(name);
  const readPattern = (source: Source, pattern: AnyNode) => {
    for (const p of pattern.properties) {
      const name = p.type === "Property" ? keyName(p.key, p.computed) : undefined;
      if (name) read(source, name);
    }
  };
  /** `{ env: { X } }` in a pattern: X read from the worker's env (the process's when destructuring `process`). */
  const readNested = (source: Source, pattern: AnyNode) => {
    for (const p of pattern.properties) {
      if (p.type !== "Property" || keyName(p.key, p.computed) !== "env") continue;
      const value = p.value.type === "AssignmentPattern" ? p.value.left : p.value;
      if (value.type === "ObjectPattern") readPattern(source, value);
    }
  };
  walk(ast, {
    MemberExpression(node, ancestors) {
      const source = sourceOf(node.object, ancestors);
      const name = source ? keyName(node.property, node.computed) : undefined;
      if (source && name) read(source, name);
      // env.X.get(...) or env.X.prepare: X is used as an object, so it is a binding. What strings
      // have too (env.TOKEN.length, env.KEY.trim()) says nothing either way.
      const inner = unwrap(node.object);
      const member = node.computed ? undefined : node.property.name;
      if (inner.type === "MemberExpression" && member && !STRING_MEMBERS.has(member) && sourceOf(inner.object, ancestors) === "worker") {
        const object = keyName(inner.property, inner.computed);
        if (object) reads.envObjects.add(object);
      }
    },
    VariableDeclarator(node, ancestors) {
      if (node.id.type !== "ObjectPattern" || !node.init) return;
      const source = sourceOf(node.init, ancestors);
      if (source) readPattern(source, node.id);
      else readNested(isProcess(node.init) ? "process" : "worker", node.id);
    },
    ...Object.fromEntries(
      [...FUNCTIONS].map((type) => [
        type,
        (node: AnyNode, ancestors: readonly AnyNode[]) => {
          for (const param of node.params as AnyNode[]) if (param.type === "ObjectPattern") readNested("worker", param);
          // export default { fetch(request, { DB, KV }) { … } }: the handler's env, destructured
          const env = node.params[1];
          if (env?.type === "ObjectPattern" && isDefaultHandler(ancestors)) readPattern("worker", env);
        },
      ]),
    ),
  });
  return reads;
}

/** Whether the function is a handler method of the module's default-exported object (`satisfies ExportedHandler` or not). */
function isDefaultHandler(ancestors: readonly AnyNode[]): boolean {
  let i = ancestors.length - 1;
  const property = ancestors[i];
  if (property?.type !== "Property" || !HANDLERS.has(keyName(property.key, property.computed) ?? "")) return false;
  if (ancestors[--i]?.type !== "ObjectExpression") return false;
  while (i > 0 && WRAPPERS.has(ancestors[i - 1]!.type)) i--;
  return ancestors[i - 1]?.type === "ExportDefaultDeclaration";
}
