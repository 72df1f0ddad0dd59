// D1 migrations go forward only: a version deployed before one was applied runs its queries
// against the newer schema after a rollback, and nothing undoes the migration. So a rollback
// across a change of any database's migration level is refused, as across a Durable Object
// migration.
import type { VersionFacts } from "./release.js";

/** Why going back from the live version to version `n` crosses a D1 migration (empty: it does not). */
export function d1MigrationsBetween(current: VersionFacts, target: VersionFacts, live: number, n: number): string[] {
  const now = current.d1Migrations ?? {};
  const then = target.d1Migrations ?? {};
  const level = (name: string | undefined) => (name ? `"${name}"` : "none");
  return [...new Set([...Object.keys(now), ...Object.keys(then)])]
    .sort()
    .filter((binding) => now[binding] !== then[binding])
    .map(
      (binding) =>
        `a D1 migration lies between: live v${live} has ${binding} at migration ${level(now[binding])}, v${n} ${level(then[binding])} ` +
        `(D1 migrations are not undone: v${n} would run against the newer schema)`,
    );
}
