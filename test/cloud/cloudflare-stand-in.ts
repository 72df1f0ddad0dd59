// A stand-in for the Cloudflare API on 127.0.0.1 (wrangler reaches it through
// CLOUDFLARE_API_BASE_URL), for the one test that runs real wrangler against "an account": it
// records every request and keeps just enough state — scripts, versions, deployments, secrets,
// workers.dev, custom domains — for wrangler's deploy, versions, deployments, rollback and secret
// commands to go through. It is not Cloudflare: it checks the token and the shapes wrangler
// reads, nothing about what Cloudflare would accept.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
}

interface Script {
  name: string;
  versions: Version[];
  deployments: { id: string; created_on: string; source: string; strategy: string; versions: { version_id: string; percentage: number }[]; annotations?: Record<string, string> }[];
  secrets: Set<string>;
  workersDev: boolean;
  domains: string[];
}

export class CloudflareStandIn {
  readonly requests: CfRequest[] = [];
  readonly scripts = new Map<string, Script>();
  private server?: Server;
  private clock = Date.parse("2026-01-01T00:00:00Z");

  constructor(
    readonly accountId: string,
    readonly token: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/client/v4`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private script(name: string): Script {
    let s = this.scripts.get(name);
    if (!s) this.scripts.set(name, (s = { name, versions: [], deployments: [], secrets: new Set(), workersDev: false, domains: [] }));
    return s;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url!, "http://api.cloudflare.test");
    const record: CfRequest = {
      method: req.method!,
      path: url.pathname.replace(/^\/client\/v4/, ""),
      query: url.search,
      contentType: req.headers["content-type"] ?? "",
      body: Buffer.concat(chunks).toString("utf8"),
      authorized: req.headers.authorization === `Bearer ${this.token}`,
    };
    this.requests.push(record);
    const send = (status: number, result: unknown, errors: { code: number; message: string }[] = []) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ success: status < 400, errors, messages: [], result }));
    };
    if (!record.authorized) return send(401, null, [{ code: 10000, message: "Authentication error" }]);
    const prefix = `/accounts/${this.accountId}/workers`;
    if (!record.path.startsWith(prefix) && !record.path.startsWith("/user") && !record.path.startsWith("/memberships") && !record.path.startsWith("/zones")) {
      return send(404, null, [{ code: 7003, message: `the stand-in does not know ${record.path}` }]);
    }
    const answer = this.route(record, record.path.slice(prefix.length), url.searchParams);
    if (!answer) return send(404, null, [{ code: 7003, message: `the stand-in does not implement ${record.method} ${record.path}` }]);
    send(answer.status ?? 200, answer.result, answer.errors);
  }

  private route(r: CfRequest, path: string, query: URLSearchParams): { status?: number; result: unknown; errors?: { code: number; message: string }[] } | undefined {
    const m = (pattern: RegExp) => pattern.exec(path);
    let match: RegExpExecArray | null;
    const missing = (name: string) => ({ status: 404, result: null, errors: [{ code: 10007, message: `This Worker does not exist on your account. (${name})` }] });
    if (path === "/subdomain") return { result: { subdomain: "fleet-stand-in" } };
    if ((match = m(/^\/services\/([^/]+)$/))) {
      const s = this.scripts.get(match[1]!);
      return s ? { result: { id: s.name, default_environment: { environment: "production", script: { id: s.name, tag: s.name } } } } : missing(match[1]!);
    }
    if ((match = m(/^\/workers\/([^/]+)$/)) && r.method === "GET") {
      const s = this.scripts.get(match[1]!);
      return s ? { result: { id: s.name, name: s.name, subdomain: { enabled: s.workersDev, previews_enabled: false } } } : missing(match[1]!);
    }
    if ((match = m(/^\/scripts\/([^/]+)$/)) && r.method === "PUT") {
      // the upload: a new version, deployed at 100% (what `wrangler deploy` does)
      const s = this.script(match[1]!);
      const version: Version = { id: randomUUID(), number: s.versions.length + 1, created: this.now(), metadata: metadataOf(r.body) };
      s.versions.push(version);
      s.deployments.unshift({ id: randomUUID(), created_on: version.created, source: "wrangler", strategy: "percentage", versions: [{ version_id: version.id, percentage: 100 }] });
      // as Cloudflare does, the upload answers the new version's id as "deployment_id"
      return { result: { id: s.name, etag: version.id, deployment_id: version.id, startup_time_ms: 1, has_modules: true } };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/secrets$/))) {
      const s = this.scripts.get(match[1]!);
      if (r.method === "GET") return { result: s ? [...s.secrets].sort().map((name) => ({ name, type: "secret_text" })) : [] };
      if (r.method === "PUT" && s) {
        const { name } = JSON.parse(r.body) as { name: string };
        s.secrets.add(name);
        return { result: { name, type: "secret_text" } };
      }
      return s ? undefined : missing(match[1]!);
    }
    if ((match = m(/^\/scripts\/([^/]+)\/settings$/))) return { result: { bindings: [], compatibility_date: "2025-09-01", compatibility_flags: [] } };
    if ((match = m(/^\/scripts\/([^/]+)\/script-settings$/))) return { result: { tags: [] } };
    if ((match = m(/^\/scripts\/([^/]+)\/subdomain$/))) {
      const s = this.script(match[1]!);
      if (r.method === "POST") s.workersDev = (JSON.parse(r.body || "{}") as { enabled?: boolean }).enabled ?? true;
      return { result: { enabled: s.workersDev, previews_enabled: false } };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/deployments$/))) {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      if (r.method === "GET") return { result: { deployments: s.deployments } };
      const body = JSON.parse(r.body) as { strategy: string; versions: { version_id: string; percentage: number }[]; annotations?: Record<string, string> };
      const deployment = { id: randomUUID(), created_on: this.now(), source: "wrangler", strategy: body.strategy, versions: body.versions, ...(body.annotations ? { annotations: body.annotations } : {}) };
      s.deployments.unshift(deployment);
      return { result: deployment };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/versions$/))) {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      if (r.method === "POST") {
        // `versions upload` (and deploy of an existing worker): a new version, not yet deployed
        const version: Version = { id: randomUUID(), number: s.versions.length + 1, created: this.now(), metadata: metadataOf(r.body) };
        s.versions.push(version);
        return { result: this.version(version) };
      }
      return { result: { items: [...s.versions].reverse().map((v) => this.version(v)) } };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/versions\/([^/]+)$/))) {
      const v = this.scripts.get(match[1]!)?.versions.find((x) => x.id === match![2]);
      return v ? { result: this.version(v) } : missing(match[2]!);
    }
    if (path === "/domains/records" || path === "/domains") {
      if (r.method === "GET") return { result: [...this.scripts.values()].flatMap((s) => s.domains.map((hostname) => ({ id: hostname, hostname, service: s.name, environment: "production", zone_name: hostname.split(".").slice(-2).join(".") }))) };
      return undefined;
    }
    if ((match = m(/^\/scripts\/([^/]+)\/domains\/changeset$/))) {
      const s = this.script(match[1]!);
      const origins = JSON.parse(r.body || "[]") as { hostname: string }[];
      return { result: { added: origins.filter((o) => !s.domains.includes(o.hostname)), removed: [], updated: [], conflicting: [] } };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/secrets-bulk$/)) && r.method === "PATCH") {
      const s = this.scripts.get(match[1]!);
      if (!s) return missing(match[1]!);
      // the values are read and dropped: the stand-in keeps names only
      for (const name of Object.keys((JSON.parse(r.body) as { secrets: Record<string, unknown> }).secrets)) s.secrets.add(name);
      return { result: {} };
    }
    if ((match = m(/^\/scripts\/([^/]+)\/domains\/records$/))) {
      const s = this.script(match[1]!);
      const body = JSON.parse(r.body || "{}") as { origins?: { hostname: string }[] };
      for (const o of body.origins ?? []) if (!s.domains.includes(o.hostname)) s.domains.push(o.hostname);
      return { result: s.domains.map((hostname) => ({ id: hostname, hostname, service: s.name })) };
    }
    void query;
    return undefined;
  }

  private version(v: Version): unknown {
    return { id: v.id, number: v.number, metadata: { created_on: v.created, modified_on: v.created, source: "wrangler", author_email: "fleet@example.invalid" }, annotations: {}, resources: { bindings: v.metadata.bindings ?? [], script: { etag: v.id, handlers: ["fetch"] }, script_runtime: { compatibility_date: v.metadata.compatibility_date } } };
  }
}

/** The "metadata" part of a multipart upload (bindings, compatibility date, main module). */
function metadataOf(body: string): Record<string, unknown> {
  const part = /name="metadata"\r?\n(?:[^\r\n]*\r?\n)*?\r?\n([\s\S]*?)\r?\n--/.exec(body)?.[1];
  return part ? (JSON.parse(part) as Record<string, unknown>) : {};
}
