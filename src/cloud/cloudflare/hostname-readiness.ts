// Whether a hostname can move to a worker on a Cloudflare account, read before anything moves:
// the account has the hostname's zone; who holds it now (a Workers Route or a custom domain, and
// which script); and its DNS. A Workers Route serves only a hostname with a proxied DNS record
// (or a proxied wildcard), while a custom domain makes its own record and is refused where a
// record of the team's already exists. So: a hostname held by a route needs a proxied record; one
// nobody holds is taken as a route when it has a proxied record, as a custom domain when it has
// none, and not at all when its record is DNS-only (turning the proxy on, or deleting the record,
// is the team's call). A wildcard route's host (`*.a.b`) is a pattern: it moves as a route only, and
// needs a proxied wildcard record. Each problem says what to do.
import type { CloudflareApi, Holding } from "./api.js";
import { isWildcardHost } from "../../manifest/routes.js";

export type DnsState = "proxied" | "dns-only" | "none";

export interface HostnameReadiness {
  host: string;
  zone?: { id: string; name: string };
  /** How it is held now, if anyone holds it. */
  holding?: Holding;
  dns: DnsState;
  /** How a worker would get it: handed over from its holder, or taken as a new route or custom domain. */
  take?: "hand-over" | "route" | "domain";
  /** Why it cannot move, and what to do. */
  problem?: string;
}

interface DnsRecord {
  name: string;
  type: string;
  content: string;
  proxied?: boolean;
}

const ADDRESS_TYPES = new Set(["A", "AAAA", "CNAME"]);

/** The readiness of each host; `holdings` as `CloudflareApi.holdings` read them (one walk). */
export async function hostnameReadiness(api: CloudflareApi, hosts: readonly string[], holdings?: Map<string, Holding>): Promise<HostnameReadiness[]> {
  const zones = await api.zones();
  const held = holdings ?? (await api.holdings(hosts));
  // a few hostnames: their records by name; many (fleet plan): each zone's records read once
  const wholeZones = new Map<string, Promise<DnsRecord[]>>();
  const lookup = (zone: { id: string; name: string }, name: string): Promise<DnsRecord[]> => {
    if (hosts.length <= 5) return api.list<DnsRecord>(`/zones/${zone.id}/dns_records?name=${encodeURIComponent(name)}`);
    if (!wholeZones.has(zone.id)) wholeZones.set(zone.id, api.list<DnsRecord>(`/zones/${zone.id}/dns_records`));
    return wholeZones.get(zone.id)!;
  };
  const out: HostnameReadiness[] = [];
  for (const host of hosts) {
    const zone = zones.filter((z) => host === z.name || host.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
    const holding = held.get(host);
    if (!zone) {
      // a custom domain moves between scripts without its zone; anything else needs the zone
      if (holding?.kind === "domain") out.push({ host, dns: "none", holding, take: "hand-over" });
      else
        out.push({
          host,
          dns: "none",
          ...(holding ? { holding } : {}),
          problem: `${host} is in no zone of this account: add its zone to the account, or give the token Zone › Zone: Read on it`,
        });
      continue;
    }
    const record = await addressRecord(lookup, zone, host);
    const dns: DnsState = !record ? "none" : record.proxied ? "proxied" : "dns-only";
    const base = { host, zone, dns, ...(holding ? { holding } : {}) };
    if (holding?.kind === "route" && dns !== "proxied") {
      const has = dns === "none" ? "no DNS record" : `only a DNS-only record (${record!.type} ${record!.content})`;
      const fix = dns === "none" ? "add a proxied record (AAAA 100:: is the usual one for a hostname only workers answer)" : "turn the record's proxy on";
      const why = "a Workers Route serves only a proxied hostname, so no request reaches a worker";
      out.push({
        ...base,
        take: "hand-over",
        problem: `${host} is routed to ${holding.script} but has ${has} in ${zone.name}: ${why}; ${fix}, then run the cutover again`,
      });
    } else if (holding) {
      out.push({ ...base, take: "hand-over" });
    } else if (dns === "proxied") {
      out.push({ ...base, take: "route" });
    } else if (dns === "none" && isWildcardHost(host)) {
      const why = "a Workers Route serves only a proxied hostname, and a custom domain cannot be a wildcard";
      out.push({ ...base, problem: `${host} has no DNS record in ${zone.name}: ${why}; add a proxied record named ${host}, then run the cutover again` });
    } else if (dns === "none") {
      out.push({ ...base, take: "domain" });
    } else {
      const has = `a DNS-only record in ${zone.name} (${record!.type} ${record!.content})`;
      const fix = "turn its proxy on (a Workers Route then serves it) or delete the record (a custom domain makes its own)";
      out.push({ ...base, problem: `${host} has ${has} and no worker holds it: ${fix}, then run the cutover again` });
    }
  }
  return out;
}

/** The host's A/AAAA/CNAME record, else the nearest wildcard one of the zone that covers it. */
async function addressRecord(
  lookup: (zone: { id: string; name: string }, name: string) => Promise<DnsRecord[]>,
  zone: { id: string; name: string },
  host: string,
): Promise<DnsRecord | undefined> {
  const candidates = [host];
  for (let parent = host; parent !== zone.name && parent.includes(".");) {
    parent = parent.slice(parent.indexOf(".") + 1);
    candidates.push(`*.${parent}`);
  }
  for (const name of candidates) {
    const records = await lookup(zone, name);
    const record = records.find((r) => ADDRESS_TYPES.has(r.type) && r.name === name);
    if (record) return record;
  }
  return undefined;
}
