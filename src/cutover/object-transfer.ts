// The first step of a cutover that moves Durable Objects: the worker deploys, from its
// repository's fleet/cutover branch, the version that takes the platform's namespaces over
// (worker-objects.ts), and answers healthy on its own name — before the platform is redeployed
// binding the classes to it. Undone by handing the namespaces back: the local cloud rolls the
// worker back across the transfer, the objects returning to the platform's class as they were.
import type { Cloud, CloudVersion } from "../cloud/cloud.js";
import { deployInOrder } from "../cloud/deploy.js";
import { LocalCloudStore } from "../cloud/store.js";
import type { HealthOptions } from "../health/check.js";
import type { HealthProbe } from "../health/probe.js";
import { commitObjectTransfer, WORKER_CUTOVER_BRANCH, type ClassTransfer } from "./worker-objects.js";
import { commitFiles, fileAt } from "../git/commit-files.js";
import { git } from "../git/git.js";
import { bindObjectsTo } from "./object-bindings.js";
import { deployPlatform, type RouteMove } from "./move-route.js";

export interface ObjectTransferStep {
  status: "transferred" | "none" | "failed";
  /** The commit main fast-forwards to with the routes (the take-over), when one was made. */
  commit?: string;
  /** The worker's version before the take-over (what an undo returns to). */
  before?: CloudVersion;
  detail?: string;
}

export interface ObjectTransferTarget {
  monorepo: string;
  id: string;
  script: string;
  url: string;
  gitEnv: Record<string, string>;
  transfers: ClassTransfer[];
  probe: HealthProbe;
  health: Required<Omit<HealthOptions, "expect">>;
  environment?: string;
  /** The worker holds its hostnames already (a run stopped before its routes were committed): commit the take-over, deploy nothing. */
  moved?: boolean;
  onEvent?: (message: string) => void;
}

/** Commits the take-over to fleet/cutover and deploys the worker from it; on an unhealthy deploy, the objects go back. */
export async function transferObjects(cloud: Cloud, target: ObjectTransferTarget): Promise<ObjectTransferStep> {
  const committed = await commitObjectTransfer(target);
  if (committed.status !== "committed") return { status: "none", ...(committed.status === "already" ? { commit: committed.commit } : {}) };
  // a run stopped after the hostnames moved: the worker took the objects over then; its main still
  // needs the take-over under the routes commit (the redeploy from main applies nothing again)
  if (target.moved) return { status: "none", commit: committed.commit };
  const before = await cloud.live(target.script);
  const classes = target.transfers.map((t) => t.className).join(", ");
  target.onEvent?.(`deploying ${target.script} from ${WORKER_CUTOVER_BRANCH} (takes over the Durable Objects of ${classes})`);
  const [outcome] = await deployInOrder(
    cloud,
    [
      {
        id: target.id,
        script: target.script,
        repository: target.url,
        branch: WORKER_CUTOVER_BRANCH,
        gitEnv: target.gitEnv,
        dependsOn: [],
        health: target.probe,
      },
    ],
    { health: target.health, ...(target.environment ? { environment: target.environment } : {}), onEvent: (m) => target.onEvent?.(m) },
  );
  if (outcome!.status === "deployed") return { status: "transferred", commit: committed.commit, ...(before ? { before } : {}) };
  const detail = `${target.script} did not take over the Durable Objects of ${classes}: ${outcome!.detail ?? outcome!.status}`;
  const undone = before ? await undoObjectTransfer(cloud, target, before) : undefined;
  return { status: "failed", ...(before ? { before } : {}), detail: undone ? `${detail}; ${undone}` : detail };
}

/**
 * Hands the namespaces back to the platform and the worker back to its version before the
 * take-over. Says what it did, or what is left to do.
 */
export async function undoObjectTransfer(
  cloud: Cloud,
  target: Pick<ObjectTransferTarget, "monorepo" | "script" | "transfers">,
  before: CloudVersion,
): Promise<string> {
  const classes = target.transfers.map((t) => t.className).join(", ");
  const from = [...new Set(target.transfers.map((t) => t.fromScript))].join(", ");
  if (cloud.kind !== "local") return `the Durable Objects of ${classes} stay with ${target.script}: Cloudflare does not move them back by a rollback`;
  try {
    await LocalCloudStore.at(target.monorepo).rollback(target.script, before.number, { undoTransfers: true });
    await cloud.settle();
    return `the Durable Objects of ${classes} went back to ${from}, and ${target.script} back to v${before.number}`;
  } catch (error) {
    return `the Durable Objects of ${classes} could not go back to ${from}: ${(error as Error).message.split("\n")[0]}`;
  }
}

/**
 * On Cloudflare a transfer cannot be rolled back: once the worker holds the objects, the platform
 * rolled back to its old code would bind a class it no longer has. So the platform is deployed
 * again from its old code with only that binding changed — the classes bound to the worker by
 * script_name — from `fleet/objects/<id>` in the monorepo (a commit on the cutover's base), and
 * serves the hostnames with the same objects until the cutover runs again.
 */
export async function repointPlatform(
  cloud: Cloud,
  move: Pick<RouteMove, "monorepo" | "platform" | "platformConfig" | "environment" | "health" | "onEvent">,
  objects: { id: string; base: string; worker: string; classes: string[] },
): Promise<string> {
  const file = move.platformConfig ?? "wrangler.toml";
  const text = await fileAt(move.monorepo, objects.base, file);
  if (text === undefined) return `${file} is not in the monorepo at ${objects.base.slice(0, 12)}`;
  const classes = objects.classes.join(", ");
  const message = [
    `Bind ${classes} to ${objects.worker}`,
    "",
    `The cutover of ${objects.id} failed after ${objects.worker} took the Durable Objects of ${classes} over;`,
    "the platform's code as it was, with only those bindings pointing at where the objects are now.",
    "",
  ].join("\n");
  const commit = await commitFiles(move.monorepo, objects.base, new Map([[file, bindObjectsTo(text, file, objects.classes, objects.worker)]]), message);
  const branch = `fleet/objects/${objects.id}`;
  await git(["update-ref", `refs/heads/${branch}`, commit], { cwd: move.monorepo });
  const [outcome] = await deployPlatform(cloud, {
    ...move,
    branch,
    worker: objects.worker,
    hosts: [],
    probe: { path: "/health", statuses: ["200"], body: "any" },
  });
  if (outcome!.status !== "deployed") return `${move.platform} could not be deployed binding them there: ${outcome!.detail ?? outcome!.status}`;
  const version = `${move.platform} v${outcome!.version!.number} (its code before the cutover, from ${branch})`;
  return `${version} binds ${classes} to ${objects.worker}, where the objects are`;
}
