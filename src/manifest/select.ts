// Which workers a command acts on: the ones named, or --all; never a guess.
import { closeMatches } from "./validate.js";
import type { Manifest } from "./schema.js";
import { UserError } from "../errors.js";

export function selectWorkers(manifest: Manifest, names: readonly string[], all: boolean, command: string): string[] {
  const ids = Object.keys(manifest.workers);
  if (all && names.length > 0) throw new UserError(`\`fleet ${command}\` takes worker names or --all, not both`);
  if (!all && names.length === 0)
    throw new UserError(`\`fleet ${command}\` needs worker names or --all`, { hint: `for example: fleet ${command} ${ids[0] ?? "WORKER"}` });
  if (all) return ids.sort();
  requireKnownWorkers(manifest, names);
  return [...new Set(names)];
}

/** Refuses names that are not workers of the manifest, suggesting the likely ones. */
export function requireKnownWorkers(manifest: Manifest, names: readonly string[]): void {
  const ids = Object.keys(manifest.workers);
  const unknown = names.filter((n) => !(n in manifest.workers));
  if (unknown.length === 0) return;
  throw new UserError(`unknown worker${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
    problems: unknown.flatMap((n) => {
      const near = closeMatches(n, ids);
      return near.length ? [`${n}: did you mean ${near.join(", ")}?`] : [];
    }),
    hint: "`fleet plan` lists the workers of fleet.jsonc",
  });
}
