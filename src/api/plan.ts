// The migration plan of the manifest: deploy order, phases and weeks, what each worker needs.
import { planFleet, type FleetPlan } from "../plan/plan.js";
import { openSession, type FleetOptions } from "./session.js";

/** Phases, dependency order, and per worker its paths, bindings, secrets, npm dependencies and warnings. */
export async function plan(options: FleetOptions = {}): Promise<FleetPlan> {
  const session = openSession(options);
  return planFleet(await session.manifest(), session.cwd);
}
