// Dependency graph of workers: deploy order and cycle handling, shared by discovery, `fleet plan`
// and deploys. No cycle is refused: a cycle of calls by URL loses the call that closes it, and a
// cycle of service bindings is broken at one edge, whose target is deployed first as a
// placeholder (Cloudflare refuses a binding to a script that does not exist yet).

/**
 * Topological order (dependencies first). Among workers that are ready at the same time, the
 * lower `rank` (phase) goes first, then the id, so the order is stable and follows the plan.
 * Throws if there is a cycle; callers break them first (breakHardCycles, withSoftEdges).
 */
export function topologicalOrder(edges: ReadonlyMap<string, readonly string[]>, rank: (id: string) => number = () => 0): string[] {
  const pending = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  for (const [node, deps] of edges) {
    const known = deps.filter((d) => edges.has(d) && d !== node);
    pending.set(node, new Set(known).size);
    for (const dep of new Set(known)) dependants.set(dep, [...(dependants.get(dep) ?? []), node]);
  }
  const compare = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const ready = [...pending]
    .filter(([, n]) => n === 0)
    .map(([id]) => id)
    .sort(compare);
  const order: string[] = [];
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next);
    for (const d of dependants.get(next) ?? []) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) {
        ready.push(d);
        ready.sort(compare);
      }
    }
  }
  if (order.length !== edges.size) throw new Error("dependency graph has a cycle");
  return order;
}

/** Whether `to` is reachable from `from` over `edges`. */
function reaches(edges: ReadonlyMap<string, readonly string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const node = stack.pop()!;
    if (node === to) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...(edges.get(node) ?? []));
  }
  return false;
}

/**
 * Hard edges without the ones that would close a cycle, taken in a fixed order (by the worker's
 * id, then the target's). An edge left out [from, to] means: `from` deploys first, bound to a
 * placeholder of `to` until `to` deploys.
 */
export function breakHardCycles(hard: ReadonlyMap<string, readonly string[]>): { edges: Map<string, string[]>; broken: [string, string][] } {
  const edges = new Map([...hard.keys()].map((k) => [k, [] as string[]]));
  const broken: [string, string][] = [];
  for (const from of [...hard.keys()].sort()) {
    for (const to of [...new Set(hard.get(from)!)].sort()) {
      if (to !== from && hard.has(to) && reaches(edges, to, from)) broken.push([from, to]);
      else edges.get(from)!.push(to);
    }
  }
  return { edges, broken };
}

/** The one note for the binding cycles broken, naming who waits for a placeholder. */
export function hardCycleNote(broken: readonly [string, string][]): string {
  return broken
    .map(([from, to]) => {
      const cycle = `${from} and ${to} bind each other (${[from, to].join(" → ")} closes a cycle)`;
      return `${cycle}: ${from} deploys first, bound to a placeholder of ${to} that answers 503 until ${to} deploys`;
    })
    .join("; ");
}

/**
 * Hard edges plus every soft edge that keeps the graph acyclic, taken in a fixed order (by the
 * worker's id, then the target's), so the same code always orders the same way. Returns the
 * edges to order by and the soft edges left out as [from, to].
 */
export function withSoftEdges(
  hard: ReadonlyMap<string, readonly string[]>,
  soft: ReadonlyMap<string, readonly string[]>,
): { edges: Map<string, string[]>; dropped: [string, string][] } {
  const edges = new Map([...hard].map(([k, v]) => [k, [...v]]));
  const dropped: [string, string][] = [];
  for (const from of [...soft.keys()].sort()) {
    for (const to of [...soft.get(from)!].sort()) {
      if (!edges.has(to) || !edges.has(from) || edges.get(from)!.includes(to)) continue;
      if (reaches(edges, to, from)) dropped.push([from, to]);
      else edges.get(from)!.push(to);
    }
  }
  return { edges, dropped };
}

/** The one note for the soft edges left out of the order, naming each. */
export function softCycleNote(dropped: readonly [string, string][]): string {
  if (dropped.length === 1) {
    const [from, to] = dropped[0]!;
    return `${from} calls ${to} by URL and ${to} reaches ${from} the same way: ${from}'s call is left out of the deploy order (calls never block a deploy)`;
  }
  const calls = dropped.map(([from, to]) => `${from} → ${to}`).join(", ");
  return `calls by URL go round in cycles; left out of the deploy order (calls never block a deploy): ${calls}`;
}
