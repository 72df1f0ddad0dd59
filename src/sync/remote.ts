// Where a worker's repository is, for sync: the forge's repository of that worker.
import type { Forge } from "../forge/forge.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";

export interface WorkerRemote {
  /** What git fetches from and pushes to (a path or an https URL, never with credentials). */
  url(id: string): string;
  /** Whether the repository exists. */
  exists(id: string): Promise<boolean>;
  /** How to create it, for the message when it does not exist. */
  createHint(id: string): string;
  /** Environment for git commands against it (credentials). */
  gitEnv(): Record<string, string>;
}

export async function forgeRemote(forge: Forge, manifest: Manifest, ids: readonly string[]): Promise<WorkerRemote> {
  const urls = new Map<string, string>();
  for (const id of ids) {
    const repo = await forge.get(repoNameFor(manifest, id));
    if (repo) urls.set(id, repo.url);
  }
  return {
    url: (id) => urls.get(id) ?? repoNameFor(manifest, id),
    exists: async (id) => urls.has(id),
    createHint: (id) => `create it with \`fleet create ${id}\``,
    gitEnv: () => forge.gitEnv(),
  };
}
