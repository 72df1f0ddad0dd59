// The route move of a cutover on a Cloudflare account, in the order that keeps every request
// answered: first each hostname is handed from the platform to the worker in one write (the
// Workers Route's script reassigned, or the custom domain attached to the worker) — before it the
// platform answers, after it the worker, and nobody's deploy is involved; then the platform is
// redeployed from the cutover branch (its router forwards the hostnames, its config no longer
// routes them, so a later platform deploy never takes them back); then each hostname's health is
// checked. All of a worker's hostnames move or none does: any failure hands every hostname back
// and rolls the platform back to the version it had. Before anything moves, each hostname's zone
// and DNS are checked (hostname-readiness.ts); one nobody holds is taken as a new route or custom
// domain, in one write too. The platform's consumers of the worker's queues are detached after
// its deploy (wrangler never removes a consumer) and attached again if the move fails; the worker
// attaches its own when it is deployed from its repository, whose config has them by then.
import type { CloudflareCloud } from "../cloud/cloudflare/cloudflare-cloud.js";
import type { Holding } from "../cloud/cloudflare/api.js";
import { hostnameReadiness } from "../cloud/cloudflare/hostname-readiness.js";
import { isUserError } from "../errors.js";
import { attachConsumer, consumerOf, detachConsumer, type QueueConsumer } from "../cloud/cloudflare/queue-consumers.js";
import { checkHealth, type HealthResult } from "../health/check.js";
import { probeUrl } from "../health/probe.js";
import { movedTargets } from "../health/where.js";
import { deployPlatform, type RouteMove, type RouteMoveResult } from "./move-route.js";
import type { RouteEntry } from "./worker-routes.js";

export async function moveRouteOnCloudflare(cloud: CloudflareCloud, move: RouteMove): Promise<RouteMoveResult> {
  const steps: string[] = [];
  const step = (message: string) => {
    steps.push(message);
    move.onEvent?.(message);
  };
  const hosts = move.hosts.join(", ");
  // what the account holds, read before anything moves: a token that cannot read it is said, not a crash
  let held: Map<string, Holding>;
  let readiness: Awaited<ReturnType<typeof hostnameReadiness>>;
  try {
    if (!(await cloud.live(move.worker))) return { status: "failed", steps, detail: `${move.worker} is not deployed` };
    held = await cloud.api.holdings(move.hosts);
    if (move.hosts.every((h) => held.get(h)?.script === move.worker)) {
      const health = await healthAt(cloud, move);
      const down = health.filter((h) => h.state !== "up");
      if (down.length)
        return { status: "failed", steps, health, detail: `${move.worker} holds ${hosts} but ${down.map((h) => `${h.url} is ${h.state}`).join(", ")}` };
      return { status: "already-moved", steps, health, routes: await routeEntries(cloud, move.hosts, held) };
    }
    readiness = await hostnameReadiness(cloud.api, move.hosts, held);
  } catch (error) {
    const firstLine = (error as Error).message.split("\n")[0];
    const permissions = "the token needs Zone › Zone: Read, Zone › DNS: Read and Zone › Workers Routes: Edit for the hostnames' zones";
    return { status: "failed", steps, detail: `cannot read the account before the move: ${firstLine} (${permissions})` };
  }
  const problems = readiness.flatMap((r) => {
    const holder = r.holding?.script;
    if (holder && holder !== move.platform && holder !== move.worker) return [`${r.host} is held by ${holder}, neither the platform nor ${move.worker}`];
    return r.problem ? [r.problem] : [];
  });
  if (problems.length) return { status: "failed", steps, detail: problems.join("; ") };

  const platformBefore = await cloud.live(move.platform).catch(() => undefined);
  const detached: QueueConsumer[] = [];
  const handedOver: Holding[] = [];
  const taken: Holding[] = [];
  // every undo is tried, each on its own: one that fails does not stop the others, and is named
  const rollBack = async (reason: string, health?: HealthResult[]): Promise<RouteMoveResult> => {
    const left: string[] = [];
    const undo = async (what: string, action: () => Promise<unknown>, done: string) => {
      try {
        await action();
        step(done);
      } catch (error) {
        left.push(`${what} (${(error as Error).message.split("\n")[0]})`);
      }
    };
    for (const consumer of detached.reverse())
      await undo(
        `attach ${move.platform}'s consumer of ${consumer.queue} again`,
        () => attachConsumer(cloud.api, cloud.access.accountId, consumer),
        `${move.platform} consumes ${consumer.queue} again`,
      );
    for (const holding of handedOver.reverse())
      await undo(
        `hand ${holding.host} back to ${holding.script}`,
        () => cloud.api.handOver(holding, holding.script),
        `${holding.host} handed back to ${holding.script}`,
      );
    for (const holding of taken.reverse()) {
      await undo(
        `release ${holding.host} from ${move.worker}`,
        () => cloud.api.release(holding),
        `${holding.host} released (${holding.kind === "route" ? `route ${holding.pattern} deleted` : "custom domain detached"})`,
      );
    }
    if (platformBefore) {
      await undo(
        `roll ${move.platform} back to v${platformBefore.number}`,
        async () => {
          const platformNow = await cloud.live(move.platform);
          if (platformNow && platformNow.id !== platformBefore.id) {
            await cloud.rollback(move.platform, platformBefore.id, `fleet cutover of ${move.worker} failed`);
            step(`rolled ${move.platform} back to v${platformBefore.number}`);
          }
        },
        `${move.platform} is on v${platformBefore.number}`,
      );
    }
    const detail = left.length ? `${reason}; could not undo, do it by hand: ${left.join("; ")}` : reason;
    return { status: left.length ? "failed" : "rolled-back", steps, ...(health ? { health } : {}), detail };
  };

  // 1. every hostname to the worker, each in one write
  try {
    for (const r of readiness) {
      const holding = r.holding;
      if (holding?.script === move.worker) continue;
      if (holding) {
        await cloud.api.handOver(holding, move.worker);
        handedOver.push(holding);
        const how = holding.kind === "route" ? `route ${holding.pattern} reassigned` : "custom domain attached";
        step(`${r.host} handed from ${holding.script} to ${move.worker} (${how})`);
      } else {
        const took = await cloud.api.take(r.host, move.worker, r.take as "route" | "domain", r.zone!.id);
        taken.push(took);
        const how =
          took.kind === "route"
            ? `route ${took.pattern} created: the hostname has a proxied DNS record`
            : "custom domain attached: the hostname had no DNS record";
        step(`${r.host}, held by nobody, taken by ${move.worker} (${how})`);
      }
    }
  } catch (error) {
    return rollBack(`${move.worker} could not take ${hosts}: ${(error as Error).message}`);
  }

  // 2. the platform from the cutover branch: forwards the hostnames, no longer routes them (a
  // platform not deployed on this account has nothing to let go of, and is not deployed here)
  if (platformBefore) {
    step(`deploying ${move.platform} from ${move.branch} (forwards ${hosts}, drops ${move.hosts.length > 1 ? "their routes" : "its route"})`);
    // a bound resource the account lacks refuses the deploy before it starts: the hostnames go back
    const deployed = await deployPlatform(cloud, move).catch((error: Error) => error);
    if (deployed instanceof Error)
      return rollBack(
        `the platform was not deployed: ${[deployed.message, ...(isUserError(deployed) ? deployed.problems : [])].map((p) => p.trim()).join(" ")}`,
      );
    const [platform] = deployed;
    if (platform!.status !== "deployed") return rollBack(`the platform did not deploy healthy: ${platform!.detail ?? platform!.status}`);
    const after = await cloud.api.holdings(move.hosts).catch(() => new Map<string, Holding>());
    const lost = move.hosts.filter((h) => after.get(h)?.script !== move.worker);
    if (lost.length) return rollBack(`after the platform's deploy ${lost.map((h) => `${h} is held by ${after.get(h)?.script ?? "nobody"}`).join(", ")}`);
    step(`${move.platform} v${platform!.version!.number} no longer routes ${hosts}`);
    // its consumers of the worker's queues: a deploy without them leaves them attached
    try {
      for (const queue of Object.keys(move.triggers?.queueConsumers ?? {})) {
        const consumer = await consumerOf(cloud.api, cloud.access.accountId, queue, move.platform);
        if (!consumer) continue;
        await detachConsumer(cloud.api, cloud.access.accountId, consumer);
        detached.push(consumer);
        step(`${move.platform} no longer consumes ${queue}`);
      }
    } catch (error) {
      return rollBack(`${move.platform}'s queue consumers could not be detached: ${(error as Error).message}`);
    }
  } else step(`${move.platform} is not deployed on this account: nothing to redeploy`);

  // 3. every hostname answers healthy through the edge
  const health = await healthAt(cloud, move);
  const down = health.filter((h) => h.state !== "up");
  if (down.length) return rollBack(down.map((h) => `${h.url} is ${h.state} after the move (${h.error?.message ?? `HTTP ${h.status}`})`).join("; "), health);
  for (const h of health) step(`${h.url} is up (${h.latencyMs} ms)`);
  // as the worker holds them now: its repository's config will route them the same way
  const kinds = new Map([...handedOver, ...taken].map((h) => [h.host, h]));
  const routes = readiness.map((r): RouteEntry => {
    const holding = kinds.get(r.host) ?? r.holding;
    return holding?.kind === "route" ? { pattern: holding.pattern, ...(r.zone ? { zone_name: r.zone.name } : {}) } : { pattern: r.host, custom_domain: true };
  });
  return { status: "moved", steps, health, routes };
}

/** Each hostname as the worker holds it on the account, as its wrangler config routes it. */
async function routeEntries(cloud: CloudflareCloud, hosts: readonly string[], held: Map<string, Holding>): Promise<RouteEntry[]> {
  const zones = new Map((await cloud.api.zones()).map((z) => [z.id, z.name]));
  return hosts.map((host): RouteEntry => {
    const holding = held.get(host)!;
    const zone = holding.zoneId ? zones.get(holding.zoneId) : undefined;
    return holding.kind === "route" ? { pattern: holding.pattern, ...(zone ? { zone_name: zone } : {}) } : { pattern: host, custom_domain: true };
  });
}

/** Each hostname's health through the edge; a wildcard route's on the probe host it serves, else the worker's workers.dev name. */
async function healthAt(cloud: CloudflareCloud, move: RouteMove): Promise<HealthResult[]> {
  const results: HealthResult[] = [];
  for (const target of movedTargets(move.hosts, move.probeHost, await cloud.workersDevHost(move.worker)))
    results.push(await checkHealth(cloud.fetch, probeUrl(target.host, move.probe), { ...move.health, expect: move.probe }));
  return results;
}
