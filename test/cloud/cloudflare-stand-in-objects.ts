// The stand-in's Durable Object namespaces, modelled as Cloudflare documents them: a namespace
// (every object in it) belongs to one class of one script. An upload's migration steps create
// classes (`new_classes`, `new_sqlite_classes`), delete them, and transfer another script's
// (`transferred_classes: [{ from, from_script, to }]`): the source script loses the class, a
// second transfer of it is refused, and so is an upload by the old owner that still binds the class
// as its own. The script's migration tag is what wrangler reads back (`/workers/services/{name}`)
// to send only the steps not applied yet; an upload whose `old_tag` is not the script's is refused.
// The edge runs each namespace under one storage key, persisted across its runtime generations,
// so after a transfer the new owner reads the very objects the old one wrote.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Namespace {
  script: string;
  className: string;
}

interface Step {
  new_classes?: string[];
  new_sqlite_classes?: string[];
  deleted_classes?: string[];
  transferred_classes?: { from: string; from_script: string; to: string }[];
}

interface Migrations extends Step {
  old_tag?: string;
  new_tag?: string;
  steps?: Step[];
}

export class StandInObjects {
  /** Storage key → the script and class owning the namespace now. */
  readonly namespaces = new Map<string, Namespace>();
  readonly tags = new Map<string, string>();
  /** The declarative form: `<script>/<class>` → the script it expects the class from (`expecting-transfer`). */
  readonly expecting = new Map<string, string>();
  /** Where the edge keeps the objects, across its runtime generations. */
  readonly persist = mkdtempSync(join(tmpdir(), "fleet-stand-in-objects-"));

  keyOf(script: string, className: string): string | undefined {
    return [...this.namespaces].find(([, n]) => n.script === script && n.className === className)?.[0];
  }

  /**
   * An upload's migrations applied and its own-class bindings checked; a refusal (Cloudflare's
   * error) changes nothing.
   */
  upload(script: string, metadata: Record<string, unknown>): { code: number; message: string } | undefined {
    const namespaces = new Map([...this.namespaces].map(([k, n]) => [k, { ...n }]));
    const owner = (s: string, c: string) => [...namespaces].find(([, n]) => n.script === s && n.className === c)?.[0];
    const migrations = metadata.migrations as Migrations | undefined;
    const current = this.tags.get(script);
    if (migrations) {
      if ((migrations.old_tag ?? undefined) !== current) {
        return {
          code: 10079,
          message: `migration precondition failed: ${script}'s migration tag is ${current ?? "none"}, the upload's old_tag ${migrations.old_tag ?? "none"}`,
        };
      }
      for (const step of migrations.steps ?? [migrations]) {
        for (const className of [...(step.new_classes ?? []), ...(step.new_sqlite_classes ?? [])])
          if (!owner(script, className)) namespaces.set(`${script}-${className}`, { script, className });
        for (const t of step.transferred_classes ?? []) {
          const key = owner(t.from_script, t.from);
          if (!key) return { code: 10074, message: `cannot transfer Durable Object class ${t.from} from script ${t.from_script}: it has no such class` };
          namespaces.set(key, { script, className: t.to });
        }
        for (const className of step.deleted_classes ?? []) {
          const key = owner(script, className);
          if (key) namespaces.delete(key);
        }
      }
    }
    const expecting = new Map(this.expecting);
    const refused = declaredExports(script, metadata, namespaces, expecting, owner);
    if (refused) return refused;
    for (const b of ownBindings(script, metadata)) {
      if (owner(script, b.class_name) || expecting.has(`${script}/${b.class_name}`)) continue;
      const holder = namespaces.get(`${script}-${b.class_name}`);
      if (holder) return { code: 10061, message: `binding ${b.name}: Durable Object class ${b.class_name} of ${script} was transferred to ${holder.script}` };
      namespaces.set(`${script}-${b.class_name}`, { script, className: b.class_name });
    }
    this.namespaces.clear();
    for (const [k, n] of namespaces) this.namespaces.set(k, n);
    if (migrations?.new_tag) this.tags.set(script, migrations.new_tag);
    this.expecting.clear();
    for (const [k, v] of expecting) this.expecting.set(k, v);
    return undefined;
  }

  /** A live script's Durable Object bindings as Miniflare takes them (another script's class only while that script is live). */
  miniflareBindings(script: string, bindings: Record<string, unknown>[], live: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const b of bindings.filter((x) => x.type === "durable_object_namespace")) {
      const className = String(b.class_name);
      if (b.script_name && b.script_name !== script) {
        if (live.has(String(b.script_name))) out[String(b.name)] = { className, scriptName: String(b.script_name) };
        continue;
      }
      const key = this.keyOf(script, className);
      if (key) out[String(b.name)] = { className, unsafeUniqueKey: key };
    }
    return out;
  }
}

/**
 * The declarative form (metadata `exports`): a class created or deleted; the destination awaits a
 * class (`expecting-transfer`), and the source's `transferred` hands its namespace over — refused
 * when the destination does not expect it.
 */
function declaredExports(
  script: string,
  metadata: Record<string, unknown>,
  namespaces: Map<string, Namespace>,
  expecting: Map<string, string>,
  owner: (s: string, c: string) => string | undefined,
): { code: number; message: string } | undefined {
  const exports = (metadata.exports ?? {}) as Record<string, { type?: string; state?: string; transferred_to?: string; transfer_from?: string }>;
  for (const [className, e] of Object.entries(exports)) {
    if (e.type !== "durable-object") continue;
    const here = owner(script, className);
    const state = e.state ?? "created";
    if (state === "created" && !here && !namespaces.has(`${script}-${className}`)) namespaces.set(`${script}-${className}`, { script, className });
    else if (state === "deleted" && here) namespaces.delete(here);
    else if (state === "expecting-transfer" && e.transfer_from && !here) expecting.set(`${script}/${className}`, e.transfer_from);
    else if (state === "transferred" && e.transferred_to && here) {
      if (expecting.get(`${e.transferred_to}/${className}`) !== script)
        return { code: 10074, message: `cannot transfer Durable Object class ${className} to ${e.transferred_to}: it does not expect it` };
      namespaces.set(here, { script: e.transferred_to, className });
      expecting.delete(`${e.transferred_to}/${className}`);
    }
  }
  return undefined;
}

function ownBindings(script: string, metadata: Record<string, unknown>): { name: string; class_name: string }[] {
  const bindings = (metadata.bindings ?? []) as { type: string; name: string; class_name?: string; script_name?: string }[];
  return bindings
    .filter((b) => b.type === "durable_object_namespace" && b.class_name && (!b.script_name || b.script_name === script))
    .map((b) => ({ name: b.name, class_name: b.class_name! }));
}
