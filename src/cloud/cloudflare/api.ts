// The Cloudflare API calls wrangler does not make — the account's workers.dev subdomain, and who
// holds each hostname (custom domains, and Workers Routes zone by zone). A handful of endpoints:
// plain fetch through undici's RetryAgent, which retries 429 and 5xx answers (and dropped
// connections) with backoff, honouring Retry-After. The official SDK covers the whole API and
// installs at 120 MB; undici is already in fleet's installation (Miniflare's).
import { fetch as undiciFetch, RetryAgent, Agent } from "undici";
import type { CloudflareAccess } from "./credentials.js";

const API = "https://api.cloudflare.com/client/v4";

interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  result: T;
  result_info?: { page: number; total_pages?: number; cursor?: string };
}

export class CloudflareApiError extends Error {
  constructor(
    readonly status: number,
    readonly codes: number[],
    message: string,
  ) {
    super(message);
    this.name = "CloudflareApiError";
  }
}

export class CloudflareApi {
  private readonly dispatcher = new RetryAgent(new Agent(), { maxRetries: 4, minTimeout: 500, statusCodes: [429, 500, 502, 503, 504] });

  constructor(private readonly access: CloudflareAccess) {}

  /** One call; an answer Cloudflare calls unsuccessful is an error with its codes and messages. */
  async call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Envelope<T>> {
    const response = await undiciFetch(`${this.access.apiBaseUrl ?? API}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.access.apiToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      dispatcher: this.dispatcher,
    });
    const text = await response.text();
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      throw new CloudflareApiError(response.status, [], `${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok || !envelope.success) {
      const said = envelope.errors?.map((e) => `${e.message} (${e.code})`).join("; ") || `HTTP ${response.status}`;
      throw new CloudflareApiError(response.status, envelope.errors?.map((e) => e.code) ?? [], `${method} ${path}: ${said}`);
    }
    return envelope;
  }

  /** Every page of a list. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.call<T[]>("GET", `${path}${path.includes("?") ? "&" : "?"}page=${page}&per_page=50`);
      items.push(...(answer.result ?? []));
      if (!answer.result_info?.total_pages || page >= answer.result_info.total_pages) return items;
    }
  }

  /** The account's workers.dev subdomain: a worker answers on <script>.<subdomain>.workers.dev. */
  async subdomain(): Promise<string> {
    return (await this.call<{ subdomain: string }>("GET", `/accounts/${this.access.accountId}/workers/subdomain`)).result.subdomain;
  }

  /** The account's zones, by name. */
  async zones(): Promise<{ id: string; name: string }[]> {
    return this.list<{ id: string; name: string }>(`/zones?account.id=${encodeURIComponent(this.access.accountId)}`);
  }

  /**
   * hostname → the script holding it: the account's custom domains, then every zone's Workers
   * Routes (a route `host/*` holds the host; a path route `host/api/*` is keyed `host/api`).
   */
  async hostnames(): Promise<Map<string, string>> {
    return new Map([...(await this.holdingsWhere(() => true))].map(([host, h]) => [host, h.script]));
  }

  /**
   * How each of `hosts` is held: by a Workers Route `host/*` (its zone and id) or a custom
   * domain, and by which script. A hostname nobody holds is absent. Only their zones are read.
   */
  async holdings(hosts: readonly string[]): Promise<Map<string, Holding>> {
    const wanted = await this.holdingsWhere((zone) => hosts.some((h) => h === zone || h.endsWith(`.${zone}`)));
    return new Map([...wanted].filter(([host]) => hosts.includes(host)));
  }

  /** Custom domains, then the Workers Routes of the zones `inZone` accepts: a route takes precedence over a custom domain on the same hostname. */
  private async holdingsWhere(inZone: (zone: string) => boolean): Promise<Map<string, Holding>> {
    const out = new Map<string, Holding>();
    const zones = await this.zones();
    // the domains list is not paged (its description takes filters only, no page or per_page)
    for (const domain of (
      await this.call<{ id: string; hostname: string; service: string; zone_id?: string }[]>("GET", `/accounts/${this.access.accountId}/workers/domains`)
    ).result ?? []) {
      out.set(domain.hostname, {
        kind: "domain",
        host: domain.hostname,
        script: domain.service,
        zoneId: domain.zone_id ?? zoneOf(zones, domain.hostname)?.id,
        id: domain.id,
      });
    }
    for (const zone of zones.filter((z) => inZone(z.name))) {
      for (const route of (await this.call<{ id: string; pattern: string; script?: string }[]>("GET", `/zones/${zone.id}/workers/routes`)).result ?? []) {
        if (route.script)
          out.set(route.pattern.replace(/\/\*$/, ""), {
            kind: "route",
            host: route.pattern.replace(/\/\*$/, ""),
            script: route.script,
            zoneId: zone.id,
            routeId: route.id,
            pattern: route.pattern,
          });
      }
    }
    return out;
  }

  /**
   * Hands a hostname to `script` in one write: the route's script is reassigned, or the custom
   * domain attached to the other worker (Cloudflare moves it). Requests before the write reach
   * the old script, after it the new one; none meets a hostname nobody holds.
   */
  async handOver(holding: Holding, script: string): Promise<void> {
    if (holding.kind === "route") {
      await this.call("PUT", `/zones/${holding.zoneId}/workers/routes/${holding.routeId}`, { pattern: holding.pattern, script });
    } else {
      await this.call("PUT", `/accounts/${this.access.accountId}/workers/domains`, {
        hostname: holding.host,
        service: script,
        environment: "production",
        ...(holding.zoneId ? { zone_id: holding.zoneId } : {}),
      });
    }
  }

  /**
   * Gives a hostname nobody holds to `script`, in one write: a Workers Route `host/*` (the
   * hostname has a proxied DNS record) or a custom domain (it has none; Cloudflare makes it).
   */
  async take(host: string, script: string, how: "route" | "domain", zoneId: string): Promise<Holding> {
    if (how === "route") {
      const pattern = `${host}/*`;
      const route = (await this.call<{ id: string }>("POST", `/zones/${zoneId}/workers/routes`, { pattern, script })).result;
      return { kind: "route", host, script, zoneId, routeId: route.id, pattern };
    }
    const domain = (
      await this.call<{ id: string }>("PUT", `/accounts/${this.access.accountId}/workers/domains`, {
        hostname: host,
        service: script,
        environment: "production",
        zone_id: zoneId,
      })
    ).result;
    return { kind: "domain", host, script, zoneId, id: domain.id };
  }

  /** Undoes a `take`: the route deleted, or the custom domain detached. */
  async release(holding: Holding): Promise<void> {
    if (holding.kind === "route") await this.call("DELETE", `/zones/${holding.zoneId}/workers/routes/${holding.routeId}`);
    else await this.call("DELETE", `/accounts/${this.access.accountId}/workers/domains/${encodeURIComponent(holding.id ?? holding.host)}`);
  }
}

export type Holding =
  | { kind: "route"; host: string; script: string; zoneId: string; routeId: string; pattern: string }
  | { kind: "domain"; host: string; script: string; zoneId: string | undefined; id?: string };

function zoneOf(zones: { id: string; name: string }[], host: string): { id: string; name: string } | undefined {
  return zones.find((z) => host === z.name || host.endsWith(`.${z.name}`));
}
