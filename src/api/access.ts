// Who may do what in each worker repository: the manifest's access against what the forge
// reports, and, when asked, the writes that make them agree.
import { applyRow, observeAccess, type AccessAction } from "../access/apply.js";
import { needsWrite, planAccess, type AccessRow } from "../access/plan.js";
import { boundedMap } from "../concurrency/bounded.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { accessOf, type WorkerAccess } from "../manifest/access.js";
import { repoNameFor } from "../manifest/names.js";
import { openSession, whileLocked, workersOf, type FleetOptions } from "./session.js";

/** How many repositories are read at once. */
const READ_CONCURRENCY = 8;

export interface AccessCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest; external ones are left out). */
  workers?: string[];
  /** Grant what is missing or at the wrong level, and protect main where asked. */
  apply?: boolean;
  /** With apply: also revoke grants the manifest does not name. */
  prune?: boolean;
  /** Told once the writes are known: how many, and how long the forge's pace makes them take (ms). */
  onStart?: (forge: string, writes: number, estimateMs: number) => void;
  /** After each write: how many are done, and how long the rest should take (ms). */
  onProgress?: (done: number, leftMs: number) => void;
}

export interface AccessRowResult extends AccessRow {
  /** What --apply did about the row. */
  action?: AccessAction | "failed";
  detail?: string;
}

export interface RepositoryAccess {
  worker: string;
  repository: string;
  /** The manifest's access for the worker. */
  wants: WorkerAccess;
  rows: AccessRowResult[];
}

export interface AccessResult {
  forge: string;
  applied: boolean;
  pruned: boolean;
  /** Workers left out because they are external. */
  external: string[];
  repositories: RepositoryAccess[];
  /** Whether anything still differs from the manifest (after the writes, when applying). */
  differs: boolean;
}

/** Whether a row still differs once its action (if any) is done. */
export function stillDiffers(row: AccessRowResult): boolean {
  return row.state !== "ok" && (row.action === undefined || row.action === "failed");
}

/**
 * Reads every repository's grants (and ruleset where `protect` asks for one), compares them with
 * the manifest, and with `apply` makes the writes, one at a time, paced by the forge. A write the
 * forge refuses for a reason of the user's (a token without the permission, a team that does not
 * exist) stops the run with a UserError; run again, it picks up where it stopped.
 */
export async function access(options: AccessCall = {}): Promise<AccessResult> {
  const session = openSession(options);
  const work = async (): Promise<AccessResult> => {
    const manifest = await session.manifest();
    const selected = workersOf(manifest, options.workers);
    const external = selected.filter((id) => manifest.workers[id]!.external);
    const ids = selected.filter((id) => !manifest.workers[id]!.external);
    const forge = forgeFor(manifest, session.cwd, session.env, session.log);
    const names = ids.map((id) => repoNameFor(manifest, id));
    const heads = await forge.heads(names);
    const repositories = await boundedMap(ids, READ_CONCURRENCY, async (id): Promise<RepositoryAccess> => {
      const repository = repoNameFor(manifest, id);
      const wants = accessOf(manifest, id);
      const observed = heads.has(repository) ? await observeAccess(forge, repository, wants) : undefined;
      return { worker: id, repository, wants, rows: planAccess(id, repository, wants, observed) };
    });
    const prune = Boolean(options.prune);
    if (options.apply) {
      const todo = repositories.flatMap((r) => r.rows.filter((row) => needsWrite(row, prune)));
      options.onStart?.(forge.label, todo.length, forge.writeTime(todo.length));
      let done = 0;
      for (const row of todo) {
        try {
          (row as AccessRowResult).action = await applyRow(forge, row);
        } catch (error) {
          if (error instanceof UserError) throw error;
          Object.assign(row, { action: "failed", detail: (error as Error).message.split("\n")[0] });
        }
        options.onProgress?.(++done, forge.writeTime(todo.length - done));
      }
    }
    return {
      forge: forge.label,
      applied: Boolean(options.apply),
      pruned: Boolean(options.apply) && prune,
      external,
      repositories,
      differs: repositories.some((r) => r.rows.some(stillDiffers)),
    };
  };
  // reading needs no lock; writing to the local forge's files does
  return options.apply ? whileLocked(session, "fleet access --apply (library)", work) : work();
}
