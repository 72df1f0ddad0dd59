// worker-fleet as a library: the functions the `fleet` commands call, typed. Each takes the
// monorepo (`cwd`, default the process's) and returns data; nothing is printed. A mistake of the
// caller's (an unknown worker, a manifest that does not validate) is thrown as a UserError.
export { openSession, type FleetOptions } from "./api/session.js";
export { discover, init, type DiscoverCall, type InitCall, type InitResult } from "./api/init.js";
export { plan } from "./api/plan.js";
export { split, type SplitCall, type SplitResult } from "./api/split.js";
export { sync, type SyncCall, type SyncResult } from "./api/sync.js";
export { create, type CreateCall, type CreateResult } from "./api/create.js";
export { access, type AccessCall, type AccessResult, type RepositoryAccess, type AccessRowResult } from "./api/access.js";
export { deploy, PLATFORM, type DeployCall, type DeployResult } from "./api/deploy.js";
export { releases, rollbackRelease, type ReleaseRollbackCall, type ReleaseRollbackResult, type ReleaseRollbackOutcome } from "./api/rollback.js";
export { health, type HealthCall, type WorkerHealth } from "./api/health.js";
export { status, type StatusCall } from "./api/status.js";
export { cutover, planCutover, executeCutover, type CutoverCall, type CutoverPlan, type CutoverResult } from "./api/cutover.js";
export { registrySync, type RegistrySyncCall, type RegistrySyncResult, type RegistryEntryResult } from "./api/registry.js";
export { versions, type VersionsCall, type WorkerVersion } from "./api/versions.js";
export { main } from "./cli/main.js";
export { UserError, isUserError } from "./errors.js";

export type { Discovery, DiscoveredWorker, Layout } from "./discovery/discover.js";
export type { FleetPlan, WorkerPlan } from "./plan/plan.js";
export type { WorkerSplit } from "./history/split.js";
export type { SyncAction, SyncOutcome } from "./sync/sync.js";
export type { EnsureResult } from "./repos/ensure.js";
export type { DeployOutcome } from "./cloud/deploy.js";
export type { FleetRelease, ReleaseWorker, VersionFacts } from "./releases/release.js";
export type { HealthResult, HealthState } from "./health/check.js";
export type { FleetStatus } from "./status/summary.js";
export type { Manifest, WorkerEntry } from "./manifest/schema.js";
