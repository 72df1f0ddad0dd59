// Which names a section of a wrangler config binds, and of what kind, as wrangler reads them:
// each field of the section goes through wrangler's own conversion of config to bindings (the one
// its dev server and its deploy use), so every kind wrangler knows is a binding — the ones added
// to wrangler after fleet was written too, without a change here. A field wrangler does not know
// binds nothing, as wrangler drops it.
//
// wrangler's whole reader (`unstable_readConfig`) is not used: it reads a file, and validates
// paths against the disk around it (a container's Dockerfile, an assets folder); fleet reads
// configs out of git trees, often at a commit that is not checked out. The fields are the raw
// ones, parsed with the same parsers wrangler uses; environments do not inherit bindings, so an
// environment's own fields are what wrangler's normaliser would keep for it.
//
// wrangler is large (about a second and 180 MB to load), and a fleet's configs repeat the same
// fields run after run: each field's reading is remembered by the field's text and wrangler's
// version, in memory and under the user's cache folder ($FLEET_CACHE_DIR, else
// ~/.cache/worker-fleet/wrangler-bindings), so wrangler is loaded only for a field not read before.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "../errors.js";

type Wrangler = typeof import("wrangler");
type Converted = Record<string, { type: string }>;

const require = createRequire(import.meta.url);
let wrangler: Wrangler | undefined;

/** wrangler, loaded on the first question not answered from memory. */
function loadWrangler(): Wrangler {
  return (wrangler ??= require("wrangler") as Wrangler);
}

let version: string | undefined;
/** wrangler's version, from its package.json (a reading is remembered per version). */
function wranglerVersion(): string {
  return (version ??= (JSON.parse(readFileSync(join(dirname(require.resolve("wrangler")), "..", "package.json"), "utf8")) as { version: string }).version);
}

const remembered = new Map<string, Converted>();

function cacheFolder(): string {
  const env = process.env;
  return join(env.FLEET_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "worker-fleet"), "wrangler-bindings");
}

/** wrangler's reading of one field as bindings (name → type), remembered by the field's text. */
function convertField(key: string, value: unknown): Converted {
  const id = createHash("sha256")
    .update(`${wranglerVersion()}\0${key}\0${JSON.stringify(value)}`)
    .digest("hex")
    .slice(0, 32);
  const known = remembered.get(id);
  if (known) return known;
  const file = join(cacheFolder(), `${id}.json`);
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as Converted;
    remembered.set(id, stored);
    return stored;
  } catch {
    // not read before (or unreadable): wrangler reads it
  }
  const { unstable_convertConfigBindingsToStartWorkerBindings: convert } = loadWrangler();
  const converted = (convert({ [key]: value } as never) ?? {}) as Record<string, { type: string } | undefined>;
  const types: Converted = {};
  for (const [name, binding] of Object.entries(converted)) if (binding) types[name] = { type: binding.type };
  remembered.set(id, types);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(types));
    renameSync(temporary, file); // whole or not at all: a reader never sees half of it
  } catch {
    // a cache that cannot be written only costs the next run the same reading
  }
  return types;
}

/** Where a binding's entry sits in its section. */
export interface EntryPlace {
  /** The field's path: ["kv_namespaces"], ["durable_objects", "bindings"], ["ai"], ["vars"]. */
  path: string[];
  /** A list of entries, one object that is the entry, or a record of name → value (`vars`, `text_blobs`). */
  shape: "list" | "single" | "record";
}

export interface BoundName {
  name: string;
  /** wrangler's type of the binding: "kv_namespace", "secrets_store_secret", "ratelimit", "unsafe_ratelimit"... */
  type: string;
  /** The entry as the config writes it (a record's value as `{ value }`). */
  config: Record<string, unknown>;
  at: EntryPlace;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Every name `section` (the top level or one `env.<name>`) binds, in the order of its fields.
 * `file` names the config in the error wrangler's reading gives a field it cannot read.
 */
export function boundNames(section: Record<string, unknown>, file: string): BoundName[] {
  const out: BoundName[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (key === "env" || value === undefined) continue;
    let converted: Converted;
    try {
      converted = convertField(key, value);
    } catch (error) {
      throw new UserError(`${file}: wrangler cannot read its "${key}" field as bindings (${(error as Error).message})`, {
        hint: `write "${key}" as wrangler's configuration reference shows it`,
        cause: error,
      });
    }
    for (const [name, binding] of Object.entries(converted)) {
      if (!name || name === "undefined" || !binding) continue;
      const found = entryOf(key, value, name);
      out.push({ name, type: binding.type, ...found });
    }
  }
  return out;
}

/** The entry naming `name` in the field `key` (a list, one entry, a record, or an object holding a list). */
function entryOf(key: string, value: unknown, name: string): { config: Record<string, unknown>; at: EntryPlace } {
  const names = (item: unknown) => isObject(item) && (item.binding === name || item.name === name);
  if (Array.isArray(value)) {
    const item = value.find(names);
    return { config: isObject(item) ? item : {}, at: { path: [key], shape: "list" } };
  }
  if (isObject(value)) {
    if (names(value)) return { config: value, at: { path: [key], shape: "single" } };
    for (const [field, inner] of Object.entries(value)) {
      const item = Array.isArray(inner) ? inner.find(names) : undefined;
      if (isObject(item)) return { config: item, at: { path: [key, field], shape: "list" } };
    }
    if (name in value) return { config: { value: value[name] }, at: { path: [key], shape: "record" } };
  }
  return { config: {}, at: { path: [key], shape: "single" } };
}
