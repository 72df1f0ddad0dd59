// Reads the platform router: the object literal that maps hostnames to handlers, and where each
// handler comes from. Parsed with a real parser, so formatting and comments do not matter.
import { UserError } from "../errors.js";
import { parseModule, walk } from "./ast.js";
import { unwrap } from "./env-reads.js";
import { packageName, resolveRelative } from "./closure.js";
import { carriedContextPath, sliceContext } from "./router-context.js";
import type { SourceTree } from "./source-tree.js";

/** A context wrapper the router defines itself, carried into each worker it wraps. */
export interface CarriedWrapper {
  /** Where the worker gets it (beside the router's path). */
  path: string;
  /** The router's declarations carried (the wrapper and what it uses). */
  names: string[];
  /** The module's text. */
  code: string;
  /** Modules of the repository it imports (they travel with the worker). */
  modules: string[];
  /** npm packages it imports. */
  packages: string[];
}

export type RouterEntry =
  | {
      kind: "handler";
      hostname: string;
      style: "fetch" | "context";
      handler: string;
      file: string;
      export: string;
      wrapper?: string;
      wrapperFile?: string;
      carried?: CarriedWrapper;
    }
  | { kind: "binding"; hostname: string; binding: string }
  | { kind: "skipped"; hostname: string; reason: string };

/** `if (pathname.startsWith("/pass")) serviceHandler = wrapHandler(handleChittyPass)`: a service on every hostname. */
export interface PathRoute {
  prefix: string;
  /** The handler it leads to (kind "handler"), or why it is not a service module's. */
  entry: RouterEntry;
  /** Offsets of the handler expression in the router, for the cutover's edit. */
  start: number;
  end: number;
}

export interface RouterMap {
  file: string;
  entries: RouterEntry[];
  /** Routes by path prefix, taken before the hostname map. */
  paths: PathRoute[];
  /** Problems worth telling the user (an import that does not resolve, a local wrapper). */
  warnings: string[];
}

type AnyNode = Record<string, any>;
// a hostname, or a wildcard key (`*.sites.example.test`) serving every hostname under it
const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export async function readRouter(tree: SourceTree, file: string): Promise<RouterMap> {
  const code = await tree.read(file);
  if (code === undefined) {
    // the manifest names it, but the commit fleet reads does not have it: the user's to fix
    throw new UserError(`the router ${file} (monorepo.router in fleet.jsonc) is not in the committed tree fleet reads`, {
      hint: "commit it on the monorepo's branch, or set monorepo.router to the router's path",
    });
  }
  const ast = parseModule(code, file) as AnyNode;
  const warnings = new Set<string>();

  // local name → where it is imported from
  const imports = new Map<string, { source: string; imported: string }>();
  const locals = new Set<string>();
  for (const node of ast.body as AnyNode[]) {
    if (node.type === "ImportDeclaration") {
      for (const spec of node.specifiers) {
        const imported = spec.type === "ImportSpecifier" ? (spec.imported.name ?? spec.imported.value) : "default";
        imports.set(spec.local.name, { source: node.source.value, imported });
      }
    }
  }
  walk(ast as never, {
    FunctionDeclaration(node) {
      if (node.id) locals.add(node.id.name);
    },
    VariableDeclarator(node) {
      if (node.id.type === "Identifier") locals.add(node.id.name);
    },
  });

  const map = findHostnameMap(ast);
  if (!map) return { file, entries: [], paths: [], warnings: [`${file}: found no object literal whose keys are hostnames`] };

  const resolveImport = async (local: string) => {
    const found = imports.get(local);
    if (!found) return undefined;
    if (!found.source.startsWith(".")) return { file: undefined, imported: found.imported, source: found.source };
    const target = resolveRelative(tree, file, found.source);
    if (!target) {
      warnings.add(`${file} imports ${found.source}, which does not exist`);
      return { file: undefined, imported: found.imported, source: found.source };
    }
    // `export { handleSync } from "./sync.js"`: the handler is sync.js's
    return { ...(await definingModule(tree, target, found.imported)), source: found.source };
  };

  // A wrapper the router defines inline is carried: its code, what it uses, the modules it imports.
  const carriedWrappers = new Map<string, CarriedWrapper | undefined>();
  const carry = (wrapper: string): CarriedWrapper | undefined => {
    if (carriedWrappers.has(wrapper)) return carriedWrappers.get(wrapper);
    const result = sliceContext(code, file, wrapper);
    let carried: CarriedWrapper | undefined;
    let reason = result.ok ? undefined : result.reason;
    if (result.ok) {
      const relative = result.slice.sources.filter((s) => s.startsWith("."));
      const modules = relative.map((s) => resolveRelative(tree, file, s));
      const missing = relative.filter((_, i) => !modules[i]);
      if (missing.length) reason = `it imports ${missing.join(", ")}, which ${missing.length > 1 ? "do" : "does"} not exist`;
      else {
        const packages = result.slice.sources
          .filter((s) => !s.startsWith("."))
          .map((s) => packageName(s))
          .filter((p): p is string => Boolean(p));
        carried = {
          path: carriedContextPath(file),
          names: result.slice.names,
          code: result.slice.code,
          modules: modules as string[],
          packages: [...new Set(packages)],
        };
      }
    }
    if (reason) {
      const instead = "they call their handler with { request, env, ctx } instead";
      warnings.add(`${file}: the context wrapper ${wrapper} cannot be carried into the workers it wraps (${reason}); ${instead}`);
    }
    carriedWrappers.set(wrapper, carried);
    return carried;
  };

  const entries: RouterEntry[] = [];
  for (const prop of map.properties as AnyNode[]) {
    const hostname = keyOf(prop)?.toLowerCase();
    if (!hostname || !HOSTNAME.test(hostname)) continue;
    const value = prop.value as AnyNode;
    entries.push(await classify(hostname, value));
  }
  const paths: PathRoute[] = [];
  for (const route of findPathRoutes(ast))
    paths.push({ prefix: route.prefix, entry: await classify(route.prefix, route.value), start: route.start, end: route.end });
  return { file, entries, paths, warnings: [...warnings] };

  async function classify(hostname: string, value: AnyNode): Promise<RouterEntry> {
    if (value.type === "Identifier") {
      const origin = await resolveImport(value.name);
      if (origin?.file) return { kind: "handler", hostname, style: "fetch", handler: value.name, file: origin.file, export: origin.imported };
      if (locals.has(value.name)) return { kind: "skipped", hostname, reason: `${value.name} is defined in the router itself, not in a service module` };
      return {
        kind: "skipped",
        hostname,
        reason: origin ? `${value.name} comes from ${origin.source}, which is not a file of this repository` : `${value.name} is not imported`,
      };
    }
    if (value.type === "CallExpression" && value.callee.type === "Identifier" && value.arguments[0]?.type === "Identifier") {
      const wrapper = value.callee.name as string;
      const inner = value.arguments[0].name as string;
      const origin = await resolveImport(inner);
      if (!origin?.file) return { kind: "skipped", hostname, reason: `${wrapper}(${inner}): ${inner} is not imported from a service module` };
      const wrapperOrigin = await resolveImport(wrapper);
      const carried = !wrapperOrigin?.file && locals.has(wrapper) ? carry(wrapper) : undefined;
      if (!wrapperOrigin?.file && !locals.has(wrapper)) {
        const instead = "the workers it wraps call their handler with { request, env, ctx } instead";
        warnings.add(`${file}: context wrapper ${wrapper} is not imported from a file of this repository; ${instead}`);
      }
      return {
        kind: "handler",
        hostname,
        style: "context",
        handler: inner,
        file: origin.file,
        export: origin.imported,
        wrapper,
        ...(wrapperOrigin?.file ? { wrapperFile: wrapperOrigin.file } : {}),
        ...(carried ? { carried } : {}),
      };
    }
    if (value.type === "ArrowFunctionExpression" || value.type === "FunctionExpression") {
      const binding = forwardedBinding(value);
      if (binding) return { kind: "binding", hostname, binding };
      return { kind: "skipped", hostname, reason: "an inline function, not a service module" };
    }
    if (value.type === "Literal" && value.value === null) return { kind: "skipped", hostname, reason: "mapped to null (placeholder)" };
    if (value.type === "CallExpression" && value.callee.type === "Identifier" && locals.has(value.callee.name)) {
      return { kind: "skipped", hostname, reason: `${value.callee.name}(…) is defined in the router itself, not in a service module` };
    }
    return { kind: "skipped", hostname, reason: `mapped to a ${value.type}, not a handler` };
  }
}

/** The router of `tree`, read once per tree (analysis, the scaffold and sync all ask). */
export function routerOf(tree: SourceTree, file: string): Promise<RouterMap> {
  return tree.memo(`router:${file}`, () => readRouter(tree, file)) as Promise<RouterMap>;
}

/** The router's entry (hostname or path route) that leads to `name` of `file`. */
export function handlerEntry(map: RouterMap, file: string, name: string | undefined): Extract<RouterEntry, { kind: "handler" }> | undefined {
  const entry = [...map.entries, ...map.paths.map((p) => p.entry)].find((e) => e.kind === "handler" && e.file === file && e.export === name);
  return entry?.kind === "handler" ? entry : undefined;
}

/** Where `name`, exported by `file`, is defined: follows `export { name } from "./other.js"`. */
export async function definingModule(tree: SourceTree, file: string, name: string, depth = 0): Promise<{ file: string; imported: string }> {
  if (depth > 8 || !/\.[cm]?[jt]sx?$/.test(file)) return { file, imported: name };
  const code = await tree.read(file);
  if (code === undefined) return { file, imported: name };
  let ast: AnyNode;
  try {
    ast = parseModule(code, file) as AnyNode;
  } catch {
    return { file, imported: name };
  }
  for (const node of ast.body as AnyNode[]) {
    if (node.type !== "ExportNamedDeclaration" || !node.source) continue;
    for (const spec of node.specifiers ?? []) {
      const exported = spec.exported.name ?? spec.exported.value;
      if (exported !== name) continue;
      const target = resolveRelative(tree, file, node.source.value);
      return target ? definingModule(tree, target, spec.local.name ?? spec.local.value, depth + 1) : { file, imported: name };
    }
  }
  return { file, imported: name };
}

/** Where a path route's handler expression sits, and whether the router calls it directly. */
export interface PathRouteSite {
  prefix: string;
  /** The handler expression (without parentheses around it). */
  value: Record<string, any>;
  /** Offsets of the expression as written (parentheses included). */
  start: number;
  end: number;
  /** `return handleX(request, env, ctx)`: the expression is called, so a replacement needs parentheses. */
  called: boolean;
}

/**
 * `if (pathname.startsWith("/pass")) serviceHandler = wrapHandler(handleChittyPass)` or
 * `... return handleX(request, env, ctx)`: the prefix and the handler expression. A route
 * already handed over (`((request, env) => env.X.fetch(request))(…)`) is found too.
 */
function findPathRoutes(ast: AnyNode): PathRouteSite[] {
  const routes: PathRouteSite[] = [];
  walk(ast as never, {
    IfStatement(node, ancestors) {
      // only the router's own dispatch (its default export), not a helper for one hostname
      if (!ancestors.some((a) => a.type === "ExportDefaultDeclaration")) return;
      const test = node.test;
      if (test.type !== "CallExpression" || test.callee.type !== "MemberExpression" || test.callee.property?.name !== "startsWith") return;
      const prefix = test.arguments[0];
      if (prefix?.type !== "Literal" || typeof prefix.value !== "string" || !prefix.value.startsWith("/")) return;
      const first = node.consequent.type === "BlockStatement" ? node.consequent.body[0] : node.consequent;
      let site: AnyNode | undefined;
      let called = false;
      if (first?.type === "ExpressionStatement" && first.expression.type === "AssignmentExpression") site = first.expression.right;
      else if (first?.type === "ReturnStatement" && first.argument?.type === "CallExpression") {
        // return handleX(request, env, ctx) or return wrapHandler(handleX)(request, env, ctx)
        site = first.argument.callee;
        called = true;
      }
      let value = site;
      while (value?.type === "ParenthesizedExpression") value = value.expression;
      if (site && value && ["Identifier", "CallExpression", "ArrowFunctionExpression", "FunctionExpression"].includes(value.type)) {
        routes.push({ prefix: prefix.value, value, start: site.start, end: site.end, called });
      }
    },
  });
  return routes;
}

/** The router's path routes with the offsets of their handler expressions, for the cutover's edit. */
export function locatePathRoutes(code: string, file: string): PathRouteSite[] {
  return findPathRoutes(parseModule(code, file) as AnyNode);
}

function keyOf(prop: AnyNode): string | undefined {
  if (prop.type !== "Property" || prop.computed) return undefined;
  if (prop.key.type === "Literal" && typeof prop.key.value === "string") return prop.key.value;
  return undefined;
}

/**
 * Where the router maps `hostname`: the offsets of the handler expression, so that an edit can
 * replace exactly those characters and keep every other byte of the file.
 */
export function locateRouterEntry(code: string, file: string, hostname: string): { start: number; end: number } | undefined {
  const map = findHostnameMap(parseModule(code, file) as AnyNode);
  const prop = (map?.properties as AnyNode[] | undefined)?.find((p) => keyOf(p)?.toLowerCase() === hostname);
  return prop ? { start: prop.value.start as number, end: prop.value.end as number } : undefined;
}

/** The object literal with the most hostname keys. */
function findHostnameMap(ast: AnyNode): AnyNode | undefined {
  let best: AnyNode | undefined;
  let bestCount = 0;
  walk(ast as never, {
    ObjectExpression(node) {
      const count = (node.properties as AnyNode[]).filter((p) => HOSTNAME.test(keyOf(p) ?? "")).length;
      if (count > bestCount) {
        best = node;
        bestCount = count;
      }
    },
  });
  return best;
}

/** `(request, env) => env.X.fetch(request)` → "X"; also `(req, e) => (e as Env).X.fetch(req)`. */
function forwardedBinding(fn: AnyNode): string | undefined {
  const envName = fn.params?.[1]?.type === "Identifier" ? fn.params[1].name : "env";
  let found: string | undefined;
  walk(fn as never, {
    CallExpression(node) {
      const callee = unwrap(node.callee);
      if (callee.type !== "MemberExpression" || callee.property.name !== "fetch") return;
      const target = unwrap(callee.object);
      const env = target.type === "MemberExpression" && !target.computed ? unwrap(target.object) : undefined;
      if (env?.type === "Identifier" && (env.name === envName || env.name === "env")) found ??= target.property.name;
    },
  });
  return found;
}
