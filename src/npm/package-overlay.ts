// A worker's own package.json, as its repository needs it to test itself: the monorepo's file
// with what the repository's CI needs added — a `test` script when it has none, the test tools
// when fleet's Vitest config runs its tests, and the fleet's npm overrides. Nothing of the
// monorepo's is changed or removed. The result is derived again at every sync from the
// monorepo's current file, so both sides' changes are kept without a three-way merge: the
// monorepo owns the file, fleet's additions are a function of it.
import { TOOL_VERSIONS } from "../scaffold/package-json.js";

export interface OverlayOptions {
  /** Whether fleet's Vitest config runs the tests (the worker has none of its own). */
  fleetTests: boolean;
  /** The manifest's npm overrides. */
  overrides?: Record<string, unknown>;
}

export function overlayPackageJson(text: string, options: OverlayOptions): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const scripts = { ...(pkg.scripts as Record<string, string> | undefined) };
  if (!scripts.test) scripts.test = "vitest run";
  const devDependencies = { ...(pkg.devDependencies as Record<string, string> | undefined) };
  const dependencies = (pkg.dependencies as Record<string, string> | undefined) ?? {};
  if (options.fleetTests) {
    for (const [name, range] of Object.entries(TOOL_VERSIONS)) if (!devDependencies[name] && !dependencies[name]) devDependencies[name] = range;
  }
  const out: Record<string, unknown> = { ...pkg, scripts, devDependencies: sortKeys(devDependencies) };
  if (options.overrides && Object.keys(options.overrides).length) out.overrides = { ...(pkg.overrides as object | undefined), ...options.overrides };
  const indent = /^\{\n(\s+)"/.exec(text)?.[1] ?? "  ";
  return `${JSON.stringify(out, null, indent)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
