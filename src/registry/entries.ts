// Every worker's registry entry, from the manifest, the forge and the cloud.
import type { LocalCloudStore } from "../cloud/store.js";
import { displayName, repoNameFor, repositoryUrl, workerHostnames } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import type { RegistryEntry } from "./client.js";
import { probeOf, probeUrl } from "../health/probe.js";
import { healthTargets } from "../health/where.js";
import { workerPatterns } from "../manifest/routes.js";
import { WORKERS_DEV } from "../cloud/runtime.js";

/**
 * `released`: what each deployed worker's live commit is in its repository's release terms
 * (registry/released.ts). An entry's version is that ("1.1.0", or "1.1.0+3.abc1234" for a commit
 * after the release); a live version no release describes keeps the cloud's number and commit
 * ("v3+abc123456789"); else "not deployed", or "external".
 */
export async function registryEntries(
  manifest: Manifest,
  store: LocalCloudStore,
  released: ReadonlyMap<string, string> = new Map(),
  workersDev: (script: string) => Promise<string | undefined> = async (script) => `${script}.${WORKERS_DEV}`,
): Promise<RegistryEntry[]> {
  const state = await store.state();
  const entries: RegistryEntry[] = [];
  for (const [id, worker] of Object.entries(manifest.workers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const script = repoNameFor(manifest, id);
    const deployed = state.workers[script];
    const version = deployed ? await store.version(script, deployed.active) : undefined;
    const capabilities = new Set(["http"]);
    if (version) {
      if (version.spec.kv.length) capabilities.add("kv");
      if (version.spec.d1.length) capabilities.add("d1");
      if (version.spec.r2.length) capabilities.add("r2");
      if (Object.keys(version.spec.durableObjects).length) capabilities.add("durable-objects");
      if (Object.keys(version.spec.services).length) capabilities.add("service-bindings");
    }
    // health where fleet asks it: the domain, else a wildcard route's probe host or workers.dev name
    const patterns = workerPatterns(worker);
    const target = healthTargets(worker, patterns.length && !worker.external && !worker.domain ? await workersDev(script) : undefined)[0];
    entries.push({
      serviceId: id,
      name: displayName(id, worker),
      version: version ? (released.get(id) ?? `v${version.version}+${version.source.commit.slice(0, 12)}`) : worker.external ? "external" : "not deployed",
      repository: repositoryUrl(manifest, id),
      cloudflareWorker: script,
      domain: worker.domain ?? null,
      aliases: workerHostnames(worker).filter((h) => h !== worker.domain),
      // its wildcard routes as written: patterns, never a hostname made of one
      ...(patterns.length ? { routes: patterns } : {}),
      endpoint: worker.domain ? `https://${worker.domain}` : null,
      healthEndpoint: target ? probeUrl(target.host, probeOf(worker)) : null,
      capabilities: [...capabilities].sort(),
      deployedAt: version?.createdAt ?? null,
    });
  }
  return entries;
}
