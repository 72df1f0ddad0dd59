// Which monorepo paths a worker's split keeps, and where they land: git filter-repo's
// `--path P` (P itself or anything under P/), `--subdirectory-filter D` (under D/, with the
// D/ prefix removed) and `--path-rename OLD:NEW` (applied in order to the kept paths, each to
// the name the previous ones left, replacing OLD's first occurrence). Byte-wise and
// case-sensitive, as filter-repo is.

export type SplitFilter = { subdirectory: string } | { paths: readonly string[]; renames?: readonly (readonly [string, string])[] };

/** filter-repo's filename_matches: `expr` is the path itself, or a folder above it. */
function matches(expr: string, path: string): boolean {
  if (expr === "") return true;
  return path.startsWith(expr) && (expr.endsWith("/") || path.length === expr.length || path[expr.length] === "/");
}

/** A function from a monorepo path to the path in the split, or undefined when it is left out. */
export function pathMapper(filter: SplitFilter): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  let map: (path: string) => string | undefined;
  if ("subdirectory" in filter) {
    const dir = filter.subdirectory.endsWith("/") ? filter.subdirectory : `${filter.subdirectory}/`;
    map = (path) => (matches(dir, path) ? path.slice(dir.length) : undefined);
  } else {
    const exprs = [...filter.paths];
    const renames = [...(filter.renames ?? [])];
    map = (path) => {
      if (!exprs.some((e) => matches(e, path))) return undefined;
      let name = path;
      for (const [from, to] of renames) if (matches(from, name)) name = name.replace(from, to);
      return name;
    };
  }
  return (path) => {
    if (cache.has(path)) return cache.get(path);
    const mapped = map(path);
    cache.set(path, mapped);
    return mapped;
  };
}

/**
 * Whether the split keeps every path where the monorepo has it (nothing renamed): a router or
 * config worker's, or a folder worker's that carries files from outside its folder.
 */
export function keepsMonorepoPaths(filter: SplitFilter): boolean {
  return !("subdirectory" in filter) && !filter.renames?.length;
}

/** The git filter-repo arguments that make the same split (the oracle the split is held to). */
export function filterRepoArgs(filter: SplitFilter): string[] {
  if ("subdirectory" in filter) return ["--subdirectory-filter", filter.subdirectory];
  return [...filter.paths.flatMap((p) => ["--path", p]), ...(filter.renames ?? []).flatMap(([from, to]) => ["--path-rename", `${from}:${to}`])];
}

/** A stable text for a filter, so a changed path set can be noticed. */
export function filterFingerprint(filter: SplitFilter): string {
  if ("subdirectory" in filter) return `subdirectory:${filter.subdirectory}`;
  const renames = filter.renames?.length ? `\0renames:${filter.renames.map(([a, b]) => `${a}:${b}`).join("\0")}` : "";
  return `paths:${[...filter.paths].sort().join("\0")}${renames}`;
}
