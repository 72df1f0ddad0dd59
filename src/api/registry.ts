// The service registry: every worker's entry upserted from the manifest, the forge and the cloud.
import { miniflareOptions, WORKERS_DEV } from "../cloud/runtime.js";
import type { Cloud } from "../cloud/cloud.js";
import { cloudFor } from "../cloud/select.js";
import type { Manifest } from "../manifest/schema.js";
import { LocalCloudStore } from "../cloud/store.js";
import { DEFAULT_RETRY, RegistryClient, RegistryUnavailable, sameEntry, type RegistryFetch, type RetryPolicy } from "../registry/client.js";
import { registryEntries } from "../registry/entries.js";
import { releasedVersions } from "../registry/released.js";
import { ensureLocalRegistry, LOCAL_REGISTRY_URL } from "../registry/local.js";
import { openSession, whileLocked, type FleetOptions, type Session } from "./session.js";

export interface RegistrySyncCall extends FleetOptions {
  /** Say what would be created or updated; change nothing. */
  dryRun?: boolean;
  /** Per request to a remote registry, and retries with backoff (defaults: 10 s, 4). */
  timeoutMs?: number;
  retries?: number;
}

export interface RegistryEntryResult {
  serviceId: string;
  action: "create" | "update" | "unchanged";
  version: string;
  domain?: string;
  /** Its wildcard routes as written, when it has any. */
  routes?: string[];
  /** Why the write failed (after its retries); a re-run does the rest. */
  error?: string;
}

export interface RegistrySyncResult {
  /** The registry written: the local one's URL, or the manifest's. */
  registry: string;
  dryRun: boolean;
  entries: RegistryEntryResult[];
}

/**
 * A worker's workers.dev name on the manifest's cloud (where a wildcard route's health is asked
 * without a probe host): the local cloud's `<script>.workers.dev`, or the account's subdomain,
 * read once and only when an entry needs it; undefined when the account cannot be read.
 */
function workersDevOn(manifest: Manifest, session: Session): (script: string) => Promise<string | undefined> {
  if (manifest.providers.cloud === "local") return async (script) => `${script}.${WORKERS_DEV}`;
  let cloud: Promise<Cloud | undefined> | undefined;
  return async (script) => {
    cloud ??= cloudFor(manifest, session.cwd, session.env, { persist: false }).catch(() => undefined);
    return (await cloud)?.workersDevHost(script).catch(() => undefined);
  };
}

/** Upserts every worker's entry; one entry failing does not stop the others. */
export async function registrySync(options: RegistrySyncCall = {}): Promise<RegistrySyncResult> {
  const session = openSession(options);
  const dryRun = Boolean(options.dryRun);
  const work = async (): Promise<RegistrySyncResult> => {
    const manifest = await session.manifest();
    const store = LocalCloudStore.at(session.cwd);
    const wanted = await registryEntries(manifest, store, await releasedVersions(session, manifest, store), workersDevOn(manifest, session));
    const provider = manifest.providers.registry;
    let dispose = async () => {};
    let client: RegistryClient;
    if (provider === "local") {
      if (!dryRun) await ensureLocalRegistry(store);
      const { Miniflare } = await import("miniflare");
      const mf = new Miniflare((await miniflareOptions(store)) as never);
      dispose = () => mf.dispose();
      client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => mf.dispatchFetch(url, init as never)) as unknown as RegistryFetch);
    } else {
      const policy: RetryPolicy = {
        ...DEFAULT_RETRY,
        timeoutMs: options.timeoutMs ?? DEFAULT_RETRY.timeoutMs,
        retries: options.retries ?? DEFAULT_RETRY.retries,
      };
      client = new RegistryClient(provider, fetch, session.env.FLEET_REGISTRY_TOKEN, policy);
    }
    try {
      // a dry run against a local registry never started has nothing to read
      const unstarted = dryRun && provider === "local" && !(await store.state()).workers["fleet-registry"];
      const current = new Map((unstarted ? [] : await client.list()).map((e) => [e.serviceId, e]));
      const entries: RegistryEntryResult[] = [];
      for (const entry of wanted) {
        const existing = current.get(entry.serviceId);
        const action = !existing ? "create" : sameEntry({ ...existing }, entry) ? "unchanged" : "update";
        const result: RegistryEntryResult = {
          serviceId: entry.serviceId,
          action,
          version: entry.version,
          ...(entry.domain ? { domain: entry.domain } : {}),
          ...(entry.routes ? { routes: entry.routes } : {}),
        };
        if (action !== "unchanged" && !dryRun) {
          try {
            await client.put(entry);
          } catch (error) {
            if (!(error instanceof RegistryUnavailable)) throw error;
            result.error = error.message;
          }
        }
        entries.push(result);
      }
      return { registry: provider === "local" ? LOCAL_REGISTRY_URL : provider, dryRun, entries };
    } finally {
      await dispose();
    }
  };
  return dryRun ? work() : whileLocked(session, "fleet registry sync (library)", work);
}
