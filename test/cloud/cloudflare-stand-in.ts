// A stand-in for a Cloudflare account on 127.0.0.1, for tests that run real wrangler and fleet
// against "an account" (wrangler reaches it through CLOUDFLARE_API_BASE_URL, fleet's SDK calls
// too). It records every request and keeps just enough state — scripts, versions with their
// annotations, deployments, secret names, workers.dev, zones, DNS records, Workers Routes, custom domains —
// for wrangler's deploy, versions, deployments, rollback and secret commands and fleet's API calls
// to go through. It also plays the edge: a request carrying X-Forwarded-Host (fleet's
// FLEET_EDGE_URL) is answered by the script that holds that hostname — a route first, then a
// custom domain, then <script>.<subdomain>.workers.dev — running its live version in workerd.
// Every request is checked against Cloudflare's published OpenAPI description (a trimmed copy,
// cloudflare-openapi/): one it does not allow is refused (400) and kept in `violations`, which
// the tests require to be empty. It is not Cloudflare: beyond that description it checks the
// token and the shapes wrangler reads, not everything Cloudflare would refuse.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
// .ts: this file also runs on its own under Node (see the end)
import { StandInEdge, type LiveScript } from "./cloudflare-edge.ts";
import { cloudflareRequestProblems } from "./cloudflare-openapi/check.ts";
import { StandInObjects } from "./cloudflare-stand-in-objects.ts";
import { StandInResources } from "./cloudflare-stand-in-resources.ts";
import { D1StandIn } from "./cloudflare-stand-in-d1.ts";

export const SUBDOMAIN = "fleet-stand-in";

export interface CfRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  body: string;
  authorized: boolean;
}

interface Version {
  id: string;
  number: number;
  created: string;
  metadata: Record<string, unknown>;
  modules: LiveScript["modules"];
}

export interface DnsRecord {
  id: string;
  zoneId: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
}

export interface Route {
  id: string;
  zoneId: string;
  pattern: string;
  script: string | null;
}

/** A queue of the account and its consumers (Cloudflare: one worker consumer per queue). */
export interface Queue {
  id: string;
  name: string;
  consumers: { consumer_id: string; script: string; type: "worker"; settings: Record<string, unknown> }[];
}

interface Script {
  name: string;
  /** Its cron triggers (`schedules`). */
  crons: string[];
  versions: Version[];
  deployments: {
    id: string;
    created_on: string;
    source: string;
    strategy: string;
    versions: { version_id: string; percentage: number }[];
    annotations?: Record<string, string>;
  }[];
  secrets: Set<string>;
  workersDev: boolean;
  domains: string[];
}

export class CloudflareStandIn {
  readonly requests: CfRequest[] = [];
  /** Requests Cloudflare's OpenAPI description does not allow, and why (the stand-in refused them). */
  readonly violations: string[] = [];
  readonly scripts = new Map<string, Script>();
  /** zone name → id */
  readonly zones = new Map<string, string>();
  readonly routes: Route[] = [];
  readonly dnsRecords: DnsRecord[] = [];
  /** KV namespaces, D1 databases, R2 buckets, queues, Hyperdrive configs, Vectorize indexes (fleet lists them before a deploy). */
  readonly resources: StandInResources;
  /** The account's D1 databases (cloudflare-stand-in-d1.ts). */
  readonly d1 = new D1StandIn();
  /** queue name → the queue (made with addQueue, as `wrangler queues create` would). */
  readonly queues = new Map<string, Queue>();
  /** Requests the edge answered: hostname, status, and the script that answered (none: no script holds it). */
  readonly edgeLog: { host: string; status: number; script?: string }[] = [];
  private server?: Server;
  private clock = Date.parse("2026-01-01T00:00:00Z");
  /** Failures to inject: the next request matching answers 400 (a test's way to break one step). */
  private readonly failures: { method: string; path: RegExp; message: string }[] = [];
  /** Bumped whenever what is live changes; the edge rebuilds its runtime then. */
  private generation = 0;
  /** Durable Object namespaces: which script's class holds each, and every script's migration tag. */
  readonly objects = new StandInObjects();
  private readonly edge = new StandInEdge(() => ({ generation: this.generation, scripts: this.liveScripts() }), this.objects);

  readonly accountId: string;
  readonly token: string;

  constructor(accountId: string, token: string, zones: string[] = ["chitty.cc"]) {
    this.accountId = accountId;
    this.token = token;
    const scripts = () => [...this.scripts.values()].filter((s) => s.versions.length).map((s) => s.name);
    const databases = () => [...this.d1.databases.values()].map((d): [string, string] => [d.uuid, d.name]);
    // queues live here, with their consumers: the resource list makes and lists them through addQueue and its own answer
    this.resources = new StandInResources(accountId, scripts, databases, (name) => void (this.queues.has(name) || this.addQueue(name)));
    for (const zone of zones) this.zones.set(zone, `zone-${zone.replaceAll(".", "-")}`);
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get baseUrl(): string {
    return `${this.origin}/client/v4`;
  }

  /** The environment that points wrangler and fleet at this account and its edge. */
  get env(): Record<string, string> {
    return { CLOUDFLARE_API_BASE_URL: this.baseUrl, CLOUDFLARE_API_TOKEN: this.token, CLOUDFLARE_ACCOUNT_ID: this.accountId, FLEET_EDGE_URL: this.origin };
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await this.edge.dispose();
    await rm(this.objects.persist, { recursive: true, force: true });
  }

  /** A DNS record in its zone, as the team would have made it (default: proxied AAAA 100::, a Worker-only hostname). */
  addDnsRecord(name: string, options: { type?: string; content?: string; proxied?: boolean } = {}): DnsRecord {
    const zone = this.zoneOf(name.replace(/^\*\./, ""));
    if (!zone) throw new Error(`no zone of the stand-in covers ${name}`);
    const record = {
      id: randomUUID().replaceAll("-", ""),
      zoneId: zone[1],
      name,
      type: options.type ?? "AAAA",
      content: options.content ?? "100::",
      proxied: options.proxied ?? true,
    };
    this.dnsRecords.push(record);
    return record;
  }

  /**
   * A script deployed from somewhere else (an external worker the fleet's bind): one version,
   * live, answering `{"status":"ok"}`.
   */
  deployedElsewhere(name: string): void {
    const s = this.script(name);
    const contents = new TextEncoder().encode(`export default { fetch: () => Response.json({ status: "ok", service: ${JSON.stringify(name)} }) };\n`);
    const version: Version = {
      id: randomUUID(),
      number: s.versions.length + 1,
      created: this.now(),
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", type: "ESModule", contents }],
    };
    s.versions.push(version);
    s.deployments.unshift({
      id: randomUUID(),
      created_on: version.created,
      source: "api",
      strategy: "percentage",
      versions: [{ version_id: version.id, percentage: 100 }],
    });
    this.changed();
  }

  /** A queue on the account, as `wrangler queues create` makes it (wrangler deploy needs its queues to exist). */
  addQueue(name: string): Queue {
    const queue: Queue = { id: randomUUID().replaceAll("-", ""), name, consumers: [] };
    this.queues.set(name, queue);
    return queue;
  }

  /** The next API request with this method and a path matching `path` fails (once). */
  failNext(method: string, path: RegExp, message = "injected failure"): void {
    this.failures.push({ method, path, message });
  }

  /** hostname → the script holding it: routes (whole-host ones), then custom domains. */
  holders(): Map<string, string> {
    const held = new Map<string, string>();
    for (const s of this.scripts.values()) for (const d of s.domains) held.set(d, s.name);
    for (const r of this.routes) if (r.script) held.set(r.pattern.replace(/\/\*$/, ""), r.script);
    return held;
  }

  /** The script that answers `host`: a route takes precedence over a custom domain, then workers.dev. */
  private holderOf(host: string, path: string): string | undefined {
    const route = this.routes.filter((r) => r.script && matches(r.pattern, host, path)).sort((a, b) => b.pattern.length - a.pattern.length)[0];
    if (route) return route.script!;
    const domain = [...this.scripts.values()].find((s) => s.domains.includes(host));
    if (domain) return domain.name;
    const dev = new RegExp(`^([^.]+)\\.${SUBDOMAIN}\\.workers\\.dev$`).exec(host);
    return dev && this.scripts.get(dev[1]!)?.workersDev ? dev[1] : undefined;
  }

  private liveScripts(): LiveScript[] {
    return [...this.scripts.values()].flatMap((s) => {
      const live = s.deployments[0]?.versions.reduce((a, b) => (b.percentage > a.percentage ? b : a));
      const version = live && s.versions.find((v) => v.id === live.version_id);
      if (!version) return [];
      const m = version.metadata as { main_module?: string; compatibility_date?: string; compatibility_flags?: string[]; bindings?: Record<string, unknown>[] };
      return [
        {
          name: s.name,
          mainModule: m.main_module ?? version.modules[0]?.name ?? "index.js",
          modules: version.modules,
          compatibilityDate: m.compatibility_date ?? "2025-09-01",
          compatibilityFlags: m.compatibility_flags ?? [],
          bindings: m.bindings ?? [],
          secrets: [...s.secrets],
        },
      ];
    });
  }

  private changed(): void {
    this.generation++;
  }

  private async serveEdge(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const host = String(req.headers["x-forwarded-host"]).toLowerCase();
    const url = `${req.headers["x-forwarded-proto"] ?? "https"}://${host}${req.url}`;
    const script = this.holderOf(host, new URL(url).pathname);
    if (!script) {
      this.edgeLog.push({ host, status: 530 });
      res.writeHead(530, { "content-type": "text/plain" });
      return void res.end(`stand-in edge: no script holds ${host}`);
    }
    try {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === "string" && !["host", "x-forwarded-host", "x-forwarded-proto", "connection"].includes(k)),
      ) as Record<string, string>;
      const response = await this.edge.fetch(script, new Request(url, { method: req.method, headers, ...(body.length ? { body } : {}) }));
      const bytes = Buffer.from(await response.arrayBuffer());
      this.edgeLog.push({ host, status: response.status, script });
      res.writeHead(response.status, Object.fromEntries([...response.headers].filter(([k]) => k !== "content-length" && k !== "transfer-encoding")));
      res.end(bytes);
    } catch (error) {
      this.edgeLog.push({ host, status: 500, script });
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`stand-in edge: ${script} threw: ${(error as Error).message}`);
    }
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private script(name: string): Script {
    let s = this.scripts.get(name);
    if (!s) this.scripts.set(name, (s = { name, crons: [], versions: [], deployments: [], secrets: new Set(), workersDev: false, domains: [] }));
    return s;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.headers["x-forwarded-host"]) return this.serveEdge(req, res, raw);
    const url = new URL(req.url!, "http://api.cloudflare.test");
    const record: CfRequest = {
      method: req.method!,
      path: url.pathname.replace(/^\/client\/v4/, ""),
      query: url.search,
      contentType: req.headers["content-type"] ?? "",
      body: raw.toString("utf8"),
      authorized: req.headers.authorization === `Bearer ${this.token}`,
    };
    this.requests.push(record);
    const send = (status: number, result: unknown, errors: { code: number; message: string }[] = [], extra: Record<string, unknown> = {}) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ success: status < 400, errors, messages: [], result, ...extra }));
    };
    if (!record.authorized) return send(401, null, [{ code: 10000, message: "Authentication error" }]);
    const problems = await cloudflareRequestProblems(record.method, record.path, url.searchParams, record.contentType, raw);
    if (problems.length) {
      this.violations.push(...problems);
      return send(
        400,
        null,
        problems.map((message) => ({ code: 10001, message: `not allowed by Cloudflare's OpenAPI description: ${message}` })),
      );
    }
    const failure = this.failures.findIndex((f) => f.method === record.method && f.path.test(record.path));
    if (failure >= 0) return send(400, null, [{ code: 10021, message: this.failures.splice(failure, 1)[0]!.message }]);
    let answer: Answer | undefined;
    try {
      answer = this.resources.answer(record.method, record.path, url.searchParams, req.headers) ?? (await this.route(record, raw, url.searchParams));
    } catch (error) {
      return send(400, null, [{ code: 10021, message: `stand-in could not read the request: ${(error as Error).message}` }]);
    }
    if (!answer) return send(404, null, [{ code: 7003, message: `the stand-in does not implement ${record.method} ${record.path}` }]);
    send(answer.status ?? 200, answer.result, answer.errors, answer.extra);
  }

  /** Queues and their consumers, and a script's cron triggers. */
  private queueRoute(r: CfRequest, m: (pattern: string) => RegExpExecArray | null, json: <T>() => T): Answer | undefined {
    let match: RegExpExecArray | null;
    const out = (q: Queue) => ({ queue_id: q.id, queue_name: q.name, consumers: q.consumers.map((c) => ({ ...c, queue_name: q.name })), producers: [] });
    if (m("{account}/queues") && r.method === "GET") {
      const names = new URLSearchParams(r.query).getAll("name");
      const queues = [...this.queues.values()].filter((q) => names.length === 0 || names.includes(q.name)).map(out);
      return { result: queues, extra: { result_info: { page: 1, per_page: 100, count: queues.length, total_count: queues.length, total_pages: 1 } } };
    }
    const byId = (id: string) => [...this.queues.values()].find((q) => q.id === id);
    if ((match = m("{account}/queues/([^/]+)/consumers"))) {
      const queue = byId(match[1]!);
      if (!queue) return { status: 404, result: null, errors: [{ code: 11000, message: "queue not found" }] };
      if (r.method === "GET") return { result: out(queue).consumers };
      if (r.method !== "POST") return undefined;
      const body = json<{ script_name: string; settings?: Record<string, unknown> }>();
      // one worker consumer per queue: the one that has it must let go first
      const other = queue.consumers.find((c) => c.script !== body.script_name);
      if (other) return { status: 400, result: null, errors: [{ code: 11004, message: `queue ${queue.name} already has a consumer (${other.script})` }] };
      const consumer = { consumer_id: randomUUID().replaceAll("-", ""), script: body.script_name, type: "worker" as const, settings: body.settings ?? {} };
      queue.consumers = [consumer];
      return { result: consumer };
    }
    if ((match = m("{account}/queues/([^/]+)/consumers/([^/]+)"))) {
      const queue = byId(match[1]!);
      const consumer = queue?.consumers.find((c) => c.consumer_id === match![2]);
      if (!queue || !consumer) return { status: 404, result: null, errors: [{ code: 11000, message: "consumer not found" }] };
      if (r.method === "PUT") {
        consumer.settings = json<{ settings?: Record<string, unknown> }>().settings ?? consumer.settings;
        return { result: consumer };
      }
      if (r.method === "DELETE") {
        queue.consumers = queue.consumers.filter((c) => c !== consumer);
        return { result: null };
      }
      return undefined;
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/schedules"))) {
      const s = this.scripts.get(match[1]!);
      if (!s) return { status: 404, result: null, errors: [{ code: 10007, message: `This Worker does not exist on your account. (${match[1]})` }] };
      if (r.method === "PUT") s.crons = json<{ cron: string }[]>().map((c) => c.cron);
      else if (r.method !== "GET") return undefined;
      return { result: { schedules: s.crons.map((cron) => ({ cron, created_on: this.now(), modified_on: this.now() })) } };
    }
    return undefined;
  }

  private async route(r: CfRequest, raw: Buffer, query: URLSearchParams): Promise<Answer | undefined> {
    let match: RegExpExecArray | null;
    const account = `/accounts/${this.accountId}`;
    const m = (pattern: string) => new RegExp(`^${pattern.replace("{account}", account)}$`).exec(r.path);
    const missing = (name: string): Answer => ({
      status: 404,
      result: null,
      errors: [{ code: 10007, message: `This Worker does not exist on your account. (${name})` }],
    });
    const json = <T>() => JSON.parse(r.body || "null") as T;
    const d1 = this.d1.route(r.method, r.path, account, query, r.body);
    if (d1) return d1;

    // zones and their Workers Routes
    if (r.path === "/zones" && r.method === "GET") {
      const name = query.get("name");
      const zones = [...this.zones]
        .filter(([zone]) => !name || zone === name)
        .map(([zone, id]) => ({ id, name: zone, status: "active", account: { id: this.accountId } }));
      return { result: zones, extra: { result_info: { page: 1, per_page: 50, count: zones.length, total_count: zones.length, total_pages: 1 } } };
    }
    if ((match = m("/zones/([^/]+)/dns_records"))) {
      const zoneId = match[1]!;
      if (![...this.zones.values()].includes(zoneId))
        return { status: 404, result: null, errors: [{ code: 7003, message: "Could not route to /zones/..., perhaps your object identifier is invalid?" }] };
      if (r.method !== "GET") return undefined;
      const records = this.dnsRecords.filter(
        (x) => x.zoneId === zoneId && (!query.get("name") || x.name === query.get("name")) && (!query.get("type") || x.type === query.get("type")),
      );
      return {
        result: records.map(({ zoneId: zone_id, ...x }) => ({ ...x, zone_id, ttl: 1 })),
        extra: { result_info: { page: 1, per_page: 100, count: records.length, total_count: records.length, total_pages: 1 } },
      };
    }
    if ((match = m("/zones/([^/]+)/workers/routes"))) {
      const zoneId = match[1]!;
      if (![...this.zones.values()].includes(zoneId))
        return { status: 404, result: null, errors: [{ code: 7003, message: "Could not route to /zones/..., perhaps your object identifier is invalid?" }] };
      if (r.method === "GET") return { result: this.routes.filter((x) => x.zoneId === zoneId).map(routeOut) };
      if (r.method === "POST") {
        const body = json<{ pattern: string; script?: string }>();
        if (this.routes.some((x) => x.pattern === body.pattern)) return duplicateRoute(body.pattern);
        const route: Route = { id: randomUUID().replaceAll("-", ""), zoneId, pattern: body.pattern, script: body.script ?? null };
        this.routes.push(route);
        this.changed();
        return { result: routeOut(route) };
      }
      return undefined;
    }
    if ((match = m("/zones/([^/]+)/workers/routes/([^/]+)"))) {
      const route = this.routes.find((x) => x.zoneId === match![1] && x.id === match![2]);
      if (!route) return { status: 404, result: null, errors: [{ code: 10005, message: "Route not found" }] };
      if (r.method === "GET") return { result: routeOut(route) };
      if (r.method === "PUT") {
        // one write: the pattern's script changes at once (how cutover hands a hostname over)
        const body = json<{ pattern: string; script?: string }>();
        if (this.routes.some((x) => x !== route && x.pattern === body.pattern)) return duplicateRoute(body.pattern);
        route.pattern = body.pattern;
        route.script = body.script ?? null;
        this.changed();
        return { result: routeOut(route) };
      }
      if (r.method === "DELETE") {
        this.routes.splice(this.routes.indexOf(route), 1);
        this.changed();
        return { result: { id: route.id } };
      }
      return undefined;
    }

    if (r.path === `${account}/workers/subdomain`) return { result: { subdomain: SUBDOMAIN } };
    const queueAnswer = this.queueRoute(r, m, json);
    if (queueAnswer) return queueAnswer;
    if ((match = m("{account}/workers/services/([^/]+)"))) {
      const s = this.scripts.get(match[1]!);
      const tag = s && this.objects.tags.get(s.name);
      const script = { id: s?.name, tag: s?.name, ...(tag ? { migration_tag: tag } : {}) };
      return s ? { result: { id: s.name, default_environment: { environment: "production", script } } } : missing(match[1]!);
    }
    if ((match = m("{account}/workers/workers/([^/]+)")) && r.method === "GET") {
      const s = this.scripts.get(match[1]!);
      return s ? { result: { id: s.name, name: s.name, subdomain: { enabled: s.workersDev, previews_enabled: false } } } : missing(match[1]!);
    }
    if ((match = m("{account}/workers/scripts/([^/]+)")) && r.method === "PUT") {
      // the upload: a new version, deployed at 100% (what `wrangler deploy` does)
      const unbound = (await this.unboundService(r, raw)) ?? (await this.objectsRefused(match[1]!, r, raw));
      if (unbound) return unbound;
      const s = this.script(match[1]!);
      const version = await this.newVersion(s, r, raw);
      s.deployments.unshift({
        id: randomUUID(),
        created_on: version.created,
        source: "wrangler",
        strategy: "percentage",
        versions: [{ version_id: version.id, percentage: 100 }],
      });
      this.changed();
      // as Cloudflare does, the upload answers the new version's id as "deployment_id"
      return { result: { id: s.name, etag: version.id, deployment_id: version.id, startup_time_ms: 1, has_modules: true } };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/routes")) && r.method === "PUT") {
      // wrangler's bulk route update: this script's routes become exactly these; a pattern
      // another script holds refuses the whole update (Cloudflare: code 10020)
      const script = match[1]!;
      const wanted = json<{ pattern: string; zone_name?: string; zone_id?: string }[]>();
      const taken = wanted.find((w) => this.routes.some((x) => x.pattern === w.pattern && x.script && x.script !== script));
      if (taken) return duplicateRoute(taken.pattern);
      for (const route of this.routes.filter((x) => x.script === script)) this.routes.splice(this.routes.indexOf(route), 1);
      for (const w of wanted) {
        const zoneId = w.zone_id ?? this.zones.get(w.zone_name ?? "") ?? [...this.zones].find(([zone]) => w.pattern.split("/")[0]!.endsWith(zone))?.[1];
        if (!zoneId) return { status: 400, result: null, errors: [{ code: 10022, message: `no zone for the route ${w.pattern}` }] };
        const existing = this.routes.find((x) => x.pattern === w.pattern);
        if (existing) existing.script = script;
        else this.routes.push({ id: randomUUID().replaceAll("-", ""), zoneId, pattern: w.pattern, script });
      }
      this.changed();
      return { result: wanted.map((w) => ({ id: this.routes.find((x) => x.pattern === w.pattern)!.id, pattern: w.pattern, script })) };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/secrets"))) {
      const s = this.scripts.get(match[1]!);
      if (r.method === "GET") return s ? { result: [...s.secrets].sort().map((name) => ({ name, type: "secret_text" })) } : missing(match[1]!);
      if (r.method === "PUT" && s) {
        const { name } = json<{ name: string }>();
        s.secrets.add(name);
        this.changed();
        return { result: { name, type: "secret_text" } };
      }
      return s ? undefined : missing(match[1]!);
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/settings")))
      return { result: { bindings: [], compatibility_date: "2025-09-01", compatibility_flags: [] } };
    if ((match = m("{account}/workers/scripts/([^/]+)/script-settings"))) return { result: { tags: [] } };
    if ((match = m("{account}/workers/scripts/([^/]+)/subdomain"))) {
      const s = this.script(match[1]!);
      if (r.method === "POST") s.workersDev = json<{ enabled?: boolean } | null>()?.enabled ?? true;
      this.changed();
      return { result: { enabled: s.workersDev, previews_enabled: false } };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/deployments"))) {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      if (r.method === "GET") return { result: { deployments: s.deployments } };
      const body = json<{ strategy: string; versions: { version_id: string; percentage: number }[]; annotations?: Record<string, string> }>();
      const deployment = {
        id: randomUUID(),
        created_on: this.now(),
        source: "wrangler",
        strategy: body.strategy,
        versions: body.versions,
        ...(body.annotations ? { annotations: body.annotations } : {}),
      };
      s.deployments.unshift(deployment);
      this.changed();
      return { result: deployment };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/versions"))) {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      // `versions upload` (and deploy of an existing worker): a new version, not yet deployed
      if (r.method === "POST")
        return (await this.unboundService(r, raw)) ?? (await this.objectsRefused(s.name, r, raw)) ?? { result: this.version(await this.newVersion(s, r, raw)) };
      return { result: { items: [...s.versions].reverse().map((v) => this.version(v)) } };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/versions/([^/]+)"))) {
      const v = this.scripts.get(match[1]!)?.versions.find((x) => x.id === match![2]);
      return v ? { result: this.version(v) } : missing(match[2]!);
    }
    if (r.path === `${account}/workers/domains/records` || r.path === `${account}/workers/domains`) {
      if (r.method === "GET") {
        const domains = [...this.scripts.values()].flatMap((s) =>
          s.domains.map((hostname) => ({
            id: hostname,
            hostname,
            service: s.name,
            environment: "production",
            zone_name: this.zoneOf(hostname)?.[0],
            zone_id: this.zoneOf(hostname)?.[1],
          })),
        );
        return { result: domains.filter((d) => !query.get("hostname") || d.hostname === query.get("hostname")) };
      }
      if (r.method === "PUT") {
        // attach one custom domain (Cloudflare: the hostname moves to this service, override or not)
        const body = json<{ hostname: string; service: string; environment?: string; zone_id?: string }>();
        const s = this.scripts.get(body.service);
        if (!s) return missing(body.service);
        // a custom domain makes its own DNS record: one of the team's in the way is refused
        if (this.dnsRecords.some((x) => x.name === body.hostname))
          return {
            status: 409,
            result: null,
            errors: [
              {
                code: 100117,
                message:
                  "Hostname already has externally managed DNS records (A, AAAA, CNAME). Either delete them, try a different hostname, or use the option 'override_existing_dns_record' to override.",
              },
            ],
          };
        for (const other of this.scripts.values()) other.domains = other.domains.filter((d) => d !== body.hostname);
        s.domains.push(body.hostname);
        this.changed();
        return {
          result: {
            id: body.hostname,
            hostname: body.hostname,
            service: s.name,
            environment: body.environment ?? "production",
            zone_id: this.zoneOf(body.hostname)?.[1],
          },
        };
      }
      return undefined;
    }
    if ((match = m("{account}/workers/domains/([^/]+)")) && r.method === "DELETE") {
      for (const s of this.scripts.values()) s.domains = s.domains.filter((d) => d !== match![1]);
      this.changed();
      return { result: null };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/domains/changeset"))) {
      const s = this.script(match[1]!);
      const origins = json<{ hostname: string }[] | null>() ?? [];
      return { result: { added: origins.filter((o) => !s.domains.includes(o.hostname)), removed: [], updated: [], conflicting: [] } };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/secrets-bulk")) && r.method === "PATCH") {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      // the values are read and dropped: the stand-in keeps names only
      for (const name of Object.keys(json<{ secrets: Record<string, unknown> }>().secrets)) s.secrets.add(name);
      this.changed();
      return { result: {} };
    }
    if ((match = m("{account}/workers/scripts/([^/]+)/domains/records"))) {
      const s = this.script(match[1]!);
      const body = json<{ origins?: { hostname: string }[] } | null>() ?? {};
      for (const o of body.origins ?? []) {
        // wrangler sends override_existing_origin in CI: the hostname moves to this script
        for (const other of this.scripts.values()) if (other !== s) other.domains = other.domains.filter((d) => d !== o.hostname);
        if (!s.domains.includes(o.hostname)) s.domains.push(o.hostname);
      }
      this.changed();
      return { result: s.domains.map((hostname) => ({ id: hostname, hostname, service: s.name })) };
    }
    return undefined;
  }

  private zoneOf(hostname: string): [string, string] | undefined {
    return [...this.zones].find(([zone]) => hostname === zone || hostname.endsWith(`.${zone}`));
  }

  /** Cloudflare refuses an upload binding a service (script) that does not exist: code 10143. */
  private async unboundService(r: CfRequest, raw: Buffer): Promise<Answer | undefined> {
    const form = await new Response(raw, { headers: { "content-type": r.contentType } }).formData();
    const part = form.get("metadata");
    const metadata = JSON.parse(typeof part === "string" ? part : await (part as Blob).text()) as {
      bindings?: { type: string; name: string; service?: string }[];
    };
    const missing = (metadata.bindings ?? []).find((b) => b.type === "service" && b.service && !this.scripts.get(b.service)?.versions.length);
    if (!missing) return undefined;
    return {
      status: 400,
      result: null,
      errors: [{ code: 10143, message: `Could not resolve service binding '${missing.name}'. Target script '${missing.service}' not found.` }],
    };
  }

  /** An upload whose Durable Object migrations or bindings Cloudflare would refuse (applied when it is not). */
  private async objectsRefused(script: string, r: CfRequest, raw: Buffer): Promise<Answer | undefined> {
    const form = await new Response(raw, { headers: { "content-type": r.contentType } }).formData();
    const part = form.get("metadata");
    const metadata = JSON.parse(typeof part === "string" ? part : await (part as Blob).text()) as Record<string, unknown>;
    const refused = this.objects.upload(script, metadata);
    return refused ? { status: 400, result: null, errors: [refused] } : undefined;
  }

  /** A version from a multipart upload: its metadata (bindings, annotations) and its modules. */
  private async newVersion(s: Script, r: CfRequest, raw: Buffer): Promise<Version> {
    const form = await new Response(raw, { headers: { "content-type": r.contentType } }).formData();
    const part = form.get("metadata");
    const metadata = JSON.parse(typeof part === "string" ? part : await (part as Blob).text()) as Record<string, unknown>;
    // secrets uploaded with the version (wrangler deploy --secrets-file): names kept, values dropped
    const bindings = (metadata.bindings as { type: string; name: string }[] | undefined) ?? [];
    for (const b of bindings.filter((x) => x.type === "secret_text")) s.secrets.add(b.name);
    metadata.bindings = bindings.filter((x) => x.type !== "secret_text");
    const modules: LiveScript["modules"] = [];
    for (const [name, part] of form) {
      if (name === "metadata" || typeof part === "string") continue;
      const type = moduleType(part.type);
      if (type) modules.push({ name, type, contents: new Uint8Array(await part.arrayBuffer()) });
    }
    const version: Version = { id: randomUUID(), number: s.versions.length + 1, created: this.now(), metadata, modules };
    s.versions.push(version);
    return version;
  }

  private version(v: Version): unknown {
    return {
      id: v.id,
      number: v.number,
      metadata: { created_on: v.created, modified_on: v.created, source: "wrangler", author_email: "fleet@example.invalid" },
      annotations: { ...((v.metadata.annotations as Record<string, string> | undefined) ?? {}) },
      resources: {
        bindings: v.metadata.bindings ?? [],
        script: { etag: v.id, handlers: ["fetch"] },
        script_runtime: { compatibility_date: v.metadata.compatibility_date },
      },
    };
  }
}

interface Answer {
  status?: number;
  result: unknown;
  errors?: { code: number; message: string }[];
  extra?: Record<string, unknown>;
}

function routeOut(route: Route): { id: string; pattern: string; script?: string } {
  return { id: route.id, pattern: route.pattern, ...(route.script ? { script: route.script } : {}) };
}

function duplicateRoute(pattern: string): Answer {
  return { status: 409, result: null, errors: [{ code: 10020, message: `A route with the same pattern already exists: ${pattern} (duplicate_route)` }] };
}

/** Does a route pattern (`host/*`, `*.host/path*`) match a request? */
function matches(pattern: string, host: string, path: string): boolean {
  const slash = pattern.indexOf("/");
  const [hostPattern, pathPattern] = slash < 0 ? [pattern, "/*"] : [pattern.slice(0, slash), pattern.slice(slash)];
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .split("*")
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
  return glob(hostPattern).test(host) && glob(pathPattern).test(path);
}

/** A module part's type as workerd runs it (source maps and the like are not modules). */
function moduleType(contentType: string): LiveScript["modules"][number]["type"] | undefined {
  if (contentType.startsWith("application/javascript+module")) return "ESModule";
  if (contentType.startsWith("application/javascript")) return "CommonJS";
  if (contentType.startsWith("application/wasm")) return "CompiledWasm";
  if (contentType.startsWith("text/plain")) return "Text";
  if (contentType.startsWith("application/octet-stream")) return "Data";
  return undefined;
}

// On its own, for trying fleet without an account:
//   node test/cloud/cloudflare-stand-in.ts --port 8787 [--zone chitty.cc]… [--script NAME]… [--resources FILE]…
// (--script: a script already on the account, deployed from elsewhere — an external worker the
// fleet's bind, which Cloudflare requires to exist: the example's platform binds
// chittyos-id-worker and chittyos-auth-worker; --resources FILE: every KV namespace, D1 database,
// R2 bucket, queue, Hyperdrive config and Vectorize index that wrangler config binds, made, as
// fleet checks them before a deploy)
// prints the environment (NAME=value, one a line) that points wrangler and fleet at it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      zone: { type: "string", multiple: true },
      script: { type: "string", multiple: true },
      resources: { type: "string", multiple: true },
      token: { type: "string", default: "stand-in-token" },
      account: { type: "string", default: "0123456789abcdef0123456789abcdef" },
    },
  });
  const zones = values.zone ?? ["chitty.cc"];
  const standIn = new CloudflareStandIn(values.account, values.token, zones);
  // each zone starts with a proxied wildcard record, so a Workers Route can serve any of its hostnames
  for (const zone of zones) standIn.addDnsRecord(`*.${zone}`);
  for (const script of values.script ?? []) standIn.deployedElsewhere(script);
  for (const file of values.resources ?? []) standIn.resources.seedFromFile(file);
  await standIn.start(Number(values.port));
  for (const [name, value] of Object.entries(standIn.env)) console.log(`${name}=${value}`);
  const stop = () => void standIn.stop().then(() => process.exit(0));
  process.on("SIGINT", stop).on("SIGTERM", stop);
}
