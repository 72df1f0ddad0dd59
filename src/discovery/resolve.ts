// Where an import leads, the way TypeScript and bundlers (esbuild, wrangler) resolve it inside
// the monorepo: relative files with or without their extension, `./x.js` written for `./x.ts`,
// index files, and bare specifiers mapped by the nearest tsconfig.json's `paths`.
import { posix } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import type { SourceTree } from "./source-tree.js";

const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs", ".jsx", ".mts", ".cts", ".cjs"];
// TypeScript lets `./x.js` name `./x.ts` (the file it compiles to): try those first.
const TS_FOR_JS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };

/** Resolves `./x` from `from`: exact, the TypeScript twin of a `.js`, extensions, then index files. */
export function resolveRelative(tree: SourceTree, from: string, specifier: string): string | undefined {
  const base = specifier.startsWith("/") ? specifier.slice(1) : posix.join(posix.dirname(from), specifier);
  return resolvePath(tree, posix.normalize(base));
}

function resolvePath(tree: SourceTree, normal: string): string | undefined {
  if (normal.startsWith("..")) return undefined;
  const stem = normal.replace(/\/$/, "");
  const ext = posix.extname(stem);
  const candidates = [
    stem,
    ...(TS_FOR_JS[ext] ?? []).map((e) => stem.slice(0, -ext.length) + e),
    ...EXTENSIONS.map((e) => stem + e),
    ...EXTENSIONS.map((e) => `${stem}/index${e}`),
  ];
  return candidates.find((c) => c !== "" && tree.has(c));
}

interface PathMapping {
  /** `@lib/*` or an exact specifier. */
  pattern: string;
  /** Repository paths with the same `*`, already joined with baseUrl. */
  targets: string[];
}

/** A bare specifier mapped by the `paths` of the tsconfig.json nearest to `from`, when one maps it to a file. */
export async function resolveMapped(tree: SourceTree, from: string, specifier: string): Promise<string | undefined> {
  for (const { pattern, targets } of await pathMappings(tree, posix.dirname(from))) {
    const star = pattern.indexOf("*");
    let captured: string | undefined;
    if (star < 0) captured = pattern === specifier ? "" : undefined;
    else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1)) && specifier.length >= pattern.length - 1) {
      captured = specifier.slice(star, specifier.length - (pattern.length - star - 1));
    }
    if (captured === undefined) continue;
    for (const target of targets) {
      const found = resolvePath(tree, posix.normalize(target.replace("*", captured)));
      if (found) return found;
    }
  }
  return undefined;
}

/** The `paths` in force for files of `dir`: from the nearest tsconfig.json up to the root. */
function pathMappings(tree: SourceTree, dir: string): Promise<PathMapping[]> {
  return tree.memo(`tsconfig-paths:${dir}`, async () => {
    const config = posix.join(dir, "tsconfig.json").replace(/^\.\//, "");
    if (tree.has(config)) return mappingsOf(tree, config, new Set());
    if (dir === "." || dir === "") return [];
    return pathMappings(tree, posix.dirname(dir));
  });
}

async function mappingsOf(tree: SourceTree, config: string, seen: Set<string>): Promise<PathMapping[]> {
  if (seen.has(config)) return [];
  seen.add(config);
  const raw = parseJsonc((await tree.read(config)) ?? "{}", [], { allowTrailingComma: true }) as {
    extends?: unknown;
    compilerOptions?: { baseUrl?: unknown; paths?: unknown };
  } | null;
  const dir = posix.dirname(config);
  const options = raw?.compilerOptions ?? {};
  if (options.paths && typeof options.paths === "object") {
    const base = posix.join(dir, typeof options.baseUrl === "string" ? options.baseUrl : ".");
    return Object.entries(options.paths as Record<string, unknown>).map(([pattern, targets]) => ({
      pattern,
      targets: (Array.isArray(targets) ? targets : []).filter((t): t is string => typeof t === "string").map((t) => posix.join(base, t)),
    }));
  }
  // paths may come from a config it extends, within the monorepo (packages resolve elsewhere)
  const parents = (Array.isArray(raw?.extends) ? raw.extends : [raw?.extends]).filter((e): e is string => typeof e === "string" && e.startsWith("."));
  for (const parent of parents.reverse()) {
    const file = posix.normalize(posix.join(dir, parent.endsWith(".json") ? parent : `${parent}.json`));
    if (tree.has(file)) {
      const inherited = await mappingsOf(tree, file, seen);
      if (inherited.length) return inherited;
    }
  }
  return [];
}
