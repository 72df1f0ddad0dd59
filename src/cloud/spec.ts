// What the cloud needs to run a worker, read from its wrangler config (optionally one of its
// environments, whose non-inheritable keys replace the top level's, as wrangler does).
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";

export interface WorkerSpec {
  /** The script name (wrangler's `name`). */
  script: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Hostnames the worker claims (routes and custom domains). */
  routes: string[];
  kv: string[];
  d1: string[];
  r2: string[];
  durableObjects: Record<string, { className: string; scriptName?: string }>;
  vars: Record<string, string>;
  /** Service bindings: binding → target script. */
  services: Record<string, string>;
  /** Cron schedules it runs on (`triggers.crons`). Absent in versions stored before triggers were kept. */
  crons?: string[];
  /** Queues it consumes, with the batch settings Miniflare takes (one consumer per queue, as Cloudflare). */
  queueConsumers?: Record<string, { maxBatchSize?: number; maxBatchTimeout?: number }>;
  /** Queue producer bindings: binding → queue name. */
  queueProducers?: Record<string, string>;
  /** The newest Durable Object migration's tag (the last `migrations[].tag`); absent: none. */
  migrationTag?: string;
  /** Every Durable Object migration step, in order (the cloud applies those it has not applied yet). */
  migrationSteps?: MigrationStep[];
  /** The declarative form (`exports`, exclusive with `migrations`): each Durable Object class and its state. */
  objectExports?: Record<string, ObjectExport>;
  /**
   * D1 binding → its newest migration in the version's checkout (`d1-migrations.ts`): the
   * database's migration level once the version is live, since a deploy applies the pending ones first.
   */
  d1Migrations?: Record<string, string>;
  /** What each KV, D1 and R2 binding names on the account: binding → namespace id, database (id or name), bucket. */
  resources?: { kv: Record<string, string>; d1: Record<string, string>; r2: Record<string, string> };
}

/** A Durable Object class declared in `exports`: created, or handed to (`transferred`) or awaited from (`expecting-transfer`) another script. */
export interface ObjectExport {
  state: "created" | "deleted" | "renamed" | "transferred" | "expecting-transfer";
  transferredTo?: string;
  transferFrom?: string;
}

/** One `migrations[]` entry: classes it creates, deletes, and takes over from another script. */
export interface MigrationStep {
  tag: string;
  created: string[];
  deleted: string[];
  /** `transferred_classes`: the namespace of `fromScript`'s class `from` (every object in it) becomes this script's class `to`. */
  transfers: { from: string; fromScript: string; to: string }[];
}

export function specFromConfig(config: WranglerConfig, environment?: string): WorkerSpec {
  let effective = config;
  const envs = config.raw.env as Record<string, Record<string, unknown>> | undefined;
  if (environment) {
    const section = envs?.[environment];
    if (!section) throw new Error(`${config.file} has no environment "${environment}"`);
    effective = parseWranglerConfig(JSON.stringify({ ...config.raw, ...section, env: undefined }), `${config.file}.json`);
  }
  const of = (kind: string) => [...effective.bindings.values()].filter((b) => b.kind === kind);
  return {
    script: effective.name ?? "worker",
    compatibilityDate: effective.compatibilityDate ?? "2025-09-01",
    compatibilityFlags: effective.compatibilityFlags,
    routes: [...new Set(effective.routes.map((r) => r.host))].sort(),
    kv: of("kv").map((b) => b.name),
    d1: of("d1").map((b) => b.name),
    r2: of("r2").map((b) => b.name),
    durableObjects: Object.fromEntries(
      of("durable-object").map((b) => [
        b.name,
        { className: String(b.config.class_name), ...(b.config.script_name ? { scriptName: String(b.config.script_name) } : {}) },
      ]),
    ),
    vars: Object.fromEntries(of("var").map((b) => [b.name, typeof b.config.value === "string" ? b.config.value : JSON.stringify(b.config.value)])),
    services: Object.fromEntries(of("service").map((b) => [b.name, String(b.config.service)])),
    // `triggers` is inherited by an environment, `queues` is not (wrangler reads them so)
    ...triggerSpecOf(environment ? { ...effective.raw, queues: envs?.[environment]?.queues } : effective.raw),
    ...migrationTagOf(effective.raw.migrations),
    ...migrationStepsOf(effective.raw.migrations),
    ...objectExportsOf(effective.raw.exports),
    resources: {
      kv: resourcesOf(of("kv"), ["id", "preview_id"]),
      d1: resourcesOf(of("d1"), ["database_id", "database_name"]),
      r2: resourcesOf(of("r2"), ["bucket_name"]),
    },
  };
}

/** Crons (inherited by environments, as wrangler reads them), consumed queues and producer bindings. */
export function triggerSpecOf(raw: Record<string, unknown>): Pick<WorkerSpec, "crons" | "queueConsumers" | "queueProducers"> {
  const record = (v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const crons = record(raw.triggers).crons;
  const queues = record(raw.queues);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(record) : []);
  const number = (v: unknown) => (typeof v === "number" ? v : undefined);
  const consumers: NonNullable<WorkerSpec["queueConsumers"]> = {};
  for (const c of list(queues.consumers)) {
    if (typeof c.queue !== "string") continue;
    const size = number(c.max_batch_size);
    const timeout = number(c.max_batch_timeout);
    consumers[c.queue] = { ...(size !== undefined ? { maxBatchSize: size } : {}), ...(timeout !== undefined ? { maxBatchTimeout: timeout } : {}) };
  }
  const producers = Object.fromEntries(
    list(queues.producers).flatMap((p) => (typeof p.binding === "string" && typeof p.queue === "string" ? [[p.binding, p.queue]] : [])),
  );
  return {
    crons: Array.isArray(crons) ? crons.filter((c): c is string => typeof c === "string") : [],
    queueConsumers: consumers,
    queueProducers: producers,
  };
}

function migrationTagOf(migrations: unknown): { migrationTag?: string } {
  const tags = (Array.isArray(migrations) ? migrations : []).map((m) => (m as { tag?: unknown })?.tag).filter((t): t is string => typeof t === "string");
  return tags.length ? { migrationTag: tags.at(-1)! } : {};
}

function objectExportsOf(exports: unknown): { objectExports?: Record<string, ObjectExport> } {
  if (!exports || typeof exports !== "object") return {};
  const out: Record<string, ObjectExport> = {};
  for (const [className, value] of Object.entries(exports as Record<string, Record<string, unknown>>)) {
    if (value?.type !== "durable-object") continue;
    out[className] = {
      state: (typeof value.state === "string" ? value.state : "created") as ObjectExport["state"],
      ...(typeof value.transferred_to === "string" ? { transferredTo: value.transferred_to } : {}),
      ...(typeof value.transfer_from === "string" ? { transferFrom: value.transfer_from } : {}),
    };
  }
  return Object.keys(out).length ? { objectExports: out } : {};
}

function migrationStepsOf(migrations: unknown): { migrationSteps?: MigrationStep[] } {
  const list = (Array.isArray(migrations) ? migrations : []).filter((m): m is Record<string, unknown> => typeof m === "object" && m !== null);
  if (!list.length) return {};
  const names = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
  return {
    migrationSteps: list.map((m) => ({
      tag: String(m.tag ?? ""),
      created: [...names(m.new_classes), ...names(m.new_sqlite_classes)],
      deleted: names(m.deleted_classes),
      transfers: (Array.isArray(m.transferred_classes) ? (m.transferred_classes as Record<string, unknown>[]) : []).map((t) => ({
        from: String(t.from),
        fromScript: String(t.from_script),
        to: String(t.to),
      })),
    })),
  };
}

/** Binding → the first of `fields` it sets (the resource it names), for bindings that name one. */
function resourcesOf(bindings: { name: string; config: Record<string, unknown> }[], fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of bindings) {
    const value = fields.map((f) => b.config[f]).find((v) => typeof v === "string" && v);
    if (typeof value === "string") out[b.name] = value;
  }
  return out;
}
