// The migration plan of the manifest: deploy order, phases and weeks, what each worker needs.
import type { CloudHostnames } from "../cloud/cloudflare/hostname-holders.js";
import { planFleet, type FleetPlan } from "../plan/plan.js";
import { openSession, type FleetOptions } from "./session.js";

export interface PlanWithCloud extends FleetPlan {
  /** On Cloudflare: who holds each hostname now, and whether it could move to its worker. */
  cloud?: CloudHostnames;
}

/**
 * Phases, dependency order, and per worker its paths, bindings, secrets, npm dependencies and
 * warnings; when the manifest names Cloudflare, the account's holders of the fleet's hostnames.
 */
export async function plan(options: FleetOptions = {}): Promise<PlanWithCloud> {
  const session = openSession(options);
  const manifest = await session.manifest();
  const fleet = await planFleet(manifest, session.cwd);
  if (manifest.providers.cloud !== "cloudflare") return fleet;
  const { cloudflareHostnames } = await import("../cloud/cloudflare/hostname-holders.js");
  return { ...fleet, cloud: await cloudflareHostnames(manifest, session.env) };
}
