// Where workers run. Every command asks a cloud the same questions through this interface, and
// two clouds answer them: the local cloud (.fleet/cloud, run by workerd through Miniflare) and a
// Cloudflare account (wrangler for what wrangler does, the Cloudflare API for the rest). The same
// contract suite (test/cloud/contract.test.ts) holds both to it.
import type { Bundle } from "./build.js";
import type { WorkerSpec } from "./spec.js";
import type { Fetcher } from "../health/check.js";
import type { ResourceLookup } from "./resources/bound.js";

export type CloudKind = "local" | "cloudflare";

/** The repository commit a version was built from; fleet records it with every deploy. */
export interface VersionSource {
  repository: string;
  commit: string;
  message: string;
}

export interface CloudVersion {
  /** The cloud's id for it: "3" for the local cloud's v3, a version UUID on Cloudflare. */
  id: string;
  /** 1, 2, 3… in upload order. */
  number: number;
  createdAt: string;
  /**
   * Where it came from, when fleet deployed it (a version uploaded by hand has none). Cloudflare
   * keeps the commit's first 20 hex digits (its tag's limit), not the repository.
   */
  source?: { commit: string; message: string; repository?: string };
}

/** A checked-out worker, ready to go out: its config read, and its bundle where the cloud takes one. */
export interface Prepared {
  checkout: string;
  /** The wrangler config, relative to the checkout. */
  config: string;
  environment?: string;
  spec: WorkerSpec;
  /** wrangler's bundle, built ahead (the local cloud); Cloudflare's wrangler bundles as it deploys. */
  bundle?: Bundle;
}

export interface Deployed {
  script: string;
  version: CloudVersion;
  /** Hostnames it holds now. */
  routes: string[];
  /** Hostnames it asked for that another worker holds (not taken). */
  refused: { host: string; holder: string }[];
  /** Where it answers now: its first hostname (a wildcard route is none), else its workers.dev name. */
  host: string;
}

export interface Cloud {
  readonly kind: CloudKind;
  /** Where this cloud's builds and package cache live (under .fleet/). */
  readonly workDir: string;
  /** Reads the config (and bundles, where the cloud takes a bundle) before anything is deployed. */
  prepare(checkout: string, config: string, environment?: string): Promise<Prepared>;
  /**
   * Uploads a version, makes it live and takes the hostnames it may (never one another worker
   * holds). `secrets` go up with the version on Cloudflare (values never touch a file or an
   * argument); the local cloud keeps no runtime secrets and ignores them.
   */
  deploy(prepared: Prepared, source: VersionSource, secrets?: Record<string, string>): Promise<Deployed>;
  /**
   * Deploys a placeholder under `script` (it answers 503, saying so) so that a worker binding it
   * can deploy before it; false when this cloud needs none (the local runtime answers a binding
   * to an undeployed worker with a 503 stand-in itself).
   */
  placeholder(script: string): Promise<boolean>;
  /**
   * Of the resources workers about to deploy bind (KV namespaces, D1 databases, R2 buckets, queues,
   * Hyperdrive configs, Vectorize indexes, scripts), the ones the account does not have. Absent on
   * a cloud that makes every resource on first use (the local runtime).
   */
  missingResources?(resources: readonly ResourceLookup[]): Promise<ResourceLookup[]>;
  /** The version live now (undefined: not deployed). */
  live(script: string): Promise<CloudVersion | undefined>;
  /** Every version, oldest first. */
  versions(script: string): Promise<CloudVersion[]>;
  /** Makes an earlier version live again: `to`, or the one live before the current one. */
  rollback(script: string, to?: string, reason?: string): Promise<{ from: string; to: string }>;
  /** Every hostname a worker holds (routes and custom domains): hostname → script. */
  hostnames(): Promise<Map<string, string>>;
  /** The names of a worker's runtime secrets (never their values). */
  secretNames(script: string): Promise<string[]>;
  /** Where a worker answers without a hostname of its own. */
  workersDevHost(script: string): Promise<string>;
  /** Reaches `https://<hostname>/…` as this cloud serves it. */
  readonly fetch: Fetcher;
  /** After a batch of deploys, before asking them anything (the local runtime reloads). */
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

/** Whether a recorded commit (whole, or the prefix Cloudflare keeps) is `commit`. */
export function sameCommit(recorded: string, commit: string): boolean {
  return recorded.length >= 7 && commit.startsWith(recorded);
}

/** A hostname another worker holds; the deploy or move that needed it did not happen. */
export class RouteConflict extends Error {
  constructor(readonly refused: { host: string; holder: string }[]) {
    super(refused.map((r) => `${r.host} is held by worker ${r.holder}`).join("; "));
    this.name = "RouteConflict";
  }
}
