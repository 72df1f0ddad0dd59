// A stand-in for GitHub, on 127.0.0.1, for the GitHub forge's tests: the REST operations fleet
// uses, each request checked against GitHub's OpenAPI description (a request the description does
// not allow is answered 400 and recorded as a violation, which fails the test), each answer built
// from the description's schema and checked against it; and git's smart HTTP through the real
// `git http-backend`, which requires the token. Secrets arrive sealed with the repository's
// libsodium public key and are kept sealed; tests can open them with the private key.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import sodium from "libsodium-wrappers";
import { checkRequest, checkResponse, example, responseSchema } from "./openapi-check.js";
import { operatePulls, type StandInPull } from "./github-stand-in-pulls.js";
import { newRepoAccess, operateAccess, type OrgPeople, type RepoAccess } from "./github-stand-in-access.js";

interface FakeRepo {
  id: number;
  name: string;
  description: string | null;
  visibility: string;
  topics: string[];
  environments: Map<string, string>;
  secrets: Map<string, { sealed: string; created: string; updated: string }>;
  keys: { publicKey: Uint8Array; privateKey: Uint8Array; id: string };
  access: RepoAccess;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  at: number;
  authorized: boolean;
}

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly repos = new Map<string, FakeRepo>();
  /** Each repository's pull requests, by repository name. */
  readonly pulls = new Map<string, StandInPull[]>();
  /** The organisation's teams and people; the token is fleet-bot's, a member. */
  readonly people: OrgPeople = {
    teams: new Set(["platform", "sre", "reviewers"]),
    members: new Set(["fleet-bot", "ana", "bo"]),
    users: new Set(["fleet-bot", "ana", "bo", "outside-carol", "outside-dan"]),
    self: "fleet-bot",
  };
  private api?: Server;
  private git?: Server;
  private clock = Date.parse("2026-01-01T00:00:00Z");
  /** git requests to refuse once each with a status (`GET /acme/x.git/info/refs`), for fault tests. */
  readonly gitFaults: { match: RegExp; status: number }[] = [];
  /** Answers to give instead of the real one, once each (status, headers), for fault tests. */
  readonly faults: { match: RegExp; status: number | "reset" | "hang"; headers?: Record<string, string>; message?: string }[] = [];

  constructor(
    readonly org: string,
    readonly token: string,
    readonly gitRoot: string,
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.api!.address() as AddressInfo).port}`;
  }
  get gitUrl(): string {
    return `http://127.0.0.1:${(this.git!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await sodium.ready;
    this.api = createServer((req, res) => void this.handleApi(req, res));
    this.git = createServer((req, res) => void this.handleGit(req, res));
    await Promise.all([this.api, this.git].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    return this;
  }

  async stop(): Promise<void> {
    for (const s of [this.api, this.git]) s?.closeAllConnections();
    await Promise.all([this.api, this.git].map((s) => new Promise((r) => s?.close(r))));
  }

  /** A secret's value, opened with the repository's private key (what GitHub Actions would see). */
  openSecret(repo: string, name: string): string {
    const r = this.repos.get(repo)!;
    const sealed = sodium.from_base64(r.secrets.get(name)!.sealed, sodium.base64_variants.ORIGINAL);
    return sodium.to_string(sodium.crypto_box_seal_open(sealed, r.keys.publicKey, r.keys.privateKey));
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    return header === `token ${this.token}` || header === `Bearer ${this.token}`;
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, "http://api.github.test");
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text.length ? JSON.parse(text.toString("utf8")) : undefined;
    } catch {
      body = text.toString("utf8");
    }
    const record: RecordedRequest = { method: req.method!, path: url.pathname + url.search, status: 0, at: performance.now(), authorized: this.authorized(req) };
    this.requests.push(record);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ratelimit-remaining": "4999", "x-ratelimit-limit": "5000", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    const checked = checkRequest(req.method!, url, body);
    if (!checked.ok) {
      this.violations.push(...checked.problems.map((p) => `${req.method} ${url.pathname}: ${p}`));
      return send(400, { message: checked.problems.join("; "), documentation_url: "https://docs.github.com/rest" });
    }
    record.operationId = checked.request.operationId;
    if (!record.authorized) return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const fault = this.faults.findIndex((f) => f.match.test(`${req.method} ${url.pathname}`));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      record.status = f!.status === "reset" ? -1 : f!.status === "hang" ? -2 : f!.status;
      if (f!.status === "reset") return void req.socket.destroy();
      if (f!.status === "hang") return; // never answers
      return send(f!.status, { message: f!.message ?? `stand-in fault ${f!.status}`, documentation_url: "https://docs.github.com/rest" }, f!.headers);
    }
    const answer = this.operate(checked.request.operationId, checked.request.params, checked.request.query, checked.request.body as Record<string, any>);
    if (answer.status < 400) {
      const problems = checkResponse(checked.request.operationId, answer.status, answer.body);
      if (problems.length) this.violations.push(...problems.map((p) => `stand-in answer: ${p}`));
    }
    send(answer.status, answer.body);
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d+Z$/, "Z");
  }

  private fill(operationId: string, status: number, fields: Record<string, unknown>): unknown {
    return { ...(example(responseSchema(operationId, status)) as object), ...fields };
  }

  private repoObject(operationId: string, status: number, r: FakeRepo): unknown {
    return this.fill(operationId, status, {
      id: r.id,
      node_id: `R_${r.id}`,
      name: r.name,
      full_name: `${this.org}/${r.name}`,
      description: r.description,
      private: r.visibility !== "public",
      visibility: r.visibility,
      topics: r.topics,
      default_branch: "main",
      html_url: `https://github.com/${this.org}/${r.name}`,
      clone_url: `${this.gitUrl}/${this.org}/${r.name}.git`,
      owner: { ...(example(responseSchema("repos/get", 200)?.properties?.owner) as object), login: this.org, type: "Organization" },
    });
  }

  private operate(operationId: string, params: Record<string, string>, query: Record<string, string>, body: Record<string, any>): { status: number; body?: unknown } {
    const notFound = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    const repo = params.repo ? this.repos.get(params.repo) : undefined;
    const ownerOk = (params.owner ?? params.org) === this.org;
    switch (operationId) {
      case "repos/create-in-org": {
        if (!ownerOk) return notFound;
        if (this.repos.has(body.name)) return { status: 422, body: { message: "Repository creation failed.", errors: [{ resource: "Repository", code: "custom", field: "name", message: "name already exists on this account" }], documentation_url: "https://docs.github.com/rest" } };
        const keys = sodium.crypto_box_keypair();
        const r: FakeRepo = { id: this.repos.size + 1000, name: body.name, description: body.description ?? null, visibility: body.visibility ?? (body.private ? "private" : "public"), topics: [], environments: new Map(), secrets: new Map(), keys: { publicKey: keys.publicKey, privateKey: keys.privateKey, id: `key-${this.repos.size + 1}` }, access: newRepoAccess(this.people.self) };
        this.repos.set(r.name, r);
        const dir = join(this.gitRoot, this.org, `${r.name}.git`);
        mkdirSync(dir, { recursive: true });
        spawnSync("git", ["init", "-q", "--bare", "--initial-branch=main", dir]);
        spawnSync("git", ["config", "http.receivepack", "true"], { cwd: dir });
        return { status: 201, body: this.repoObject(operationId, 201, r) };
      }
      case "repos/get":
        return repo && ownerOk ? { status: 200, body: this.repoObject(operationId, 200, repo) } : notFound;
      case "repos/update":
        if (!repo || !ownerOk) return notFound;
        if ("description" in body) repo.description = body.description;
        return { status: 200, body: this.repoObject(operationId, 200, repo) };
      case "repos/replace-all-topics":
        if (!repo || !ownerOk) return notFound;
        repo.topics = [...new Set((body.names as string[]).map((n) => n.toLowerCase()))];
        return { status: 200, body: { names: repo.topics } };
      case "repos/list-for-org": {
        if (!ownerOk) return notFound;
        const perPage = Number(query.per_page ?? 30);
        const page = Number(query.page ?? 1);
        const all = [...this.repos.values()].sort((a, b) => a.id - b.id);
        return { status: 200, body: all.slice((page - 1) * perPage, page * perPage).map((r) => this.repoObject("repos/get", 200, r)) };
      }
      case "repos/create-or-update-environment":
        if (!repo || !ownerOk) return notFound;
        if (!repo.environments.has(params.environment_name!)) repo.environments.set(params.environment_name!, this.now());
        return { status: 200, body: this.environment(params.environment_name!, repo.environments.get(params.environment_name!)!) };
      case "repos/get-all-environments":
        if (!repo || !ownerOk) return notFound;
        return { status: 200, body: { total_count: repo.environments.size, environments: [...repo.environments].map(([n, at]) => this.environment(n, at)) } };
      case "actions/get-repo-public-key":
        if (!repo || !ownerOk) return notFound;
        return { status: 200, body: { key_id: repo.keys.id, key: sodium.to_base64(repo.keys.publicKey, sodium.base64_variants.ORIGINAL) } };
      case "actions/create-or-update-repo-secret": {
        if (!repo || !ownerOk) return notFound;
        if (body.key_id !== repo.keys.id) return { status: 422, body: { message: "key_id does not match the repository's public key", documentation_url: "https://docs.github.com/rest" } };
        try {
          sodium.crypto_box_seal_open(sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL), repo.keys.publicKey, repo.keys.privateKey);
        } catch {
          return { status: 422, body: { message: "encrypted_value is not sealed with the repository's public key", documentation_url: "https://docs.github.com/rest" } };
        }
        const existing = repo.secrets.get(params.secret_name!);
        const at = this.now();
        repo.secrets.set(params.secret_name!, { sealed: body.encrypted_value, created: existing?.created ?? at, updated: at });
        return { status: existing ? 204 : 201, body: existing ? undefined : {} };
      }
      case "actions/get-repo-secret": {
        const s = repo?.secrets.get(params.secret_name!);
        return s ? { status: 200, body: { name: params.secret_name, created_at: s.created, updated_at: s.updated } } : notFound;
      }
      case "actions/list-repo-secrets":
        if (!repo || !ownerOk) return notFound;
        return { status: 200, body: { total_count: repo.secrets.size, secrets: [...repo.secrets].map(([name, s]) => ({ name, created_at: s.created, updated_at: s.updated })) } };
      case "pulls/list":
      case "pulls/create":
      case "pulls/update": {
        if (!repo || !ownerOk) return notFound;
        if (!this.pulls.has(repo.name)) this.pulls.set(repo.name, []);
        const where = { org: this.org, repo: repo.name, gitDir: join(this.gitRoot, this.org, `${repo.name}.git`) };
        const fill = (op: string, status: number, fields: Record<string, unknown>) => this.fill(op, status, fields);
        return operatePulls(this.pulls.get(repo.name)!, where, operationId, params, query, body, fill) ?? notFound;
      }
      default:
        return operateAccess(this.people, this.org, ownerOk ? repo : undefined, operationId, params, body) ?? { status: 501, body: { message: `the stand-in does not implement ${operationId}`, documentation_url: "https://docs.github.com/rest" } };
    }
  }

  private environment(name: string, at: string): unknown {
    return this.fill("repos/get-environment", 200, { id: name.length, node_id: `E_${name}`, name, url: `${this.apiUrl}/env/${name}`, html_url: `https://github.com/${this.org}/env/${name}`, created_at: at, updated_at: at });
  }

  /** git's smart HTTP through `git http-backend`, for requests that carry the token. */
  private async handleGit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, "http://git.test");
    const auth = req.headers.authorization ?? "";
    const expected = `basic ${Buffer.from(`x-access-token:${this.token}`).toString("base64")}`;
    this.requests.push({ method: req.method!, path: url.pathname, status: 0, at: performance.now(), authorized: auth.toLowerCase() === expected.toLowerCase() });
    if (auth.toLowerCase() !== expected.toLowerCase()) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="github stand-in"', "content-type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    const fault = this.gitFaults.findIndex((f) => f.match.test(`${req.method} ${url.pathname}`));
    if (fault >= 0) {
      const [f] = this.gitFaults.splice(fault, 1);
      res.writeHead(f!.status, { "content-type": "text/plain" });
      res.end("stand-in fault\n");
      return;
    }
    const input = await readBody(req);
    const execPath = spawnSync("git", ["--exec-path"], { encoding: "utf8" }).stdout.trim();
    const child = spawn(join(execPath, "git-http-backend"), [], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: this.gitRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method!,
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        CONTENT_LENGTH: String(input.length),
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_USER: "x-access-token",
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    child.stdin.on("error", () => {}); // the backend may exit without reading its input (a GET)
    child.stdin.end(input);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((r) => child.on("close", r));
    const out = Buffer.concat(chunks);
    const split = out.indexOf("\r\n\r\n") >= 0 ? out.indexOf("\r\n\r\n") : out.indexOf("\n\n");
    const sep = out[split] === 13 ? 4 : 2;
    const head = out.subarray(0, split).toString("utf8").split(/\r?\n/);
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head) {
      const [k, ...v] = line.split(":");
      if (k!.toLowerCase() === "status") status = Number(v.join(":").trim().split(" ")[0]);
      else if (k) headers[k.trim()] = v.join(":").trim();
    }
    res.writeHead(status, headers);
    res.end(out.subarray(split + sep));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}
