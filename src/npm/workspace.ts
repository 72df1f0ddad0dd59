// The monorepo's package workspace (npm/yarn `workspaces`, pnpm-workspace.yaml) as a worker
// repository must see it on its own. pnpm's `catalog:` ranges become the catalog's version; a
// `workspace:` dependency on a package the workspace publishes becomes its version (pnpm's own
// rule when it publishes: `workspace:*` → the version, `workspace:^` → ^version); one on a package
// marked private (never published) is carried: its folder travels with the worker's split, at
// the same path, and the dependency becomes `file:` that folder.
import { posix } from "node:path";
import picomatch from "picomatch";
import { parse as parseYaml, YAMLError } from "yaml";
import { UserError } from "../errors.js";
import { readPackageJson } from "../discovery/package-json.js";
import type { SourceTree } from "../discovery/source-tree.js";

export interface WorkspacePackage {
  name: string;
  /** Its folder in the monorepo. */
  dir: string;
  version?: string;
  /** `private: true`: never published, so a worker that needs it carries its source. */
  private: boolean;
  dependencies: Record<string, string>;
}

export interface Workspace {
  packages: Map<string, WorkspacePackage>;
  /** pnpm catalogs: "default" (`catalog:`) and named ones (`catalogs:`). */
  catalogs: Map<string, Record<string, string>>;
}

/** How one dependency is given to a worker repository. */
export type Resolution =
  | { as: "catalog"; name: string; spec: string; version: string; catalog: string }
  | { as: "published"; name: string; spec: string; version: string }
  | { as: "carried"; name: string; spec: string; dir: string }
  | { as: "unresolved"; name: string; spec: string; reason: string };

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;

/** The workspace's member globs (npm/yarn `workspaces`, pnpm's `packages:`). */
export async function workspacePatterns(tree: SourceTree): Promise<string[]> {
  const patterns: unknown[] = [];
  const workspaces = (await readPackageJson(tree, "package.json"))?.workspaces;
  patterns.push(...(Array.isArray(workspaces) ? workspaces : (workspaces?.packages ?? [])));
  const pnpm = await pnpmWorkspace(tree);
  patterns.push(...(Array.isArray(pnpm.packages) ? pnpm.packages : []).filter((p) => typeof p === "string" && !p.startsWith("!")));
  return patterns.filter((p): p is string => typeof p === "string");
}

type PnpmWorkspace = { packages?: unknown[]; catalog?: Record<string, string>; catalogs?: Record<string, Record<string, string>> };

/** pnpm-workspace.yaml, read once per tree; one that does not parse is the user's to fix (exit 2, where). */
function pnpmWorkspace(tree: SourceTree): Promise<PnpmWorkspace> {
  return tree.memo("pnpm-workspace", async () => {
    const text = await tree.read("pnpm-workspace.yaml");
    if (!text) return {};
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      const at = error instanceof YAMLError && error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : "";
      throw new UserError(`pnpm-workspace.yaml${at}: not valid YAML (${(error as Error).message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")})`, {
        hint: "fix pnpm-workspace.yaml; pnpm cannot read it either",
      });
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc)) throw new UserError("pnpm-workspace.yaml: must hold a mapping (packages:, catalog:)");
    return doc as PnpmWorkspace;
  }) as Promise<PnpmWorkspace>;
}

/** The workspace's packages by name and its catalogs; undefined for a monorepo without one. */
export async function readWorkspace(tree: SourceTree): Promise<Workspace | undefined> {
  return tree.memo("npm-workspace", async () => {
    const patterns = await workspacePatterns(tree);
    const pnpm = await pnpmWorkspace(tree);
    const catalogs = new Map<string, Record<string, string>>();
    if (pnpm.catalog) catalogs.set("default", pnpm.catalog);
    for (const [name, catalog] of Object.entries(pnpm.catalogs ?? {})) catalogs.set(name, catalog);
    if (patterns.length === 0 && catalogs.size === 0) return undefined;
    const isMember = picomatch(patterns.map((p) => p.replace(/^\.\//, "").replace(/\/$/, "")));
    const packages = new Map<string, WorkspacePackage>();
    for (const file of tree.files) {
      if (posix.basename(file) !== "package.json" || file.split("/").includes("node_modules")) continue;
      const dir = posix.dirname(file);
      if (dir === "." || !isMember(dir)) continue;
      const pkg = await readPackageJson(tree, file);
      if (!pkg || typeof pkg.name !== "string") continue;
      const dependencies: Record<string, string> = {};
      for (const field of DEPENDENCY_FIELDS) Object.assign(dependencies, pkg[field] ?? {});
      packages.set(pkg.name, {
        name: pkg.name,
        dir,
        ...(typeof pkg.version === "string" ? { version: pkg.version } : {}),
        private: pkg.private === true,
        dependencies,
      });
    }
    return { packages, catalogs };
  }) as Promise<Workspace | undefined>;
}

/** What `spec` (a range as the monorepo writes it) becomes in a worker repository; undefined when it stays. */
export function resolveSpec(workspace: Workspace, name: string, spec: string): Resolution | undefined {
  if (spec.startsWith("catalog:")) {
    const catalog = spec.slice("catalog:".length) || "default";
    const version = workspace.catalogs.get(catalog)?.[name];
    return version
      ? { as: "catalog", name, spec, version, catalog }
      : { as: "unresolved", name, spec, reason: `the ${catalog === "default" ? "pnpm catalog" : `pnpm catalog "${catalog}"`} has no ${name}` };
  }
  if (!spec.startsWith("workspace:")) return undefined;
  const pkg = workspace.packages.get(name);
  if (!pkg) return { as: "unresolved", name, spec, reason: `no package of the workspace is named ${name}` };
  if (pkg.private) return { as: "carried", name, spec, dir: pkg.dir };
  const range = spec.slice("workspace:".length);
  if ((range === "*" || range === "^" || range === "~") && !pkg.version)
    return { as: "unresolved", name, spec, reason: `${pkg.dir}/package.json has no version` };
  const version = range === "*" ? pkg.version! : range === "^" || range === "~" ? `${range}${pkg.version}` : range;
  return { as: "published", name, spec, version };
}

/** Every workspace and catalog dependency of `dependencies`, and of the packages carried with them (transitively). */
export function workspaceResolutions(workspace: Workspace, dependencies: Record<string, string>): Resolution[] {
  const out: Resolution[] = [];
  const seen = new Set<string>();
  const visit = (deps: Record<string, string>) => {
    for (const [name, spec] of Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const resolution = resolveSpec(workspace, name, spec);
      if (!resolution || seen.has(`${name}@${spec}`)) continue;
      seen.add(`${name}@${spec}`);
      out.push(resolution);
      if (resolution.as === "carried") visit(workspace.packages.get(name)!.dependencies);
    }
  };
  visit(dependencies);
  return out;
}

/** The folders a worker carries: the private workspace packages it needs, sorted, each once. */
export function carriedDirs(resolutions: readonly Resolution[]): string[] {
  return [...new Set(resolutions.flatMap((r) => (r.as === "carried" ? [r.dir] : [])))].sort();
}

/**
 * A package.json as a worker repository needs it: catalog and workspace ranges replaced, a
 * carried package as `file:` its folder (relative to this package.json's folder `from` in the
 * worker repository; carried folders keep their monorepo path). Unresolved ranges stay as written.
 */
export function rewriteWorkspaceRanges(text: string, workspace: Workspace, from: string): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  let changed = false;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field] as Record<string, string> | undefined;
    if (!deps || typeof deps !== "object") continue;
    for (const [name, spec] of Object.entries(deps)) {
      if (typeof spec !== "string") continue;
      const resolution = resolveSpec(workspace, name, spec);
      if (!resolution || resolution.as === "unresolved") continue;
      deps[name] = resolution.as === "carried" ? `file:${posix.relative(from || ".", resolution.dir) || "."}` : resolution.version;
      changed = true;
    }
  }
  return changed ? `${JSON.stringify(pkg, null, 2)}\n` : text;
}
