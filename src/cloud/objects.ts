// Durable Object namespaces in the local cloud, modelled as Cloudflare keeps them: a namespace (and
// every object stored in it) belongs to one class of one script. A script that binds a class of
// its own gets a namespace the first time; a migration step's `transferred_classes` hands an
// existing namespace, data and all, to another script's class, and the old owner no longer has it.
// The namespace's storage key never changes, so after a transfer the new owner reads the very
// objects the old one wrote (Miniflare keys a namespace's storage and its object ids by it).
import type { WorkerSpec } from "./spec.js";

/** Storage key → the script and class that own the namespace now. */
export type ObjectNamespaces = Record<string, { script: string; className: string; previous?: { script: string; className: string; tag: string }[] }>;

/** What the cloud holds about Durable Objects: the namespaces, and the migration tags each script applied. */
export interface ObjectState {
  objects?: ObjectNamespaces;
  migrations?: Record<string, string[]>;
  /** The declarative form: `<script>/<class>` → the script it expects the class from (`expecting-transfer`). */
  expecting?: Record<string, string>;
}

/** What a transfer declared in `exports` is recorded under, in place of a migration tag. */
export const EXPORTS_TRANSFER = "exports";

/** A deploy or rollback the Durable Object namespaces forbid; nothing was changed. */
export class ObjectsRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObjectsRefused";
  }
}

/** The storage key of the namespace `script`'s class `className` owns now. */
export function namespaceOf(objects: ObjectNamespaces | undefined, script: string, className: string): string | undefined {
  return Object.entries(objects ?? {}).find(([, o]) => o.script === script && o.className === className)?.[0];
}

/** Who holds the namespace a script's class would have been created under, when another script does. */
export function transferredAway(objects: ObjectNamespaces | undefined, script: string, className: string): string | undefined {
  const holder = objects?.[`${script}-${className}`];
  return holder && (holder.script !== script || holder.className !== className) ? holder.script : undefined;
}

/**
 * The namespaces and applied tags after `spec` deploys: its migration steps not applied yet, in
 * order (transfers, deletions), then a namespace for every class it binds as its own. Refuses a
 * transfer from a class that does not exist (never defined, or transferred already) and a binding
 * to a class of its own whose objects went to another script.
 */
export function objectsAfterDeploy(state: ObjectState, spec: WorkerSpec): Required<ObjectState> {
  const objects = { ...state.objects };
  const applied = new Set(state.migrations?.[spec.script] ?? []);
  for (const step of spec.migrationSteps ?? []) {
    if (applied.has(step.tag)) continue;
    for (const t of step.transfers) {
      const key = namespaceOf(objects, t.fromScript, t.from);
      if (!key) {
        const why = "transferred already, or never created";
        throw new ObjectsRefused(
          `${spec.script}: migration ${step.tag} transfers the Durable Object class ${t.from} from ${t.fromScript}, which has no such class (${why})`,
        );
      }
      if (namespaceOf(objects, spec.script, t.to))
        throw new ObjectsRefused(`${spec.script}: migration ${step.tag} transfers into ${t.to}, which it already has`);
      const previous = [...(objects[key]!.previous ?? []), { script: t.fromScript, className: t.from, tag: step.tag }];
      objects[key] = { script: spec.script, className: t.to, previous };
    }
    for (const className of step.deleted) {
      const key = namespaceOf(objects, spec.script, className);
      if (key) delete objects[key];
    }
    applied.add(step.tag);
  }
  const expecting = { ...state.expecting };
  exportsAfterDeploy(objects, expecting, spec);
  for (const [binding, d] of Object.entries(spec.durableObjects)) {
    if (d.scriptName && d.scriptName !== spec.script) continue;
    if (namespaceOf(objects, spec.script, d.className)) continue;
    // awaiting the class from another script: it has no objects of its own until that one hands them over
    if (expecting[`${spec.script}/${d.className}`]) continue;
    const holder = transferredAway(objects, spec.script, d.className);
    if (holder) {
      const fix = `bind it with script_name "${holder}"`;
      throw new ObjectsRefused(
        `${spec.script}: binding ${binding} names the Durable Object class ${d.className} as its own, but its objects were transferred to ${holder}; ${fix}`,
      );
    }
    objects[`${spec.script}-${d.className}`] = { script: spec.script, className: d.className };
  }
  return { objects, migrations: { ...state.migrations, [spec.script]: [...applied] }, expecting };
}

/**
 * The declarative form (`exports`): a class `created` gets a namespace, `deleted` loses it; the
 * destination declares `expecting-transfer` (from a script) first, then the source's
 * `transferred` (to it) hands the namespace over. A source marking a class transferred to a script
 * that does not expect it is refused.
 */
function exportsAfterDeploy(objects: ObjectNamespaces, expecting: Record<string, string>, spec: WorkerSpec): void {
  for (const [className, e] of Object.entries(spec.objectExports ?? {})) {
    const here = namespaceOf(objects, spec.script, className);
    if (e.state === "created" && !here && !transferredAway(objects, spec.script, className))
      objects[`${spec.script}-${className}`] = { script: spec.script, className };
    else if (e.state === "deleted" && here) delete objects[here];
    else if (e.state === "expecting-transfer" && e.transferFrom && !here) expecting[`${spec.script}/${className}`] = e.transferFrom;
    else if (e.state === "transferred" && e.transferredTo && here) {
      const awaited = `${e.transferredTo}/${className}`;
      if (expecting[awaited] !== spec.script) {
        const first = `deploy ${e.transferredTo} with the class in state "expecting-transfer" from ${spec.script} first`;
        throw new ObjectsRefused(`${spec.script}: exports mark ${className} transferred to ${e.transferredTo}, which does not expect it; ${first}`);
      }
      const previous = [...(objects[here]!.previous ?? []), { script: spec.script, className, tag: EXPORTS_TRANSFER }];
      objects[here] = { script: e.transferredTo, className, previous };
      delete expecting[awaited];
    }
  }
}

/** The namespaces `script` took by a transfer whose migration `target` does not hold: what a rollback to it would cross. */
export function transfersCrossed(state: ObjectState, script: string, target: WorkerSpec): string[] {
  const kept = new Set((target.migrationSteps ?? []).map((s) => s.tag));
  return Object.entries(state.objects ?? {})
    .filter(([, o]) => o.script === script && o.previous?.length && !kept.has(o.previous.at(-1)!.tag))
    .map(([key]) => key);
}

/**
 * The namespaces `keys` handed back to the script and class they came from (the cutover's undo:
 * the data goes back where it was, with the migration tag that moved it forgotten, so the same
 * transfer can run again later).
 */
export function objectsAfterUndo(state: ObjectState, script: string, keys: readonly string[]): Required<ObjectState> {
  const objects = { ...state.objects };
  const forgotten = new Set<string>();
  for (const key of keys) {
    const o = objects[key];
    const last = o?.previous?.at(-1);
    if (!o || !last || o.script !== script) continue;
    objects[key] = { script: last.script, className: last.className, ...(o.previous!.length > 1 ? { previous: o.previous!.slice(0, -1) } : {}) };
    forgotten.add(last.tag);
  }
  const tags = (state.migrations?.[script] ?? []).filter((t) => !forgotten.has(t));
  return { objects, migrations: { ...state.migrations, [script]: tags }, expecting: { ...state.expecting } };
}
