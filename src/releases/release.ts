// A fleet release: which version of every worker was live in a cloud after one `fleet deploy`,
// with what each version was deployed with that decides whether going back to it is safe (its
// Durable Object migration tag and its bindings' targets). `fleet rollback --release` reads them.
import type { CloudKind } from "../cloud/cloud.js";
import type { WorkerSpec } from "../cloud/spec.js";

/** What a version was deployed with, as far as a rollback to it is concerned. */
export interface VersionFacts {
  /** The newest Durable Object migration tag of its wrangler config (absent: none). */
  migrationTag?: string;
  /** D1 binding → its newest migration, applied before the version went live (absent: no migrations). */
  d1Migrations?: Record<string, string>;
  /** Service bindings: binding → the script it calls. */
  services: Record<string, string>;
  /** KV, D1 and R2 bindings: binding → the namespace id, database and bucket it names. */
  kv: Record<string, string>;
  d1: Record<string, string>;
  r2: Record<string, string>;
  /**
   * Durable Object bindings: binding → `<script>/<class>`, the script whose namespace holds its
   * objects (its own, or the one it names by script_name). A change is a transfer between them.
   */
  objects?: Record<string, string>;
}

export interface ReleaseWorker {
  /** The worker's id in the manifest. */
  id: string;
  script: string;
  /** The live version: the cloud's id ("3" locally, a UUID on Cloudflare) and number. */
  version: { id: string; number: number; createdAt: string };
  /** The repository commit it was built from, and its subject (when fleet deployed it). */
  commit?: string;
  message?: string;
  /** package.json's `version` at that commit, when known. */
  packageVersion?: string;
  /** Whether this deploy put it out (otherwise it was live already). */
  deployed: boolean;
  /** Undefined: a version fleet did not see deployed (uploaded by hand), so its facts are unknown. */
  facts?: VersionFacts;
}

export interface FleetRelease {
  /** `r1`, `r2`… in the order they were made. */
  id: string;
  number: number;
  createdAt: string;
  cloud: CloudKind;
  environment?: string;
  /** Every worker of the manifest live in the cloud after the deploy, in deploy order. */
  workers: ReleaseWorker[];
  /** Scripts the workers' service bindings name that were live then (a binding to one gone since is unsafe to go back to). */
  boundLive: string[];
}

export function releaseId(number: number): string {
  return `r${number}`;
}

/** `r3`, `R3` or `3` → 3; undefined for anything else. */
export function releaseNumber(id: string): number | undefined {
  const match = /^r?(\d+)$/i.exec(id.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * The facts of a version from the config it was deployed with; undefined for a spec stored by an
 * earlier fleet, which did not read migrations (absent would wrongly read as "none").
 */
export function factsOf(spec: WorkerSpec): VersionFacts | undefined {
  if (!spec.resources) return undefined;
  return {
    ...(spec.migrationTag ? { migrationTag: spec.migrationTag } : {}),
    ...(spec.d1Migrations ? { d1Migrations: { ...spec.d1Migrations } } : {}),
    services: { ...spec.services },
    kv: { ...spec.resources.kv },
    d1: { ...spec.resources.d1 },
    r2: { ...spec.resources.r2 },
    objects: Object.fromEntries(Object.entries(spec.durableObjects).map(([binding, d]) => [binding, `${d.scriptName ?? spec.script}/${d.className}`])),
  };
}

/** "registry v3, sync v2 …": the workers and their versions in short. */
export function versionsInShort(release: FleetRelease, max = 4): string {
  const parts = release.workers.map((w) => `${w.id} v${w.version.number}`);
  return parts.length > max ? `${parts.slice(0, max).join(", ")} and ${parts.length - max} more` : parts.join(", ");
}
