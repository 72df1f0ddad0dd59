// Recording a fleet release after `fleet deploy`: every worker of the manifest live in the cloud
// now (not only the ones this deploy put out), each with its live version, the commit behind it,
// its package version where known, and the facts a rollback to it needs.
import type { Cloud } from "../cloud/cloud.js";
import type { DeployOutcome } from "../cloud/deploy.js";
import { boundedMap } from "../concurrency/bounded.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { fleetOrder } from "../plan/order.js";
import type { VersionFactsLookup } from "./facts.js";
import type { FleetRelease, ReleaseWorker } from "./release.js";
import type { ReleaseStore } from "./store.js";

/** Cloud reads at a time while recording (two API requests a worker on Cloudflare). */
const READS = 8;

export interface RecordInput {
  manifest: Manifest;
  cloud: Cloud;
  store: ReleaseStore;
  lookup: VersionFactsLookup;
  /** The deploy's outcomes: a release is recorded only when at least one worker went out healthy. */
  outcomes: readonly DeployOutcome[];
  environment?: string;
}

/** The release the deploy made, stored; undefined when no worker of the manifest went live. */
export async function recordRelease(input: RecordInput): Promise<FleetRelease | undefined> {
  const { manifest, cloud, lookup } = input;
  const outcomes = new Map(input.outcomes.map((o) => [o.id, o]));
  if (!input.outcomes.some((o) => o.status === "deployed" && manifest.workers[o.id])) return undefined;
  // a staging deploy's release holds the workers it deployed (their staging scripts): the others'
  // scripts named here would be production's, and rolling back to it would change production
  const staging = input.environment !== undefined && input.environment !== "production";
  const ids = fleetOrder(manifest)
    .order.filter((id) => !manifest.workers[id]!.external)
    .filter((id) => !staging || outcomes.has(id));
  const found = await boundedMap(ids, READS, async (id): Promise<ReleaseWorker | undefined> => {
    const outcome = outcomes.get(id);
    const script = outcome?.script ?? repoNameFor(manifest, id);
    const live = await cloud.live(script);
    if (!live) return undefined;
    const known = await lookup.of(script, live);
    return {
      id,
      script,
      version: { id: live.id, number: live.number, createdAt: live.createdAt },
      ...(live.source ? { commit: live.source.commit, message: live.source.message } : {}),
      ...(known.packageVersion ? { packageVersion: known.packageVersion } : {}),
      deployed: outcome?.status === "deployed" && outcome.version?.id === live.id,
      ...(known.facts ? { facts: known.facts } : {}),
    };
  });
  const workers = found.filter((w): w is ReleaseWorker => w !== undefined);
  const live = new Set(workers.map((w) => w.script));
  const bound = [...new Set(workers.flatMap((w) => Object.values(w.facts?.services ?? {})))].sort();
  const boundLive = (await boundedMap(bound, READS, async (script) => (live.has(script) || (await cloud.live(script)) ? script : undefined))).filter(
    (s): s is string => s !== undefined,
  );
  return input.store.add({
    createdAt: new Date().toISOString(),
    cloud: cloud.kind,
    ...(input.environment ? { environment: input.environment } : {}),
    workers,
    boundLive,
  });
}
