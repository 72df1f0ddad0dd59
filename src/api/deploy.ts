// Deploys workers in dependency order to the cloud the manifest names, with health checks.
import { deployInOrder, type DeployOutcome, type DeployTarget } from "../cloud/deploy.js";
import { cloudFor } from "../cloud/select.js";
import { platformConfigFile } from "../discovery/platform-config.js";
import { SourceTree } from "../discovery/source-tree.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { sourceBranch } from "../git/branch.js";
import { repoNameFor } from "../manifest/names.js";
import { fleetOrder } from "../plan/order.js";
import { planFleet } from "../plan/plan.js";
import type { Manifest } from "../manifest/schema.js";
import { openSession, whileLocked, workersOf, type FleetOptions } from "./session.js";
import { probeOf } from "../health/probe.js";
import { VersionFactsLookup } from "../releases/facts.js";
import { recordRelease } from "../releases/record.js";
import type { FleetRelease } from "../releases/release.js";
import { ReleaseStore } from "../releases/store.js";

/** The monorepo's own platform worker, as a deploy target and a rollback name. */
export const PLATFORM = "platform";

export interface DeployCall extends FleetOptions {
  /** Worker ids (default: every non-external worker, unless only `platform` is asked for). */
  workers?: string[];
  /** Also deploy the monorepo's platform worker with all its routes (first). */
  platform?: boolean;
  /** The wrangler environment to deploy (default: the top level locally, production on Cloudflare). */
  environment?: "staging" | "production";
  /** Health checks before (dependencies) and after (the worker itself) each deploy. */
  health?: { timeoutMs?: number; retries?: number };
  /**
   * Runtime secret values (Cloudflare), by name: they win over the environment's. `fleet deploy
   * --secrets-file` reads them from a dotenv file into memory; they go up with each version.
   */
  secretValues?: Record<string, string>;
  /** The deploy targets, once known. */
  onStart?: (targets: number, cloud: "local" | "cloudflare") => void;
  /** One line per step as it happens (build, upload, health). */
  onEvent?: (message: string) => void;
}

export interface DeployResult {
  cloud: "local" | "cloudflare";
  /** One outcome per target, in deploy order: deployed, failed or skipped (with the reason). */
  workers: DeployOutcome[];
  /** The fleet release recorded (every worker live now), when at least one worker went out healthy. */
  release?: FleetRelease;
  /** Why the release could not be recorded, if it could not (the deploy itself stands). */
  releaseError?: string;
}

/**
 * Deploys each worker from its repository's main, dependencies first and only once they answer
 * healthy; one failure skips its dependants and leaves the others going.
 */
export async function deploy(options: DeployCall = {}): Promise<DeployResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet deploy (library)", async () => {
    const manifest = await session.manifest();
    const environment = options.environment;
    if (environment !== undefined && environment !== "staging" && environment !== "production")
      throw new UserError(`the environment must be staging or production, not "${environment}"`);
    const named = options.workers ?? (options.platform ? [] : undefined);
    const ids = (named && named.length === 0 ? [] : workersOf(manifest, named)).filter((id) => !manifest.workers[id]!.external);
    if (!options.platform && ids.length === 0) throw new UserError("nothing to deploy: name workers, or the platform");
    const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
    const forge = forgeFor(manifest, session.cwd, session.env, session.log);
    const { order, after } = fleetOrder(manifest, ids);
    const targets: DeployTarget[] = [];
    if (options.platform) {
      // the manifest names it (fleet init records it); only an older manifest needs the search
      const config =
        manifest.monorepo.wrangler ??
        (await SourceTree.atCommit(session.cwd, `refs/heads/${branch}`).then((tree) => platformConfigFile(tree, manifest).finally(() => tree.close())));
      targets.push({ id: PLATFORM, script: PLATFORM, repository: session.cwd, branch, dependsOn: [], ...(config ? { config } : {}) });
    }
    for (const id of order) {
      const repo = await forge.get(repoNameFor(manifest, id));
      if (!repo) throw new UserError(`worker ${id} has no repository yet`, { hint: `create and sync it first: fleet create ${id} && fleet sync ${id}` });
      targets.push({
        id,
        script: repoNameFor(manifest, id),
        repository: repo.url,
        branch: "main",
        gitEnv: forge.gitEnv(),
        // its dependencies and the workers it calls that order without a cycle: deployed and
        // healthy first
        dependsOn: after.get(id) ?? [],
        health: probeOf(manifest.workers[id]),
      });
    }
    const health = { timeoutMs: options.health?.timeoutMs ?? 3000, retries: options.health?.retries ?? 5, backoffMs: 200 };
    const cloud = await cloudFor(manifest, session.cwd, session.env);
    options.onStart?.(targets.length, cloud.kind);
    const onEvent = options.onEvent ?? session.log;
    if (cloud.kind === "cloudflare") await withRuntimeSecrets(targets, session.cwd, branch, manifest, { ...session.env, ...options.secretValues }, onEvent);
    try {
      // Cloudflare deploys production unless told; the local cloud the top level
      const env = environment ?? (cloud.kind === "cloudflare" ? "production" : undefined);
      // a worker binding another of the fleet's that is not deployed yet gets a placeholder of it first
      const fleetScripts = new Set(
        Object.keys(manifest.workers)
          .filter((id) => !manifest.workers[id]!.external)
          .map((id) => repoNameFor(manifest, id)),
      );
      const store = ReleaseStore.at(session.cwd);
      // an unreadable record must not stop a deploy: it is said, and the next release is recorded without it
      const earlier = await store.list().catch((error: Error) => {
        options.onEvent?.(`warning: ${error.message}`);
        return [];
      });
      const lookup = new VersionFactsLookup(cloud, earlier);
      const workers = await deployInOrder(cloud, targets, {
        ...(env ? { environment: env } : {}),
        health,
        onEvent,
        fleetScripts,
        onDeployed: (d) => lookup.remember(d.script, d.version, d.spec, d.packageVersion),
      });
      try {
        const release = await recordRelease({ manifest, cloud, store, lookup, outcomes: workers, ...(env ? { environment: env } : {}) });
        return { cloud: cloud.kind, workers, ...(release ? { release } : {}) };
      } catch (error) {
        return { cloud: cloud.kind, workers, releaseError: (error as Error).message };
      }
    } finally {
      await cloud.dispose();
    }
  });
}

/**
 * On Cloudflare each worker's runtime secrets (the ones its code reads) go up with its version,
 * their values from the environment; one not set there is left as the worker has it.
 */
async function withRuntimeSecrets(
  targets: DeployTarget[],
  monorepo: string,
  branch: string,
  manifest: Manifest,
  env: NodeJS.ProcessEnv,
  onEvent: (message: string) => void,
): Promise<void> {
  const workers = targets.filter((t) => t.id !== PLATFORM);
  if (workers.length === 0) return;
  const tree = await SourceTree.atCommit(monorepo, `refs/heads/${branch}`);
  let needs: Map<string, string[]>;
  try {
    needs = new Map((await planFleet(manifest, monorepo, tree)).workers.map((w) => [w.id, w.secrets]));
  } finally {
    tree.close();
  }
  for (const target of workers) {
    const names = needs.get(target.id) ?? [];
    const set = names.filter((name) => env[name]);
    if (set.length) target.secrets = Object.fromEntries(set.map((name) => [name, env[name]!]));
    const unset = names.filter((name) => !env[name]);
    if (unset.length)
      onEvent(`${target.id}: ${unset.join(", ")} not set in the environment or the secrets file; the worker keeps the value it has on Cloudflare, if any`);
  }
}
