// The module closure of a worker: its entry files plus every module they reach through static
// imports of the monorepo's own files (relative, or mapped by tsconfig paths), transitively, with
// what those modules read and import from npm. Modules reached only through type imports travel
// with the worker (it must typecheck) but are not run: their env reads and packages do not count.
import { builtinModules } from "node:module";
import { CODE_FILE } from "./ast.js";
import type { ModuleFacts } from "./js-module.js";
import { resolveMapped, resolveRelative } from "./resolve.js";
import type { SourceTree } from "./source-tree.js";

export { resolveRelative } from "./resolve.js";

export interface Closure {
  /** Repository paths of every module reached at run time, sorted. */
  files: string[];
  /** Modules reached only through type imports (needed to typecheck, never run), sorted. */
  typeFiles: string[];
  /** npm package names imported (bare specifiers, no builtins), sorted. */
  packages: string[];
  /** Names the modules read from the worker's env, and those used like objects (bindings). */
  envReads: string[];
  envObjects: string[];
  /** Names the modules read from process.env. */
  processEnvReads: string[];
  urlHosts: string[];
  /** Relative imports whose file does not exist; `dynamic` when only import() asks for it (code may guard that). */
  dangling: { from: string; specifier: string; dynamic?: boolean }[];
  /** The module that first imported each module reached (entries have none). */
  importers: Map<string, string>;
  /** Files that could not be parsed, with the parser's message. */
  unparsable: { file: string; message: string }[];
}

const BUILTIN = new Set(builtinModules);

/** Follows the monorepo's own imports from `entries`; missing files are reported, never fatal. */
export async function moduleClosure(tree: SourceTree, entries: readonly string[]): Promise<Closure> {
  const seen = new Set<string>();
  const typeSeen = new Set<string>();
  const packages = new Set<string>();
  const envReads = new Set<string>();
  const envObjects = new Set<string>();
  const processEnvReads = new Set<string>();
  const urlHosts = new Set<string>();
  const dangling: Closure["dangling"] = [];
  const unparsable: Closure["unparsable"] = [];
  const importers = new Map<string, string>();
  // [file, reached only through types]
  const queue: [string, boolean][] = entries.filter((e) => tree.has(e)).map((e) => [e, false]);

  while (queue.length > 0) {
    const [file, typesOnly] = queue.shift()!;
    if (seen.has(file) || (typesOnly && typeSeen.has(file))) continue;
    (typesOnly ? typeSeen : seen).add(file);
    if (!CODE_FILE.test(file) || file.endsWith(".d.ts")) continue;
    const facts = await factsOf(tree, file);
    if (facts === undefined) continue;
    if (facts instanceof Error) {
      unparsable.push({ file, message: facts.message });
      continue;
    }
    if (!typesOnly) {
      facts.envReads.forEach((n) => envReads.add(n));
      facts.envObjects.forEach((n) => envObjects.add(n));
      facts.processEnvReads.forEach((n) => processEnvReads.add(n));
      facts.urlHosts.forEach((h) => urlHosts.add(h));
    }
    const reach = (target: string, types: boolean) => {
      if (!importers.has(target)) importers.set(target, file);
      queue.push([target, types]);
    };
    const dynamic = new Set(facts.dynamicImports ?? []);
    const follow = async (specifier: string, types: boolean) => {
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        const target = resolveRelative(tree, file, specifier);
        if (target) reach(target, types);
        else if (!types) dangling.push({ from: file, specifier, ...(dynamic.has(specifier) ? { dynamic: true } : {}) });
        return;
      }
      const mapped = await resolveMapped(tree, file, specifier);
      if (mapped) reach(mapped, types);
      else if (!types) {
        const name = packageName(specifier);
        if (name) packages.add(name);
      }
    };
    for (const specifier of facts.imports) await follow(specifier, typesOnly);
    for (const specifier of facts.typeImports ?? []) await follow(specifier, true);
  }
  return {
    files: [...seen].sort(),
    typeFiles: [...typeSeen].filter((f) => !seen.has(f)).sort(),
    packages: [...packages].sort(),
    envReads: [...envReads].sort(),
    envObjects: [...envObjects].sort(),
    processEnvReads: [...processEnvReads].sort(),
    urlHosts: [...urlHosts].sort(),
    dangling,
    unparsable,
    importers,
  };
}

/**
 * A module's facts: parsed once per run, and, when the tree is a commit's, remembered by blob id
 * (FactsMemory) so an unchanged file is never parsed again. The parser loads only when needed.
 */
async function factsOf(tree: SourceTree, file: string): Promise<ModuleFacts | Error | undefined> {
  const blob = tree.blobId(file);
  const remembered = blob ? tree.factsMemory?.get(blob) : undefined;
  if (remembered) {
    tree.usedFacts(file);
    return remembered;
  }
  const code = await tree.read(file, "facts");
  if (code === undefined) return undefined;
  const { moduleFacts } = await import("./js-module.js");
  const facts = tree.memo(`facts:${file}`, () => {
    try {
      return moduleFacts(code, file);
    } catch (error) {
      return error as Error;
    }
  });
  if (blob && !(facts instanceof Error)) tree.factsMemory?.set(blob, facts);
  return facts;
}

/** `@scope/pkg/sub` → `@scope/pkg`; builtins (node:, cloudflare:, fs) → undefined. */
export function packageName(specifier: string): string | undefined {
  if (/^[a-z]+:/.test(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  if (BUILTIN.has(name) || name === "__STATIC_CONTENT_MANIFEST") return undefined;
  return name;
}
