// The files and folders a wrangler config makes wrangler read, as monorepo paths: its `main`, the
// `tsconfig` it names and the configs that one extends, the static assets folder, each D1
// binding's migrations, and a container's Dockerfile with its build context — at the top level
// and in every `env.*` section. A worker's repository needs each of them at the same place
// relative to the config, or wrangler's config check or build fails there.
import { posix } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { d1MigrationDirs } from "./d1-migrations.js";
import type { SourceTree } from "./source-tree.js";
import type { WranglerConfig } from "./wrangler-config.js";

export interface ConfigPath {
  /** A monorepo path: a file, or a folder ending in `/`. Outside the monorepo, it starts with `../` (or is absolute). */
  path: string;
  /** What needs it, as the config says it (`containers[0].image`, `assets.directory`). */
  for: string;
  /** Whether wrangler manages without it (a D1 binding with no migrations yet). */
  optional?: boolean;
}

/** The paths `config` names, each once (the first field naming it kept). */
export async function configPaths(tree: SourceTree, config: WranglerConfig): Promise<ConfigPath[]> {
  const base = posix.dirname(config.file);
  const at = (written: string) => (written.startsWith("/") ? written : posix.normalize(posix.join(base === "." ? "" : base, written.replace(/\\/g, "/"))));
  const out: ConfigPath[] = [];
  const sections: [string, Record<string, unknown>][] = [["", config.raw]];
  for (const [name, section] of Object.entries(record(config.raw.env))) sections.push([`env.${name}.`, record(section)]);
  for (const [prefix, section] of sections) {
    if (typeof section.main === "string") out.push({ path: at(section.main), for: `${prefix}main` });
    if (typeof section.tsconfig === "string") {
      const file = at(section.tsconfig);
      out.push({ path: file, for: `${prefix}tsconfig` }, ...(await extendedConfigs(tree, file, `${prefix}tsconfig`)));
    }
    const assets = record(section.assets).directory;
    if (typeof assets === "string") out.push({ path: folder(at(assets)), for: `${prefix}assets.directory` });
    const containers = Array.isArray(section.containers) ? section.containers : [];
    containers.forEach((entry, i) => {
      const container = record(entry);
      const image = typeof container.image === "string" ? container.image : record(container.configuration).image;
      if (typeof image !== "string" || !isDockerfilePath(tree, at(image), image)) return;
      const field = `${prefix}containers[${i}]`;
      out.push({ path: at(image), for: `${field}.image` });
      const context = typeof container.image_build_context === "string" ? at(container.image_build_context) : posix.dirname(at(image));
      out.push({ path: folder(context), for: `${field}.image_build_context` });
    });
  }
  for (const m of d1MigrationDirs(config)) out.push({ path: folder(m.dir), for: `d1_databases ${m.binding} migrations_dir`, optional: true });
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(p.path) && seen.add(p.path));
}

/** The tsconfig files `file` extends by relative path (`"extends": "../../tsconfig.base.json"`), transitively. */
export async function extendedConfigs(tree: SourceTree, file: string, field: string, seen = new Set<string>()): Promise<ConfigPath[]> {
  if (seen.has(file)) return [];
  seen.add(file);
  const raw = parseJsonc((await tree.read(file)) ?? "{}", [], { allowTrailingComma: true }) as { extends?: unknown } | null;
  const parents = (Array.isArray(raw?.extends) ? raw.extends : [raw?.extends]).filter((e): e is string => typeof e === "string" && e.startsWith("."));
  const out: ConfigPath[] = [];
  for (const parent of parents) {
    const path = posix.normalize(posix.join(posix.dirname(file), parent.endsWith(".json") ? parent : `${parent}.json`));
    out.push({ path, for: `${field} (extended by ${file})` }, ...(await extendedConfigs(tree, path, field, seen)));
  }
  return out;
}

/**
 * Whether a container's `image` names a Dockerfile rather than a registry image: as wrangler
 * decides it, a file that exists; here also a path that is written as one (relative, or named
 * like a Dockerfile) but is not in the monorepo, since wrangler would refuse it in the worker's
 * repository. `registry.example.com/app:1.2` is an image.
 */
function isDockerfilePath(tree: SourceTree, path: string, written: string): boolean {
  if (tree.has(path)) return true;
  return written.startsWith(".") || written.startsWith("/") || /(^|\/)([^/]*Dockerfile[^/]*)$/i.test(written);
}

function folder(path: string): string {
  return path === "." || path === "" ? "./" : `${path.replace(/\/+$/, "")}/`;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
