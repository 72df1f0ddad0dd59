// Every account resource a wrangler config binds, as the deploy of one environment uploads it,
// each with the config line that names it: what the preflight looks up before anything deploys.
// Bindings are not inherited by wrangler environments: a declared `env.<name>` section's own lists
// are what `wrangler deploy --env <name>` binds, the top level's are not.
import { parse as parseJsonc, parseTree, findNodeAtLocation } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { configLine } from "./config-lines.js";

export type ResourceKind = "kv" | "d1" | "r2" | "queue" | "hyperdrive" | "vectorize" | "script";

export interface BoundResource {
  kind: ResourceKind;
  /** The binding's name (a queue consumer, which has none, is "consumer of <queue>"). */
  binding: string;
  /** What it names on the account: namespace id, database id (else name), bucket, queue, config id, index, script. */
  resource: string;
  /** How the binding names it, for the message: "id", "database_name", "service", "script_name"… */
  field: string;
  /** A D1 database named by name only (no database_id), an R2 bucket's jurisdiction. */
  byName?: boolean;
  jurisdiction?: string;
  /** `file:line` of the value naming it (the file alone when the line cannot be told). */
  at: string;
}

/** One resource a worker binds, as the cloud is asked about it. */
export interface ResourceLookup extends BoundResource {
  /** The deploy target's id and its script. */
  worker: string;
  script: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** [config key path, kind, the fields naming the resource in order of preference, the binding's name field]. */
const LISTS: [string[], ResourceKind, string[], string][] = [
  [["kv_namespaces"], "kv", ["id"], "binding"],
  [["d1_databases"], "d1", ["database_id", "database_name"], "binding"],
  [["r2_buckets"], "r2", ["bucket_name"], "binding"],
  [["queues", "producers"], "queue", ["queue"], "binding"],
  [["queues", "consumers"], "queue", ["queue"], ""],
  [["hyperdrive"], "hyperdrive", ["id"], "binding"],
  [["vectorize"], "vectorize", ["index_name"], "binding"],
  [["services"], "script", ["service"], "binding"],
  [["durable_objects", "bindings"], "script", ["script_name"], "name"],
];

/**
 * The resources `file` (its text) binds for `environment` (a section the config declares; none:
 * the top level). A binding naming no resource (wrangler provisions one) is not listed.
 */
export function boundResources(text: string, file: string, environment?: string): BoundResource[] {
  const raw = (file.endsWith(".toml") ? parseToml(text) : parseJsonc(text, [], { allowTrailingComma: true })) as unknown;
  if (!isObject(raw)) return [];
  const base = environment ? ["env", environment] : [];
  const section = environment ? (raw.env as Json | undefined)?.[environment] : raw;
  if (!isObject(section)) return [];
  const tree = file.endsWith(".toml") ? undefined : parseTree(text, [], { allowTrailingComma: true });
  const out: BoundResource[] = [];
  for (const [keys, kind, fields, nameField] of LISTS) {
    const list = keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), section);
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (!isObject(item)) return;
      const field = fields.find((f) => typeof item[f] === "string" && item[f]);
      if (!field) return;
      const resource = item[field] as string;
      const path = [...base, ...keys, index, field];
      const node = tree && findNodeAtLocation(tree, path);
      const at = node ? lineAt(file, text, node.offset) : configLine(file, text, path, resource);
      const binding = nameField ? String(item[nameField] ?? "") : `consumer of ${resource}`;
      out.push({
        kind,
        binding,
        resource,
        field,
        ...(kind === "d1" && field === "database_name" ? { byName: true } : {}),
        ...(typeof item.jurisdiction === "string" && item.jurisdiction ? { jurisdiction: item.jurisdiction } : {}),
        at,
      });
    });
  }
  return out;
}

function lineAt(file: string, text: string, offset: number): string {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return `${file}:${line}`;
}
