// A worker's access as the manifest decides it: the fleet's `access`, `owners` and `protect`,
// with the worker's own entries over them. Every caller (fleet access, fleet create, the
// scaffold's CODEOWNERS) asks here.
import type { Manifest, Permission } from "./schema.js";

export interface WorkerAccess {
  /** Team slug → permission. */
  teams: Record<string, Permission>;
  /** Login → permission. */
  users: Record<string, Permission>;
  /** Code owners, `@org/team-slug` or `@login`, as CODEOWNERS writes them. */
  owners: string[];
  /** Whether main is protected by fleet's ruleset. */
  protect: boolean;
}

/**
 * Teams and users: the worker's entries are added to the fleet's, and win for the same team or
 * user. Owners: the worker's list replaces the fleet's (who reviews is decided per repository).
 * Protect: the worker's value wins.
 */
export function accessOf(manifest: Manifest, id: string): WorkerAccess {
  const worker = manifest.workers[id];
  return {
    teams: sortedRecord({ ...manifest.access?.teams, ...worker?.access?.teams }),
    users: sortedRecord({ ...manifest.access?.users, ...worker?.access?.users }),
    owners: [...(worker?.owners ?? manifest.owners ?? [])],
    protect: worker?.protect ?? manifest.protect ?? false,
  };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
