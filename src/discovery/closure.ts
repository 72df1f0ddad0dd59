// The module closure of a worker: its entry files plus every module they reach through static
// relative imports, transitively, with what those modules read and import from npm.
import { builtinModules } from "node:module";
import { posix } from "node:path";
import type { ModuleFacts } from "./js-module.js";
import type { SourceTree } from "./source-tree.js";

export interface Closure {
  /** Repository paths of every module reached, sorted. */
  files: string[];
  /** npm package names imported (bare specifiers, no builtins), sorted. */
  packages: string[];
  envReads: string[];
  envObjects: string[];
  urlHosts: string[];
  /** Relative imports whose file does not exist. */
  dangling: { from: string; specifier: string }[];
  /** Files that could not be parsed, with the parser's message. */
  unparsable: { file: string; message: string }[];
}

const JS_FILE = /\.(m?js|cjs|jsx|ts|mts|tsx)$/;
const BUILTIN = new Set(builtinModules);

/** Follows relative imports from `entries`; missing files are reported, never fatal. */
export async function moduleClosure(tree: SourceTree, entries: readonly string[]): Promise<Closure> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const envReads = new Set<string>();
  const envObjects = new Set<string>();
  const urlHosts = new Set<string>();
  const dangling: Closure["dangling"] = [];
  const unparsable: Closure["unparsable"] = [];
  const queue = entries.filter((e) => tree.has(e));

  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!JS_FILE.test(file)) continue;
    const facts = await factsOf(tree, file);
    if (facts === undefined) continue;
    if (facts instanceof Error) {
      unparsable.push({ file, message: facts.message });
      continue;
    }
    facts.envReads.forEach((n) => envReads.add(n));
    facts.envObjects.forEach((n) => envObjects.add(n));
    facts.urlHosts.forEach((h) => urlHosts.add(h));
    for (const specifier of facts.imports) {
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        const target = resolveRelative(tree, file, specifier);
        if (target) queue.push(target);
        else dangling.push({ from: file, specifier });
      } else {
        const name = packageName(specifier);
        if (name) packages.add(name);
      }
    }
  }
  return {
    files: [...seen].sort(),
    packages: [...packages].sort(),
    envReads: [...envReads].sort(),
    envObjects: [...envObjects].sort(),
    urlHosts: [...urlHosts].sort(),
    dangling,
    unparsable,
  };
}

/**
 * A module's facts: parsed once per run, and, when the tree is a commit's, remembered by blob id
 * (FactsMemory) so an unchanged file is never parsed again. The parser loads only when needed.
 */
async function factsOf(tree: SourceTree, file: string): Promise<ModuleFacts | Error | undefined> {
  const blob = tree.blobId(file);
  const remembered = blob ? tree.factsMemory?.get(blob) : undefined;
  if (remembered) return remembered;
  const code = await tree.read(file);
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

/** Resolves `./x` from `from` the way bundlers do: exact, then extensions, then index files. */
export function resolveRelative(tree: SourceTree, from: string, specifier: string): string | undefined {
  const base = specifier.startsWith("/") ? specifier.slice(1) : posix.join(posix.dirname(from), specifier);
  const normal = posix.normalize(base);
  if (normal.startsWith("..")) return undefined;
  const candidates = [normal, ...[".js", ".mjs", ".ts", ".jsx", ".tsx"].map((e) => normal + e), ...["index.js", "index.ts", "index.mjs"].map((i) => posix.join(normal, i))];
  return candidates.find((c) => tree.has(c));
}

/** `@scope/pkg/sub` → `@scope/pkg`; builtins (node:, cloudflare:, fs) → undefined. */
export function packageName(specifier: string): string | undefined {
  if (/^[a-z]+:/.test(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  if (BUILTIN.has(name) || name === "__STATIC_CONTENT_MANIFEST") return undefined;
  return name;
}
