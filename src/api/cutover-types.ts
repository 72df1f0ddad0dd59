// The shapes of a cutover as the library gives them: the plan read before anything changes, what
// carrying it out did, and how it reports progress.
import type { CloudKind } from "../cloud/cloud.js";
import type { DeployOptions } from "../cloud/deploy.js";
import type { MonorepoChange } from "../cutover/monorepo-change.js";
import type { RouteMoveResult } from "../cutover/move-route.js";
import type { WorkerRoutesResult } from "../cutover/worker-routes.js";
import type { HealthResult } from "../health/check.js";
import type { HealthProbe } from "../health/probe.js";

export type HealthSettings = DeployOptions["health"];

/** What a cutover of one worker would do, read before anything changes. */
export interface CutoverPlan {
  id: string;
  /** The monorepo branch the cutover commit goes on top of, and its tip. */
  branch: string;
  base: string;
  /** The edit of the monorepo (marker, router entries, wrangler config), computed from `base`. */
  change: MonorepoChange;
  /** A cutover commit already on fleet/cutover/<id> that is the one this would make. */
  existing: string | undefined;
  probe: HealthProbe;
  cloud: CloudKind;
  /** The platform deployment holding the hostnames (its script, and the wrangler environment). */
  platform: { script: string; environment?: string };
  /** Who holds each hostname now. */
  holders: string[];
  /** The worker holds every hostname already. */
  moved: boolean;
}

/** What a cutover did (the command's --json for one worker). */
export interface CutoverResult {
  worker: string;
  host: string;
  hosts: string[];
  paths: string[];
  status: RouteMoveResult["status"];
  monorepo: { branch: string; commit: string; committed: boolean; applied: boolean; files: string[] };
  repository?: { name: string; routes: WorkerRoutesResult["status"]; file?: string; commit?: string; redeployed: boolean };
  steps: string[];
  health?: Pick<HealthResult, "url" | "state" | "status" | "latencyMs">[];
  detail?: string;
}

export interface CutoverReport {
  /** The move of the hostnames starts (`done` says how it ended). */
  moving?: (what: string) => { done(summary: string): void };
  /** Details as they happen (what --verbose prints). */
  debug?: (message: string) => void;
  warn?: (message: string) => void;
}
