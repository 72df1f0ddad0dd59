// Carrying an access plan out on a forge, one write per row: grant (missing or wrong level),
// revoke (an extra grant, only with prune), protect main. Every write is decided from what the
// forge reports now, so a run stopped half-way repeats none of its writes when started again.
import type { Forge } from "../forge/forge.js";
import type { WorkerAccess } from "../manifest/access.js";
import { grantOf, type AccessRow, type ObservedAccess } from "./plan.js";

/** What the forge reports of a repository's access (its ruleset only when protection is wanted). */
export async function observeAccess(forge: Forge, repository: string, wants: WorkerAccess): Promise<ObservedAccess> {
  const [grants, ruleset] = await Promise.all([forge.grants(repository), wants.protect ? forge.mainRuleset(repository) : undefined]);
  return { grants, ...(ruleset ? { ruleset } : {}) };
}

export type AccessAction = "granted" | "changed" | "revoked" | "protected";

/** What a row's write is, in words ("grant team platform push"). */
export function describeWrite(row: AccessRow): string {
  if (row.kind === "ruleset") return row.state === "missing" ? "protect main with fleet's ruleset" : "put fleet's ruleset on main back";
  if (row.state === "extra") return `revoke ${row.kind} ${row.who} (${row.has})`;
  return `${row.state === "missing" ? "grant" : "change"} ${row.kind} ${row.who} ${row.state === "missing" ? row.wants : `${row.has} → ${row.wants}`}`;
}

/** Makes the one write a row needs, and says what it was. */
export async function applyRow(forge: Forge, row: AccessRow): Promise<AccessAction> {
  if (row.kind === "ruleset") {
    await forge.protectMain(row.repository);
    return "protected";
  }
  if (row.kind === "repository") throw new Error(`no write makes repository ${row.repository}; fleet create does`);
  if (row.state === "extra") {
    await forge.revoke(row.repository, { kind: row.kind, name: row.who });
    return "revoked";
  }
  await forge.grant(row.repository, grantOf(row));
  return row.state === "missing" ? "granted" : "changed";
}
