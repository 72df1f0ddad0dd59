// Names derived from the manifest. Kept apart from the schema so that commands which only need
// a name do not load the schema library.
import type { Manifest, WorkerEntry } from "./schema.js";

/** Repository name of a worker, from the manifest's pattern. */
export function repoNameFor(manifest: Pick<Manifest, "repoName">, id: string): string {
  return manifest.repoName.replaceAll("{service}", id);
}

/** A worker repository as owner/name (how Fleet-Back trailers name it). */
export function repoFullName(manifest: Pick<Manifest, "repoName" | "org">, id: string): string {
  return `${manifest.org}/${repoNameFor(manifest, id)}`;
}

/** Display name of a worker: its `name`, or the id in title case. */
export function displayName(id: string, worker: Pick<WorkerEntry, "name">): string {
  return (
    worker.name ??
    id
      .split("-")
      .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
      .join(" ")
  );
}

/**
 * The address people use for a worker's repository (registry entries, README links, the
 * MIGRATED marker): its GitHub page, also while it lives on the local forge, which stands in
 * for the organisation it will move to.
 */
export function repositoryUrl(manifest: Pick<Manifest, "repoName" | "org" | "workers">, id: string): string {
  return manifest.workers[id]?.external ?? `https://github.com/${manifest.org}/${repoNameFor(manifest, id)}`;
}

/**
 * Every hostname a worker answers on: its domain first, then its aliases. Each one is routed to
 * it, health-checked, registered and moved at cutover.
 */
export function workerHostnames(worker: Pick<WorkerEntry, "domain" | "aliases">): string[] {
  return [...new Set([...(worker.domain ? [worker.domain] : []), ...(worker.aliases ?? [])])];
}
