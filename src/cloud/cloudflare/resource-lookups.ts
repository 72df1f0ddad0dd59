// Which of the resources a deploy binds the Cloudflare account lacks: one listing per kind (every
// page), the kinds at once, instead of a request per binding — a fleet of 300 workers binding
// the same few namespaces asks the account a handful of times.
import { boundedMap } from "../../concurrency/bounded.js";
import { UserError } from "../../errors.js";
import type { ResourceLookup } from "../resources/bound.js";
import { CloudflareApiError, type CloudflareApi } from "./api.js";

type Kind = ResourceLookup["kind"];

const NAMES: Record<Kind, string> = {
  kv: "KV namespaces",
  d1: "D1 databases",
  r2: "R2 buckets",
  queue: "queues",
  hyperdrive: "Hyperdrive configs",
  vectorize: "Vectorize indexes",
  script: "Worker scripts",
};

/** What the token needs to list each kind (Cloudflare's permission names). */
const PERMISSION: Record<Kind, string> = {
  kv: "Account › Workers KV Storage: Read",
  d1: "Account › D1: Read",
  r2: "Account › Workers R2 Storage: Read",
  queue: "Account › Queues: Read",
  hyperdrive: "Account › Hyperdrive: Read",
  vectorize: "Account › Vectorize: Read",
  script: "Account › Workers Scripts: Read",
};

export async function missingOnAccount(api: CloudflareApi, accountId: string, resources: readonly ResourceLookup[]): Promise<ResourceLookup[]> {
  const account = `/accounts/${accountId}`;
  // the names (or ids) each kind has on the account; R2 per jurisdiction, which lists apart
  const wanted = [...new Set(resources.map((r) => keyOf(r)))];
  const present = new Map<string, Set<string>>();
  await boundedMap(wanted, 4, async (key) => {
    const [kind, jurisdiction] = key.split(":") as [Kind, string];
    try {
      present.set(key, await listed(api, account, kind, jurisdiction || undefined));
    } catch (error) {
      const denied = error instanceof CloudflareApiError && (error.status === 401 || error.status === 403);
      const said = (error as Error).message.split("\n")[0];
      throw new UserError(`could not list the account's ${NAMES[kind]} before deploying: ${said}; nothing was deployed`, {
        hint: denied ? `the token needs ${PERMISSION[kind]} to check the bindings` : "try again; fleet checks every bound resource before a deploy",
        cause: error,
      });
    }
  });
  return resources.filter((r) => !present.get(keyOf(r))!.has(r.kind === "d1" ? `${r.byName ? "name" : "id"}:${r.resource}` : r.resource));
}

/** One listing per key: a kind, and for R2 a jurisdiction too. */
function keyOf(r: ResourceLookup): string {
  return r.kind === "r2" ? `r2:${r.jurisdiction ?? ""}` : `${r.kind}:`;
}

async function listed(api: CloudflareApi, account: string, kind: Kind, jurisdiction: string | undefined): Promise<Set<string>> {
  switch (kind) {
    case "kv":
      return new Set((await api.list<{ id: string }>(`${account}/storage/kv/namespaces`)).map((n) => n.id));
    case "d1": {
      // a binding names its database by id, or by name only: both are read from one listing
      const databases = await api.list<{ uuid: string; name: string }>(`${account}/d1/database`);
      return new Set(databases.flatMap((d) => [`id:${d.uuid}`, `name:${d.name}`]));
    }
    case "r2":
      return r2Buckets(api, account, jurisdiction);
    // the description declares no paging for these lists: one answer holds them all
    case "queue":
      return names(api, `${account}/queues`, (q: { queue_name: string }) => q.queue_name);
    case "hyperdrive":
      return names(api, `${account}/hyperdrive/configs`, (h: { id: string }) => h.id);
    case "vectorize":
      return names(api, `${account}/vectorize/v2/indexes`, (v: { name: string }) => v.name);
    case "script":
      return names(api, `${account}/workers/scripts`, (s: { id: string }) => s.id);
  }
}

async function names<T>(api: CloudflareApi, path: string, name: (item: T) => string): Promise<Set<string>> {
  return new Set(((await api.call<T[]>("GET", path)).result ?? []).map(name));
}

/** R2 pages by cursor, and lists a jurisdiction's buckets only when asked with its header. */
async function r2Buckets(api: CloudflareApi, account: string, jurisdiction: string | undefined): Promise<Set<string>> {
  const out = new Set<string>();
  const headers = jurisdiction ? { "cf-r2-jurisdiction": jurisdiction } : undefined;
  for (let cursor: string | undefined, pages = 0; pages < 1000; pages++) {
    const answer = await api.call<{ buckets?: { name: string }[] } | { name: string }[]>(
      "GET",
      `${account}/r2/buckets?per_page=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      undefined,
      headers,
    );
    // Cloudflare answers { buckets: [...] }; the description's revision says a bare list
    for (const b of Array.isArray(answer.result) ? answer.result : (answer.result?.buckets ?? [])) out.add(b.name);
    cursor = answer.result_info?.cursor;
    if (!cursor) return out;
  }
  return out;
}
