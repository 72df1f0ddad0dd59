// The account's resources in the Cloudflare stand-in — KV namespaces, D1 databases, R2 buckets
// (per jurisdiction), queues, Hyperdrive configs, Vectorize indexes — and the account's script
// list: what fleet lists before a deploy to find a binding to something that is not there. Tests
// seed them one by one, or every resource a wrangler config names (`seedFrom`), as a team would
// have made them before its first deploy. The answers have the shapes Cloudflare gives.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseJsonc } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";

export interface ResourceAnswer {
  status?: number;
  result: unknown;
  extra?: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const text = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export class StandInResources {
  /** namespace id → title */
  readonly kv = new Map<string, string>();
  /** database uuid → name */
  readonly d1 = new Map<string, string>();
  /** jurisdiction ("" the default) → bucket names */
  readonly r2 = new Map<string, Set<string>>();
  /** queue name → id */
  readonly queues = new Map<string, string>();
  readonly hyperdrive = new Set<string>();
  readonly vectorize = new Set<string>();

  private readonly accountId: string;
  /** The scripts on the account (with at least one version). */
  private readonly scripts: () => string[];

  // no parameter properties: the stand-in also runs under Node's type stripping
  /** D1 databases kept elsewhere (the stand-in's D1, which runs queries): listed with these. */
  private readonly moreD1: () => [string, string][];

  /** Queues kept elsewhere (the stand-in's, with their consumers): made and listed there. */
  private readonly queuesElsewhere: ((name: string) => void) | undefined;

  constructor(accountId: string, scripts: () => string[], moreD1: () => [string, string][] = () => [], queuesElsewhere?: (name: string) => void) {
    this.accountId = accountId;
    this.scripts = scripts;
    this.moreD1 = moreD1;
    this.queuesElsewhere = queuesElsewhere;
  }

  addKv(id: string, title = `kv-${id.slice(0, 8)}`): void {
    this.kv.set(id, title);
  }

  addD1(uuid: string | undefined, name: string): void {
    this.d1.set(uuid ?? randomUUID(), name);
  }

  addR2(name: string, jurisdiction = ""): void {
    this.r2.set(jurisdiction, (this.r2.get(jurisdiction) ?? new Set()).add(name));
  }

  addQueue(name: string): void {
    if (this.queuesElsewhere) return this.queuesElsewhere(name);
    if (!this.queues.has(name)) this.queues.set(name, randomUUID().replaceAll("-", ""));
  }

  /** Every resource the wrangler config `source` (its text; `file` tells TOML from JSONC) binds, at its top level and in every environment. */
  seedFrom(source: string, file: string): void {
    const raw = (file.endsWith(".toml") ? parseToml(source) : parseJsonc(source, [], { allowTrailingComma: true })) as unknown;
    if (!isObject(raw)) return;
    for (const section of [raw, ...Object.values(isObject(raw.env) ? raw.env : {}).filter(isObject)]) {
      for (const kv of list(section.kv_namespaces)) if (text(kv.id)) this.addKv(text(kv.id)!);
      for (const d1 of list(section.d1_databases))
        if (text(d1.database_id) || text(d1.database_name)) this.addD1(text(d1.database_id), text(d1.database_name) ?? "");
      for (const r2 of list(section.r2_buckets)) if (text(r2.bucket_name)) this.addR2(text(r2.bucket_name)!, text(r2.jurisdiction) ?? "");
      const queues = isObject(section.queues) ? section.queues : {};
      for (const q of [...list(queues.producers), ...list(queues.consumers)]) if (text(q.queue)) this.addQueue(text(q.queue)!);
      for (const h of list(section.hyperdrive)) if (text(h.id)) this.hyperdrive.add(text(h.id)!);
      for (const v of list(section.vectorize)) if (text(v.index_name)) this.vectorize.add(text(v.index_name)!);
    }
  }

  /** `seedFrom` a config file: the example's platform config names every resource its workers bind. */
  seedFromFile(path: string): void {
    this.seedFrom(readFileSync(path, "utf8"), path);
  }

  /** The answer to a listing of the account's resources, or undefined when `path` is not one. */
  answer(method: string, path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>): ResourceAnswer | undefined {
    const account = `/accounts/${this.accountId}`;
    if (method !== "GET" || !path.startsWith(`${account}/`)) return undefined;
    const created = "2026-01-01T00:00:00Z";
    switch (path.slice(account.length)) {
      case "/workers/scripts":
        return { result: this.scripts().map((id) => ({ id, etag: id, created_on: created, modified_on: created })) };
      case "/storage/kv/namespaces":
        return paged(
          [...this.kv].map(([id, title]) => ({ id, title, supports_url_encoding: true })),
          query,
        );
      case "/d1/database": {
        const name = query.get("name");
        const all = [...this.d1, ...this.moreD1()]
          .filter(([, n]) => !name || n === name)
          .map(([uuid, n]) => ({ uuid, name: n, created_at: created, version: "production" }));
        return paged(all, query);
      }
      case "/r2/buckets": {
        // one page: the stand-in holds few buckets; a jurisdiction's are listed only with its header
        const jurisdiction = String(headers["cf-r2-jurisdiction"] ?? "");
        const buckets = [...(this.r2.get(jurisdiction) ?? [])].sort().map((name) => ({ name, creation_date: created, location: "WEUR" }));
        return { result: { buckets }, extra: { result_info: { per_page: Number(query.get("per_page") ?? 20) } } };
      }
      case "/queues":
        if (this.queuesElsewhere) return undefined;
        return {
          result: [...this.queues].map(([queue_name, queue_id]) => ({
            queue_id,
            queue_name,
            created_on: created,
            modified_on: created,
            producers: [],
            producers_total_count: 0,
            consumers: [],
            consumers_total_count: 0,
          })),
        };
      case "/hyperdrive/configs":
        return {
          result: [...this.hyperdrive].map((id) => ({
            id,
            name: `hyperdrive-${id.slice(0, 8)}`,
            origin: { host: "db.example.invalid", port: 5432, database: "app", user: "app", scheme: "postgres" },
          })),
        };
      case "/vectorize/v2/indexes":
        return {
          result: [...this.vectorize].map((name) => ({ name, config: { dimensions: 768, metric: "cosine" }, created_on: created, modified_on: created })),
        };
      default:
        return undefined;
    }
  }
}

/** A page of `items` as the page-numbered lists answer it. */
function paged(items: unknown[], query: URLSearchParams): ResourceAnswer {
  const page = Number(query.get("page") ?? 1);
  const perPage = Number(query.get("per_page") ?? 20);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const total_pages = Math.max(1, Math.ceil(items.length / perPage));
  return { result: slice, extra: { result_info: { page, per_page: perPage, count: slice.length, total_count: items.length, total_pages } } };
}
