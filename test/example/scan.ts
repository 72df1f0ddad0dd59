// An independent reading of a generated tree, written against the files rather than the
// generator's model, so the truth it reports is checked and not merely echoed.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { parse } from "acorn";

export function parseModule(code: string) {
  return parse(code, { ecmaVersion: "latest", sourceType: "module" });
}

/** Specifiers of static imports and re-exports, and of dynamic imports of a string literal. */
export function importSpecifiers(code: string): string[] {
  const specifiers: string[] = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
  for (const node of parseModule(code).body) {
    if (
      (node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration" || node.type === "ExportNamedDeclaration") &&
      node.source &&
      typeof node.source.value === "string"
    ) {
      specifiers.push(node.source.value);
    }
  }
  return specifiers;
}

export function envNames(code: string): string[] {
  return [...code.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!);
}

export interface Closure {
  files: string[];
  bare: string[];
  dangling: { from: string; specifier: string }[];
}

/** Follows relative imports from `entry` (repo-relative) inside `root`. */
export function closureOf(root: string, entry: string): Closure {
  const files = new Set<string>();
  const bare = new Set<string>();
  const dangling: Closure["dangling"] = [];
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importSpecifiers(read(root, file))) {
      if (!specifier.startsWith(".")) {
        bare.add(specifier);
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (existsSync(join(root, target))) visit(target);
      else dangling.push({ from: file, specifier });
    }
  };
  visit(entry);
  return { files: [...files].sort(), bare: [...bare].sort(), dangling };
}

export function read(root: string, file: string): string {
  return readFileSync(join(root, file), "utf8");
}

/** Every file under `dir` (repo-relative), skipping .git. */
export function listFiles(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, path));
    else out.push(path);
  }
  return out.sort();
}

/** Names a wrangler config (parsed TOML or JSONC) declares as bindings. */
export function declaredBindings(config: Record<string, any>): Map<string, string | undefined> {
  const names = new Map<string, string | undefined>();
  for (const kv of config.kv_namespaces ?? []) names.set(kv.binding, undefined);
  for (const d1 of config.d1_databases ?? []) names.set(d1.binding, undefined);
  if (config.ai) names.set(config.ai.binding, undefined);
  for (const object of config.durable_objects?.bindings ?? []) names.set(object.name, undefined);
  for (const name of Object.keys(config.vars ?? {})) names.set(name, undefined);
  for (const service of config.services ?? []) names.set(service.binding, service.service);
  return names;
}

export async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), `fleet-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const HEX_WORD = /\b[0-9a-fA-F]{7,}\b/;
