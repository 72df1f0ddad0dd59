// Warnings people can read: one line per kind of finding, with the workers it concerns, instead
// of the same sentence once per worker. `--verbose` still prints each one.

export interface WorkerWarning {
  /** The worker it concerns; undefined for the fleet as a whole. */
  worker?: string;
  message: string;
}

const UNBOUND = /^the code uses env\.(\w+) like a binding, but (\S+) defines no binding \w+( \(commented out there\))? \(treated as a secret\)$/;

function list(items: readonly string[], max = 6): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** The grouped lines: same finding → one line naming its workers, in order of first appearance. */
export function groupWarnings(warnings: readonly WorkerWarning[]): string[] {
  const lines: string[] = [];
  const unbound = new Map<string, { names: Set<string>; workers: Set<string>; commented: boolean }>();
  const same = new Map<string, Set<string>>();
  const order: string[] = [];
  for (const { worker, message } of warnings) {
    const match = UNBOUND.exec(message);
    if (match) {
      const key = `unbound:${match[2]}`;
      const group = unbound.get(key) ?? { names: new Set(), workers: new Set(), commented: false };
      group.names.add(match[1]!);
      if (worker) group.workers.add(worker);
      group.commented ||= Boolean(match[3]);
      if (!unbound.has(key)) order.push(key);
      unbound.set(key, group);
      continue;
    }
    if (!same.has(message)) order.push(message);
    const workers = same.get(message) ?? new Set<string>();
    if (worker) workers.add(worker);
    same.set(message, workers);
  }
  for (const key of order) {
    const group = unbound.get(key);
    if (group) {
      const file = key.slice("unbound:".length);
      const names = [...group.names].sort().map((n) => `env.${n}`);
      const who = [...group.workers];
      const uses = who.length === 1 ? " uses" : "s use";
      const bindings = names.length === 1 ? "a binding" : "bindings";
      const commented = group.commented ? " (commented out there)" : "";
      lines.push(`${who.length} worker${uses} ${list(names)} like ${bindings}, which ${file} does not bind${commented}: treated as secrets — ${list(who)}`);
      continue;
    }
    const workers = [...same.get(key)!];
    lines.push(workers.length === 0 ? key : workers.length === 1 ? `${workers[0]}: ${key}` : `${key} — ${list(workers)} (${workers.length} workers)`);
  }
  return lines;
}
