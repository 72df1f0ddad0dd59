// The router's own context wrapper, carried into a worker. A router often defines it inline
// (`function wrapHandler(handler)` calling `function buildContext(request, env, ctx)`, which uses
// `createKVCache` from a lib module); a worker called through it must get the same context. The
// slice is the wrapper's declaration, every top-level declaration it uses (transitively) and the
// imports those use, as written in the router, in the router's order. The caller resolves the
// imports (their modules travel with the worker) and writes the slice as a module beside where
// the router lives, so relative imports stay valid.
import { posix } from "node:path";
import { parseModule, walk, type AnyNode } from "./ast.js";

export interface ContextSlice {
  /** The wrapper the worker's entry imports. */
  wrapper: string;
  /** Every top-level declaration carried, in the router's order (the wrapper among them). */
  names: string[];
  /** Module specifiers the slice imports (relative ones travel with the worker). */
  sources: string[];
  /** The module: the imports it needs, the declarations as written, and an export of the wrapper. */
  code: string;
}

export type SliceResult = { ok: true; slice: ContextSlice } | { ok: false; reason: string };

interface TopLevel {
  /** The statement carried (without an `export` in front). */
  node: AnyNode;
  /** Where its text starts: its leading comment when it has one. */
  start: number;
}

const DECLARATIONS = new Set([
  "FunctionDeclaration",
  "ClassDeclaration",
  "VariableDeclaration",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
  "TSEnumDeclaration",
]);

/** The slice of `code` (the router, `file`) that `wrapper` needs. Pure: no file is read. */
export function sliceContext(code: string, file: string, wrapper: string): SliceResult {
  const ast = parseModule(code, file);
  const declared = new Map<string, TopLevel>();
  const imported = new Map<string, { declaration: AnyNode; specifier: AnyNode }>();
  let previousEnd = 0;
  for (const statement of ast.body as AnyNode[]) {
    const leading = code.slice(previousEnd, statement.start);
    previousEnd = statement.end;
    if (statement.type === "ImportDeclaration") {
      for (const specifier of statement.specifiers ?? []) imported.set(specifier.local.name, { declaration: statement, specifier });
      continue;
    }
    const node = statement.type === "ExportNamedDeclaration" && statement.declaration ? (statement.declaration as AnyNode) : statement;
    if (!DECLARATIONS.has(node.type)) continue;
    const top = { node, start: node === statement ? statement.start - commentLength(leading) : node.start };
    for (const name of declaredNames(node)) declared.set(name, top);
  }
  if (!declared.has(wrapper)) {
    return {
      ok: false,
      reason: imported.has(wrapper) ? `${wrapper} is imported, not defined, in ${file}` : `${wrapper} is not a top-level declaration of ${file}`,
    };
  }
  // what the wrapper needs, transitively
  const carried = new Set<TopLevel>();
  const imports = new Set<string>();
  const queue = [declared.get(wrapper)!];
  while (queue.length) {
    const top = queue.pop()!;
    if (carried.has(top)) continue;
    carried.add(top);
    for (const name of referencedNames(top.node)) {
      const local = declared.get(name);
      if (local && !carried.has(local)) queue.push(local);
      else if (imported.has(name)) imports.add(name);
    }
  }
  const statements = [...carried].sort((a, b) => a.node.start - b.node.start);
  const names = statements.flatMap((s) => declaredNames(s.node));
  const importLines = importStatements(
    code,
    [...imports].map((name) => imported.get(name)!),
  );
  const body = statements.map((s) => code.slice(s.start, s.node.end));
  return {
    ok: true,
    slice: {
      wrapper,
      names,
      sources: [...new Set([...imports].map((name) => imported.get(name)!.declaration.source.value as string))],
      code: [...(importLines.length ? [importLines.join("\n")] : []), ...body, `export { ${wrapper} };`].join("\n\n") + "\n",
    },
  };
}

/** Where the carried module goes: beside the router, so the router's relative imports hold. */
export function carriedContextPath(routerFile: string): string {
  const ext = posix.extname(routerFile) || ".js";
  return posix.join(posix.dirname(routerFile), `fleet-router-context${ext}`);
}

/** The length of the comment right before a statement (a doc comment or `//` lines), if any. */
function commentLength(leading: string): number {
  const match = /((?:[ \t]*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*)[ \t]*\n?)+)\s*$/.exec(leading);
  if (!match) return 0;
  // only a comment that ends right above the statement (no blank line between)
  const comment = match[1]!;
  const after = leading.slice(match.index + comment.length);
  return /\n\s*\n/.test(after) ? 0 : leading.length - match.index - (comment.length - comment.trimStart().length);
}

function declaredNames(node: AnyNode): string[] {
  if (node.type === "VariableDeclaration") return (node.declarations as AnyNode[]).flatMap((d) => patternNames(d.id));
  return node.id?.name ? [node.id.name as string] : [];
}

function patternNames(pattern: AnyNode | null): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "ObjectPattern":
      return (pattern.properties as AnyNode[]).flatMap((p) => patternNames(p.type === "RestElement" ? p.argument : p.value));
    case "ArrayPattern":
      return (pattern.elements as (AnyNode | null)[]).flatMap((e) => patternNames(e));
    case "AssignmentPattern":
      return patternNames(pattern.left);
    case "RestElement":
      return patternNames(pattern.argument);
    default:
      return [];
  }
}

/** Names a declaration reads: identifiers, less property names and object keys. */
function referencedNames(node: AnyNode): Set<string> {
  const names = new Set<string>();
  walk(node, {
    Identifier(id, ancestors) {
      const parent = ancestors[ancestors.length - 1];
      if (parent?.type === "MemberExpression" && parent.property === id && !parent.computed) return;
      if (
        (parent?.type === "Property" || parent?.type === "MethodDefinition" || parent?.type === "PropertyDefinition") &&
        parent.key === id &&
        !parent.computed &&
        !parent.shorthand
      )
        return;
      names.add(id.name);
    },
  });
  return names;
}

/** One import statement per module, with only the names the slice uses, as written. */
function importStatements(code: string, used: { declaration: AnyNode; specifier: AnyNode }[]): string[] {
  const byDeclaration = new Map<AnyNode, AnyNode[]>();
  for (const { declaration, specifier } of used) byDeclaration.set(declaration, [...(byDeclaration.get(declaration) ?? []), specifier]);
  return [...byDeclaration.entries()]
    .sort(([a], [b]) => a.start - b.start)
    .map(([declaration, specifiers]) => {
      const text = (s: AnyNode) => code.slice(s.start, s.end);
      const def = specifiers.find((s) => s.type === "ImportDefaultSpecifier");
      const namespace = specifiers.find((s) => s.type === "ImportNamespaceSpecifier");
      const named = specifiers.filter((s) => s.type === "ImportSpecifier").sort((a, b) => a.start - b.start);
      const clauses = [...(def ? [text(def)] : []), ...(namespace ? [text(namespace)] : []), ...(named.length ? [`{ ${named.map(text).join(", ")} }`] : [])];
      const typeOnly = declaration.importKind === "type" ? "type " : "";
      return `import ${typeOnly}${clauses.join(", ")} from ${code.slice(declaration.source.start, declaration.source.end)};`;
    });
}
