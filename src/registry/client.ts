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
  endpoint: string | null;
  healthEndpoint: string | null;
  capabilities: string[];
  deployedAt: string | null;
  updatedAt?: string;
}

export type RegistryFetch = (url: string, init?: RequestInit) => Promise<Response>;

export class RegistryClient {
  constructor(
    private readonly base: string,
    private readonly fetcher: RegistryFetch,
    private readonly token?: string,
  ) {}

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return this.fetcher(`${this.base.replace(/\/$/, "")}${path}`, { ...init, headers });
  }

  async list(): Promise<RegistryEntry[]> {
    let response: Response;
    try {
      response = await this.call("/api/services");
    } catch (error) {
      throw new UserError(`cannot reach the registry at ${this.base}: ${(error as Error).message}`, { hint: "check providers.registry in fleet.jsonc", cause: error });
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
      throw new UserError(`the registry at ${this.base} refused the update of ${entry.serviceId} (HTTP ${response.status})`, { hint: "set FLEET_REGISTRY_TOKEN to a token the registry accepts" });
    }
    if (response.status !== 200 && response.status !== 201) throw new Error(`registry update of ${entry.serviceId} failed: HTTP ${response.status} ${await response.text()}`);
    return { created: response.status === 201 };
  }
}

/** Fields that matter when deciding whether an entry changed (not the registry's own updatedAt). */
export function sameEntry(a: RegistryEntry, b: RegistryEntry): boolean {
  const pick = ({ updatedAt: _u, ...rest }: RegistryEntry) => JSON.stringify(rest, Object.keys(rest).sort());
  return pick(a) === pick(b);
}
