// Where a worker's repository is, for sync: the forge's repository of that worker, and its main
// as the forge holds it now (read for every worker in one pass, as cheaply as the forge allows).
import type { Forge, RepositoryHead } from "../forge/forge.js";
import { repoFullName, repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";

export interface WorkerRemote {
  /** What git fetches from and pushes to (a path or an https URL, never with credentials). */
  url(id: string): string;
  /** The repository's name on the forge, owner/name (as trailers name it). */
  name(id: string): string;
  /** Whether the repository exists. */
  exists(id: string): boolean;
  /** Its main now: a commit, null when it has none, undefined when the forge could not say. */
  main(id: string): string | null | undefined;
  /** How to create it, for the message when it does not exist. */
  createHint(id: string): string;
  /** Environment for git commands against it (credentials). */
  gitEnv(): Record<string, string>;
}

export async function forgeRemote(forge: Forge, manifest: Manifest, ids: readonly string[]): Promise<WorkerRemote> {
  const heads = new Map<string, RepositoryHead>();
  if (ids.length > 0) {
    const byName = await forge.heads(ids.map((id) => repoNameFor(manifest, id)));
    for (const id of ids) {
      const head = byName.get(repoNameFor(manifest, id));
      if (head) heads.set(id, head);
    }
  }
  return {
    url: (id) => heads.get(id)?.url ?? repoNameFor(manifest, id),
    name: (id) => repoFullName(manifest, id),
    exists: (id) => heads.has(id),
    main: (id) => heads.get(id)?.main,
    createHint: (id) => `create it with \`fleet create ${id}\``,
    gitEnv: () => forge.gitEnv(),
  };
}
