// The Durable Object part of a cutover, around the route move: which classes move (those the
// cut-over platform deployment defines that the worker's code defines too), the worker's take-over
// before anything else moves, and what is done when the move fails after it.
import type { Manifest } from "../manifest/schema.js";
import { cloudFor } from "../cloud/select.js";
import type { RouteMove } from "../cutover/move-route.js";
import { cutoverBranch } from "../cutover/monorepo-change.js";
import { repointPlatform, transferObjects, undoObjectTransfer, type ObjectTransferStep } from "../cutover/object-transfer.js";
import type { ClassTransfer } from "../cutover/worker-objects.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { repoNameFor } from "../manifest/names.js";
import type { CutoverPlan, CutoverReport, CutoverResult, HealthSettings } from "./cutover-types.js";
import type { Session } from "./session.js";

/** The classes whose namespaces move to the worker: those the cut-over platform deployment defines. */
export function objectTransfersOf(plan: CutoverPlan): ClassTransfer[] {
  const section = plan.platform.environment ?? "";
  return plan.change.objects
    .filter((o) => o.sections.includes(section))
    .map((o) => ({ className: o.className, fromScript: plan.platform.script, declared: o.declared, ...(o.storage ? { storage: o.storage } : {}) }));
}

/** The worker deploys its take-over from its repository's fleet/cutover branch, and answers healthy (nothing to do without transfers). */
export async function takeOverFirst(
  session: Session,
  manifest: Manifest,
  plan: CutoverPlan,
  transfers: ClassTransfer[],
  health: HealthSettings,
  report: CutoverReport,
): Promise<ObjectTransferStep> {
  if (!transfers.length) return { status: "none" };
  const forge = forgeFor(manifest, session.cwd, session.env);
  const repository = await forge.get(repoNameFor(manifest, plan.id));
  if (!repository) throw new UserError(`${repoNameFor(manifest, plan.id)} is not on ${forge.label}`, { hint: `create it first: fleet migrate ${plan.id}` });
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  try {
    return await transferObjects(cloud, {
      monorepo: session.cwd,
      id: plan.id,
      script: plan.change.script,
      url: repository.url,
      gitEnv: forge.gitEnv(),
      transfers,
      probe: plan.probe,
      health,
      moved: plan.moved,
      ...(cloud.kind === "cloudflare" ? { environment: "production" } : {}),
      onEvent: (m) => report.debug?.(m),
    });
  } finally {
    await cloud.dispose();
  }
}

/**
 * After a failed move: locally the objects go back to the platform and the worker to its version
 * before; on Cloudflare (no rollback across a transfer) the platform's old code is deployed again
 * bound to the classes where they are. Says what was done.
 */
export async function undoTakeOver(
  session: Session,
  manifest: Manifest,
  move: RouteMove,
  taken: { plan: CutoverPlan; base: string; transfers: ClassTransfer[]; objects: ObjectTransferStep },
): Promise<string | undefined> {
  const { plan, transfers, objects } = taken;
  if (!objects.before) return undefined;
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  try {
    const undone = await undoObjectTransfer(cloud, { monorepo: session.cwd, script: plan.change.script, transfers }, objects.before);
    if (cloud.kind === "local") return undone;
    const classes = transfers.map((t) => t.className);
    return `${undone}; ${await repointPlatform(cloud, move, { id: plan.id, base: taken.base, worker: plan.change.script, classes })}`;
  } finally {
    await cloud.dispose();
  }
}

/** What the worker's deploy from fleet/cutover did: took the objects over, or (the declarative form) awaits them from the platform's deploy. */
export function takeOverStep(script: string, transfers: readonly ClassTransfer[]): string {
  const classes = transfers.map((t) => t.className).join(", ");
  return transfers.some((t) => t.declared === "exports")
    ? `${script} awaits the Durable Objects of ${classes} (exports: expecting-transfer); the platform's deploy hands them over`
    : `${script} took over the Durable Objects of ${classes}`;
}

/** The result of a cutover stopped before any hostname moved: the worker did not take its objects over. */
export function objectsFailed(plan: CutoverPlan, commit: string, committed: boolean, detail: string): CutoverResult {
  const { change } = plan;
  return {
    worker: plan.id,
    host: change.hosts[0]!,
    hosts: change.hosts,
    paths: change.paths,
    status: "failed",
    monorepo: { branch: cutoverBranch(plan.id), commit, committed, applied: false, files: [...change.files.keys()] },
    steps: [],
    detail,
  };
}
