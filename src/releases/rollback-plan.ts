// What `fleet rollback --release` would do, decided before anything changes: for each worker the
// release records, in reverse dependency order, go back to its recorded version, skip it (gone,
// or live at that version already), or refuse — a Durable Object migration between the live
// version and the recorded one, a service binding of the recorded version to a script the cloud
// no longer has, or a version fleet cannot vouch for. One refusal refuses the whole rollback.
import { sameCommit, type Cloud, type CloudVersion } from "../cloud/cloud.js";
import type { Manifest } from "../manifest/schema.js";
import { fleetOrder } from "../plan/order.js";
import { VersionFactsLookup } from "./facts.js";
import type { FleetRelease, ReleaseWorker } from "./release.js";
import { d1MigrationsBetween } from "./d1-levels.js";

export interface RollbackStep {
  id: string;
  script: string;
  /** rollback: make `to` live again; skip: nothing to do (`reason` says why). */
  action: "rollback" | "skip";
  from?: { id: string; number: number };
  to: { id: string; number: number };
  reason?: string;
}

export interface ReleaseRollbackPlan {
  release: FleetRelease;
  /** Dependants first: the reverse of the deploy order. */
  steps: RollbackStep[];
  /** Workers that cannot safely go back, each with why; any refusal stops the whole rollback. */
  refused: { id: string; reason: string }[];
}

export async function planReleaseRollback(input: {
  manifest: Manifest;
  cloud: Cloud;
  release: FleetRelease;
  /** Every release (what the live versions were deployed with is looked up there too). */
  releases: readonly FleetRelease[];
  /** Only these workers (default: every worker the release records). */
  only?: readonly string[];
}): Promise<ReleaseRollbackPlan> {
  const { manifest, cloud, release } = input;
  const recorded = release.workers.filter((w) => !input.only || input.only.includes(w.id));
  const inManifest = recorded.filter((w) => manifest.workers[w.id]);
  const order = fleetOrder(
    manifest,
    inManifest.map((w) => w.id),
  ).order.reverse();
  const byId = new Map(recorded.map((w) => [w.id, w]));
  const lookup = new VersionFactsLookup(cloud, input.releases);
  const liveScripts = new Map<string, Promise<CloudVersion | undefined>>();
  const liveOf = (script: string) => liveScripts.get(script) ?? liveScripts.set(script, cloud.live(script)).get(script)!;

  const steps: RollbackStep[] = [];
  const refused: { id: string; reason: string }[] = [];
  for (const id of order) {
    const worker = byId.get(id)!;
    const to = { id: worker.version.id, number: worker.version.number };
    const step = (action: RollbackStep["action"], extra: Partial<RollbackStep> = {}) => steps.push({ id, script: worker.script, action, to, ...extra });
    const live = await liveOf(worker.script);
    if (!live) {
      step("skip", { reason: "not deployed any more" });
      continue;
    }
    const from = { id: live.id, number: live.number };
    if (live.id === worker.version.id) {
      step("skip", { from, reason: `live at v${to.number} already` });
      continue;
    }
    const reasons = await unsafe(worker, live, { cloud, release, lookup, liveOf });
    if (reasons.length) refused.push({ id, reason: reasons.join("; ") });
    step("rollback", { from });
  }
  for (const worker of recorded.filter((w) => !manifest.workers[w.id]))
    steps.push({ id: worker.id, script: worker.script, action: "skip", to: worker.version, reason: "no longer in the manifest" });
  return { release, steps, refused };
}

/** Why going back from `live` to the recorded version is not safe (empty: it is). */
async function unsafe(
  worker: ReleaseWorker,
  live: CloudVersion,
  ctx: { cloud: Cloud; release: FleetRelease; lookup: VersionFactsLookup; liveOf: (script: string) => Promise<CloudVersion | undefined> },
): Promise<string[]> {
  const n = worker.version.number;
  const kept = (await ctx.cloud.versions(worker.script)).find((v) => v.id === worker.version.id);
  if (!kept)
    return [`the cloud no longer has v${n} (${ctx.cloud.kind === "local" ? "the local cloud was reset since" : "Cloudflare keeps the last 100 versions"})`];
  const a = kept.source?.commit;
  const b = worker.commit;
  if (a && b && !sameCommit(a, b) && !sameCommit(b, a))
    return [`v${n} in the cloud was built from ${a.slice(0, 12)}, not the recorded ${b.slice(0, 12)} (the cloud was reset since)`];
  const target = worker.facts ?? (await ctx.lookup.of(worker.script, worker.version)).facts;
  if (!target) return [`fleet did not see v${n} deployed, so its Durable Object migrations and bindings are unknown`];
  const current = (await ctx.lookup.of(worker.script, live)).facts;
  if (!current) return [`the live v${live.number} was not deployed by fleet, so whether a Durable Object migration came with it is unknown`];
  const reasons: string[] = [];
  if (current.migrationTag !== target.migrationTag) {
    const tag = (t: string | undefined) => (t ? `"${t}"` : "none");
    reasons.push(
      `a Durable Object migration lies between: live v${live.number} has migration tag ${tag(current.migrationTag)}, v${n} ${tag(target.migrationTag)}`,
    );
  }
  for (const [binding, holder] of Object.entries(target.objects ?? {}).sort()) {
    const now = current.objects?.[binding];
    if (now && now !== holder) {
      const [from, className] = holder.split("/");
      const to = now.split("/")[0];
      reasons.push(`the Durable Objects of ${className} (${binding}) moved from ${from} to ${to} since v${n}: a rollback cannot cross that transfer`);
    }
  }
  reasons.push(...d1MigrationsBetween(current, target, live.number, n));
  for (const [binding, script] of Object.entries(target.services).sort()) {
    if (ctx.release.boundLive.includes(script) && !(await ctx.liveOf(script)))
      reasons.push(`v${n} binds ${binding} to ${script}, which the cloud no longer has`);
  }
  return reasons;
}
