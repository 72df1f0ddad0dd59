// What this clone of the monorepo remembers of each worker repository since it last synced or read
// it (refs/fleet/{synced,carried,dependencies,worker}/<id>, written by sync), read in one git call.
// A clone without them (a fresh CI checkout) reads the worker repositories instead: the records
// there (the Fleet-Split trailer) are the truth; these refs only spare reading them again.
import { git } from "../git/git.js";
import { blobId, dependenciesRecord, type SyncTarget } from "./sync.js";

export interface Remembered {
  /** The split fleet last merged into the repository, or found merged there. */
  synced?: string;
  /** The blob of the carried context file it holds. */
  carried?: string;
  /** The blob of the npm ranges record it holds. */
  dependencies?: string;
  /** Its main as fleet last pushed or read it. */
  worker?: string;
}

export async function rememberedSyncs(repo: string): Promise<Map<string, Remembered>> {
  const { stdout } = await git(
    ["for-each-ref", "--format=%(refname) %(objectname)", "refs/fleet/synced/", "refs/fleet/carried/", "refs/fleet/dependencies/", "refs/fleet/worker/"],
    { cwd: repo },
  );
  const out = new Map<string, Remembered>();
  for (const line of stdout.split("\n")) {
    const match = /^refs\/fleet\/(synced|carried|dependencies|worker)\/(\S+) ([0-9a-f]+)$/.exec(line);
    if (!match) continue;
    const [, kind, id, object] = match as unknown as [string, keyof Remembered, string, string];
    out.set(id, { ...out.get(id), [kind]: object });
  }
  return out;
}

/** Whether the target is what fleet last synced: the same split, carried file and npm ranges. */
export function sameAsSynced(target: SyncTarget, remembered: Remembered | undefined): boolean {
  return (
    remembered !== undefined &&
    target.split === remembered.synced &&
    (target.carried === undefined || blobId(target.carried.content) === remembered.carried) &&
    (target.dependencies === undefined || blobId(dependenciesRecord(target.dependencies)) === remembered.dependencies)
  );
}
