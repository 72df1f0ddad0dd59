// The type of each module in wrangler's output, as wrangler types the modules it uploads: the
// config's `rules` first, then wrangler's default rules (Text: .txt .html .sql, Data: .bin,
// CompiledWasm: .wasm), then JavaScript by its extension. A module wrangler copied beside the
// bundle keeps its file name after the content hash, so the rule that took it in still matches.
// The local cloud runs each module as its type, as Cloudflare would.
import picomatch from "picomatch";

export type ModuleType = "ESModule" | "CommonJS" | "Text" | "Data" | "CompiledWasm" | "PythonModule";

interface Rule {
  type: ModuleType;
  globs: string[];
}

/** wrangler's DEFAULT_MODULE_RULES, then the JavaScript and Python modules it takes by extension. */
const DEFAULT_RULES: Rule[] = [
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
  { type: "ESModule", globs: ["**/*.js", "**/*.mjs"] },
  { type: "CommonJS", globs: ["**/*.cjs"] },
  { type: "PythonModule", globs: ["**/*.py"] },
];

const TYPES = new Set<string>(DEFAULT_RULES.map((r) => r.type));

/** The config's own rules (those of a type the runtime knows), in order. */
function configRules(rules: unknown): Rule[] {
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r: { type?: unknown; globs?: unknown }) =>
    typeof r?.type === "string" && TYPES.has(r.type) && Array.isArray(r.globs)
      ? [{ type: r.type as ModuleType, globs: r.globs.filter((g): g is string => typeof g === "string") }]
      : [],
  );
}

/** A typer for a config's modules: undefined for a file no rule takes (wrangler leaves it out). */
export function moduleTyper(rules: unknown): (name: string) => ModuleType | undefined {
  const compiled = [...configRules(rules), ...DEFAULT_RULES].map((rule) => ({ type: rule.type, match: picomatch(rule.globs, { dot: true }) }));
  return (name) => compiled.find((rule) => rule.match(name))?.type;
}

/** Types whose contents are bytes, not text. */
export function isBinary(type: ModuleType): boolean {
  return type === "Data" || type === "CompiledWasm";
}
