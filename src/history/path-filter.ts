// Which monorepo paths a worker's split keeps, and where they land: git filter-repo's
// `--path P` (P itself or anything under P/) and `--subdirectory-filter D` (under D/, with the
// D/ prefix removed). Byte-wise and case-sensitive, as filter-repo is.

export type SplitFilter = { subdirectory: string } | { paths: readonly string[] };

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
    map = (path) => (exprs.some((e) => matches(e, path)) ? path : undefined);
  }
  return (path) => {
    if (cache.has(path)) return cache.get(path);
    const mapped = map(path);
    cache.set(path, mapped);
    return mapped;
  };
}

/** A stable text for a filter, so a changed path set can be noticed. */
export function filterFingerprint(filter: SplitFilter): string {
  return "subdirectory" in filter ? `subdirectory:${filter.subdirectory}` : `paths:${[...filter.paths].sort().join("\0")}`;
}
