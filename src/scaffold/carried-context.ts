// The router's own context wrapper as a file of each worker repository it wraps: written by the
// scaffold at create, and derived again by every sync from the monorepo's router at the synced
// commit, so a change to the router's buildContext reaches the workers like any other change.
import { DEFAULT_ROUTER } from "../discovery/platform-config.js";
import { handlerEntry, routerOf, type CarriedWrapper } from "../discovery/router.js";
import type { SourceTree } from "../discovery/source-tree.js";
import type { Manifest } from "../manifest/schema.js";

/** The module's text: what it is and where it comes from, then the router's code as written. */
export function renderCarriedContext(router: string, carried: Pick<CarriedWrapper, "names" | "code">): string {
  return [
    `// Carried by worker-fleet from ${router}: the platform router's own ${carried.names.join(", ")},`,
    `// as written there, so this worker's handler gets the context the router gives it. fleet sync`,
    `// keeps this file in step with the router; change the router in the monorepo, not this copy.`,
    carried.code,
  ].join("\n");
}

/** Per worker (of `ids`) whose router entry carries the wrapper: its path and content at `tree`. */
export async function carriedContextFiles(
  tree: SourceTree,
  manifest: Manifest,
  ids: readonly string[],
): Promise<Map<string, { path: string; content: string }>> {
  const files = new Map<string, { path: string; content: string }>();
  if (manifest.monorepo.layout !== "router") return files;
  const wrapped = ids.filter((id) => manifest.workers[id]?.source?.file && manifest.workers[id]?.source?.style === "context");
  if (wrapped.length === 0) return files;
  const routerFile = manifest.monorepo.router ?? DEFAULT_ROUTER;
  if ((await tree.read(routerFile)) === undefined) return files;
  const router = await routerOf(tree, routerFile);
  for (const id of wrapped) {
    const source = manifest.workers[id]!.source!;
    const entry = handlerEntry(router, source.file!, source.export);
    if (entry?.carried) files.set(id, { path: entry.carried.path, content: renderCarriedContext(routerFile, entry.carried) });
  }
  return files;
}
