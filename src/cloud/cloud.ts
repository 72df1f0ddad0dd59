// Where workers run. The local cloud (LocalCloudStore + the workerd runtime) is the reference
// implementation; the Cloudflare provider implements the same calls with wrangler.
import type { Bundle } from "./build.js";
import type { WorkerSpec } from "./spec.js";
import type { CloudState, DeployResult, VersionRecord, VersionSource } from "./store.js";

export interface Cloud {
  /** Uploads a version and makes it active; hostnames another worker holds are refused. */
  deploy(spec: WorkerSpec, bundle: Bundle, source: VersionSource, options?: { routes: "strict" | "available" }): Promise<DeployResult>;
  /** Makes an earlier version active (the previous one by default). */
  rollback(script: string, to?: number): Promise<{ from: number; to: number }>;
  versions(script: string): Promise<VersionRecord[]>;
  /** Active versions and hostname ownership. */
  state(): Promise<CloudState>;
}
