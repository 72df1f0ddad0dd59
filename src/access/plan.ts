// What a worker repository's access should be (the manifest) against what the forge reports:
// one row per team, user and the ruleset, each ok, missing, extra (granted by hand) or at the
// wrong level. Pure: `fleet access` prints it, `--apply` and `fleet create` carry it out.
import type { Grant, MainRuleset, Permission } from "../forge/forge.js";
import type { WorkerAccess } from "../manifest/access.js";

/** What the forge reports of one repository; undefined when the repository does not exist. */
export interface ObservedAccess {
  grants: Grant[];
  /** Fleet's ruleset on main; not read when the worker does not ask for protection. */
  ruleset?: MainRuleset;
}

export type AccessState = "ok" | "missing" | "extra" | "wrong-level" | "no-repository";

export interface AccessRow {
  worker: string;
  repository: string;
  kind: "team" | "user" | "ruleset" | "repository";
  /** Team slug, user login, "main" for the ruleset, the repository's name. */
  who: string;
  /** The permission the manifest gives, "protected" for the ruleset; null for a grant it does not name. */
  wants: string | null;
  /** The permission the forge reports, the ruleset's state ("matches", "differs"); null for none. */
  has: string | null;
  /** An invitation not yet accepted (GitHub): it counts as granted. */
  pending?: boolean;
  state: AccessState;
}

export function planAccess(worker: string, repository: string, wants: WorkerAccess, observed: ObservedAccess | undefined): AccessRow[] {
  const row = (r: Omit<AccessRow, "worker" | "repository">): AccessRow => ({ worker, repository, ...r });
  if (!observed) return [row({ kind: "repository", who: repository, wants: "exists", has: null, state: "no-repository" })];
  const rows: AccessRow[] = [];
  for (const kind of ["team", "user"] as const) {
    const wanted = new Map(Object.entries(kind === "team" ? wants.teams : wants.users).map(([name, p]) => [name.toLowerCase(), { name, p }]));
    const held = observed.grants.filter((g) => g.kind === kind);
    for (const { name, p } of wanted.values()) {
      const grant = held.find((g) => g.name.toLowerCase() === name.toLowerCase());
      const state = !grant ? "missing" : grant.permission === p ? "ok" : "wrong-level";
      rows.push(row({ kind, who: name, wants: p, has: grant?.permission ?? null, ...(grant?.pending ? { pending: true } : {}), state }));
    }
    for (const grant of held) {
      if (wanted.has(grant.name.toLowerCase())) continue;
      rows.push(row({ kind, who: grant.name, wants: null, has: grant.permission, ...(grant.pending ? { pending: true } : {}), state: "extra" }));
    }
  }
  if (wants.protect) {
    const has = observed.ruleset ?? "missing";
    rows.push(
      row({
        kind: "ruleset",
        who: "main",
        wants: "protected",
        has: has === "missing" ? null : has,
        state: has === "matches" ? "ok" : has === "missing" ? "missing" : "wrong-level",
      }),
    );
  }
  return rows;
}

/** The write a row needs: none for ok rows, for a missing repository, and for extras without prune. */
export function needsWrite(row: AccessRow, prune: boolean): boolean {
  if (row.state === "missing" || row.state === "wrong-level") return true;
  return row.state === "extra" && prune;
}

/** The permission a row grants (teams and users). */
export function grantOf(row: AccessRow): Grant {
  return { kind: row.kind as Grant["kind"], name: row.who, permission: row.wants as Permission };
}
