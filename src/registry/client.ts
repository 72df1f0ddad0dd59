import { UserError } from "../errors.js";

// The registry client: the same calls against the local registry worker (through the local
// cloud) or a remote registry URL (bearer token from the environment, never printed).

export interface RegistryEntry {
  serviceId: string;
  name: string;
  version: string;
  repository: string;
  cloudflareWorker: string;
  domain: string | null;
  /** Its other hostnames (the domain's aliases), each answered the same way. */
  aliases: string[];
  /** Its wildcard routes as written (`*.sites.example.test/*`), when it has any: patterns, not hostnames. */
  routes?: string[];
  endpoint: string | null;
  healthEndpoint: string | null;
  capabilities: string[];
  deployedAt: string | null;
  updatedAt?: string;
}

export type RegistryFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Pause before retry n: backoffMs * 2^(n-1), or what retry-after says (capped by the deadline). */
  backoffMs: number;
  /** No retry starts after this long from the first attempt. */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { timeoutMs: 10_000, retries: 4, backoffMs: 250, deadlineMs: 60_000 };

export class RegistryClient {
  constructor(
    private readonly base: string,
    private readonly fetcher: RegistryFetch,
    private readonly token?: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * One call, retried with backoff within a deadline when the registry answers 5xx or 429
   * (honouring retry-after), resets the connection, or does not answer in time.
   */
  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let wait = this.retry.backoffMs * 2 ** attempt;
      let failure: unknown;
      try {
        const response = await this.fetcher(`${this.base.replace(/\/$/, "")}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.retry.timeoutMs) });
        if (response.status < 500 && response.status !== 429) return response;
        const after = Number(response.headers.get("retry-after"));
        if (Number.isFinite(after) && after > 0) wait = after * 1000;
        failure = new Error(`HTTP ${response.status}`);
        await response.body?.cancel().catch(() => {});
      } catch (error) {
        failure = (error as Error).name === "TimeoutError" ? new Error(`no answer within ${this.retry.timeoutMs} ms`) : error;
      }
      if (attempt >= this.retry.retries || Date.now() + wait - started > this.retry.deadlineMs) {
        throw new RegistryUnavailable(`${init.method ?? "GET"} ${path} failed after ${attempt + 1} attempt${attempt ? "s" : ""}: ${describe(failure)}`);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async list(): Promise<RegistryEntry[]> {
    let response: Response;
    try {
      response = await this.call("/api/services");
    } catch (error) {
      throw new UserError(`cannot reach the registry at ${this.base}: ${(error as Error).message}`, {
        hint: "check providers.registry in fleet.jsonc, or run again when the registry is back",
        cause: error,
      });
    }
    if (!response.ok) throw new Error(`registry list failed: HTTP ${response.status}`);
    return ((await response.json()) as { services: RegistryEntry[] }).services;
  }

  async get(id: string): Promise<RegistryEntry | undefined> {
    const response = await this.call(`/api/services/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`registry get ${id} failed: HTTP ${response.status}`);
    return (await response.json()) as RegistryEntry;
  }

  async put(entry: RegistryEntry): Promise<{ created: boolean }> {
    const response = await this.call(`/api/services/${encodeURIComponent(entry.serviceId)}`, { method: "PUT", body: JSON.stringify(entry) });
    if (response.status === 401 || response.status === 403) {
      throw new UserError(`the registry at ${this.base} refused the update of ${entry.serviceId} (HTTP ${response.status})`, {
        hint: "set FLEET_REGISTRY_TOKEN to a token the registry accepts",
      });
    }
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`registry update of ${entry.serviceId} failed: HTTP ${response.status} ${await response.text()}`);
    return { created: response.status === 201 };
  }
}

/** The registry could not be reached or kept failing: the command reports it and goes on. */
export class RegistryUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryUnavailable";
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code} (${cause.message ?? ""})`.replace(/ \(\)$/, "") : ((error as Error).message ?? String(error));
}

/** Fields that matter when deciding whether an entry changed (not the registry's own updatedAt). */
export function sameEntry(a: RegistryEntry, b: RegistryEntry): boolean {
  const pick = ({ updatedAt: _u, ...rest }: RegistryEntry) => JSON.stringify(rest, Object.keys(rest).sort());
  return pick(a) === pick(b);
}
