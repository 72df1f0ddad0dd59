// Durable Objects at cutover. In the router layout the platform's config defines the classes of
// its services (its own bindings, no `script_name`), so every object a service stored lives in
// the platform's namespace; until the cutover the worker binds that namespace by `script_name`.
// At the cutover the namespace moves to the worker with Cloudflare's own mechanism — the worker
// deploys a `transferred_classes` migration — and, in the same cutover commit, the platform's
// config binds the class to the worker by `script_name`, so it no longer defines it. This file is
// the platform side: which classes move, and the text edit of its config (every other byte left
// alone, checked by parsing the result).
import { applyEdits, modify } from "jsonc-parser";
import { UserError } from "../errors.js";
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";
import { objectExport, objectSections } from "../discovery/durable-objects.js";

/** The platform's config with every binding of the moved classes given `script_name = <script>`. */
export function bindObjectsTo(text: string, file: string, classes: readonly string[], script: string): string {
  const before = parseWranglerConfig(text, file);
  let edited = text;
  for (const { env, bindings } of objectSections(before)) {
    bindings.forEach((b, index) => {
      if (typeof b.class_name !== "string" || !classes.includes(b.class_name) || b.script_name === script) return;
      edited = file.endsWith(".toml") ? addScriptNameToml(edited, file, env, b.class_name, script) : addScriptNameJson(edited, env, index, script);
    });
  }
  // the declarative form: the class marked transferred to the worker (wrangler takes only these keys then)
  for (const className of classes) {
    const entry = objectExport(before, className);
    if (!entry || (entry.state === "transferred" && entry.transferred_to === script)) continue;
    edited = file.endsWith(".toml") ? transferredToml(edited, file, className, script) : transferredJson(edited, className, script);
  }
  if (edited !== text) check(before, edited, file, classes, script);
  return edited;
}

/** A class's `exports` entry once it is handed to `script`. */
export function transferredExport(script: string): Record<string, string> {
  return { type: "durable-object", state: "transferred", transferred_to: script };
}

function transferredJson(text: string, className: string, script: string): string {
  return applyEdits(text, modify(text, ["exports", className], transferredExport(script), { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

/** TOML: the `[exports.<class>]` table's keys replaced by the transferred entry's (comments and other tables stay). */
function transferredToml(text: string, file: string, className: string, script: string): string {
  const name = className.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const header = new RegExp(`^\\[\\s*exports\\.(?:${name}|"${name}")\\s*\\][^\\n]*\\n`, "m").exec(text);
  if (!header) throw cannotEdit(file, className, script);
  const start = header.index + header[0].length;
  const next = text.slice(start).search(/^\s*\[/m);
  const end = next < 0 ? text.length : start + next;
  const keep = text
    .slice(start, end)
    .split("\n")
    .filter((line) => !/^\s*(type|state|storage|transferred_to|transfer_from|renamed_to|container)\s*=/.test(line));
  const entry = Object.entries(transferredExport(script)).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return `${text.slice(0, start)}${[...entry, ...keep].join("\n")}${text.slice(end)}`;
}

function addScriptNameJson(text: string, env: string, index: number, script: string): string {
  const path = [...(env ? ["env", env] : []), "durable_objects", "bindings", index, "script_name"];
  return applyEdits(text, modify(text, path, script, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

/**
 * TOML: in the `[[durable_objects.bindings]]` table (or the environment's) whose `class_name` is
 * the class, a `script_name` line after `class_name`. Inline forms are left to the check, which
 * refuses what it could not edit.
 */
function addScriptNameToml(text: string, file: string, env: string, className: string, script: string): string {
  const table = env ? `env\\.${env.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.durable_objects\\.bindings` : "durable_objects\\.bindings";
  const header = new RegExp(`^\\[\\[\\s*${table}\\s*\\]\\][^\\n]*\\n`, "gm");
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const start = match.index + match[0].length;
    const next = text.slice(start).search(/^\s*\[/m);
    const body = text.slice(start, next < 0 ? text.length : start + next);
    const line = new RegExp(`^([ \\t]*)class_name\\s*=\\s*["']${className}["'][^\\n]*(\\n|$)`, "m").exec(body);
    if (!line || /^\s*script_name\s*=/m.test(body)) continue;
    const at = start + line.index + line[0].length;
    const newline = line[2] ? "" : "\n";
    return `${text.slice(0, at)}${newline}${line[1]}script_name = ${JSON.stringify(script)}\n${text.slice(at)}`;
  }
  throw cannotEdit(file, className, script);
}

/** The edit must add `script_name` to those bindings and change nothing else. */
function check(before: WranglerConfig, text: string, file: string, classes: readonly string[], script: string): void {
  let after: WranglerConfig;
  try {
    after = parseWranglerConfig(text, file);
  } catch {
    throw cannotEdit(file, classes.join(", "), script);
  }
  const expected = JSON.parse(JSON.stringify(before.raw)) as Record<string, unknown>;
  for (const { bindings } of objectSections({ ...before, raw: expected } as WranglerConfig))
    for (const b of bindings) if (typeof b.class_name === "string" && classes.includes(b.class_name)) b.script_name = script;
  const exports = expected.exports as Record<string, Record<string, unknown>> | undefined;
  for (const className of classes) if (exports?.[className]?.type === "durable-object") exports[className] = transferredExport(script);
  if (canonical(expected) !== canonical(after.raw)) throw cannotEdit(file, classes.join(", "), script);
}

/** JSON with object keys sorted: a key the edit put in another place compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function cannotEdit(file: string, className: string, script: string): UserError {
  return new UserError(`${file}: could not bind the Durable Object class ${className} to ${script} without changing anything else`, {
    hint: `add script_name = "${script}" to every binding of ${className} (in every [env.*] section too) by hand, commit, and run the cutover again`,
  });
}
