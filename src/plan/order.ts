// The fleet's deploy order, in one place: dependencies (hard) first, then the calls (soft) that
// order without a cycle; among equals, the earlier phase, then the id.
import type { Manifest } from "../manifest/schema.js";
import { breakHardCycles, topologicalOrder, withSoftEdges } from "./graph.js";

export interface FleetOrder {
  /** Worker ids, dependencies and callees first. */
  order: string[];
  /** What each worker waits for in that order (hard and kept soft edges), within the ids. */
  after: Map<string, string[]>;
  /** Soft edges left out because they closed a cycle, as [from, to]. */
  dropped: [string, string][];
  /** Hard edges left out because they closed a cycle, as [from, to]: `to` is deployed first as a placeholder. */
  placeholders: [string, string][];
}

// Computed once per manifest (the scaffold asks for every worker of a fleet of hundreds).
const wholeFleet = new WeakMap<Manifest, FleetOrder>();

/** The order of `ids` (default: every worker), following the manifest's edges among them. */
export function fleetOrder(manifest: Manifest, ids?: readonly string[]): FleetOrder {
  if (ids === undefined) {
    let known = wholeFleet.get(manifest);
    if (!known) wholeFleet.set(manifest, (known = orderOf(manifest, Object.keys(manifest.workers))));
    return known;
  }
  return orderOf(manifest, ids);
}

function orderOf(manifest: Manifest, ids: readonly string[]): FleetOrder {
  const chosen = new Set(ids);
  const within = (list: readonly string[]) => list.filter((d) => chosen.has(d));
  const hard = new Map([...chosen].map((id) => [id, within(manifest.workers[id]!.dependsOn)]));
  const soft = new Map([...chosen].map((id) => [id, within(manifest.workers[id]!.calls ?? [])]));
  const { edges: acyclic, broken } = breakHardCycles(hard);
  const { edges, dropped } = withSoftEdges(acyclic, soft);
  return { order: topologicalOrder(edges, (id) => manifest.workers[id]!.phase), after: edges, dropped, placeholders: broken };
}
