// A worker's own package.json, as its repository needs it to test itself: the monorepo's file
// with what the repository's CI needs added — a `test` script `vitest run` when it has none and
// Vitest runs its tests, the test tools when fleet's Vitest config runs them (the versions that
// config is written for), and the fleet's npm overrides. A worker whose tests another runner
// runs (jest, node:test, its own script) keeps its scripts and packages as they are. Everything
// else of the monorepo's file stays as it is. The result is derived again at every sync from the
// monorepo's current file, so both sides' changes are kept without a three-way merge: the
// monorepo owns the file, fleet's additions are a function of it.
import { TOOL_VERSIONS } from "../scaffold/package-json.js";
import { testScriptOf, type TestRunner } from "../scaffold/test-setup.js";

export interface OverlayOptions {
  /** Who runs the worker's tests (scaffold/test-setup.ts): fleet's Vitest config, or the worker's own setup. */
  tests: TestRunner;
  /** The manifest's npm overrides. */
  overrides?: Record<string, unknown>;
}

export function overlayPackageJson(text: string, options: OverlayOptions): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const scripts = { ...(pkg.scripts as Record<string, string> | undefined) };
  if (!testScriptOf(pkg) && (options.tests === "fleet" || options.tests === "vitest")) scripts.test = "vitest run";
  const devDependencies = { ...(pkg.devDependencies as Record<string, string> | undefined) };
  const dependencies = { ...(pkg.dependencies as Record<string, string> | undefined) };
  if (options.tests === "fleet") {
    // fleet's Vitest config is written for these versions (Vitest 4 and its Cloudflare plugin):
    // they replace an older Vitest the worker declared; wrangler stays the worker's when it has one
    for (const [name, range] of Object.entries(TOOL_VERSIONS)) {
      if (name === "wrangler" && (devDependencies[name] || dependencies[name])) continue;
      if (dependencies[name]) delete dependencies[name];
      devDependencies[name] = range;
    }
  }
  const out: Record<string, unknown> = { ...pkg, scripts, ...(pkg.dependencies ? { dependencies } : {}), devDependencies: sortKeys(devDependencies) };
  const overrides = { ...(pkg.overrides as Record<string, unknown> | undefined), ...peerPins({ ...dependencies, ...devDependencies }), ...options.overrides };
  if (Object.keys(overrides).length) out.overrides = overrides;
  const indent = /^\{\n(\s+)"/.exec(text)?.[1] ?? "  ";
  return `${JSON.stringify(out, null, indent)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// Packages the test tools take as (optional) peers: a worker that declares one keeps its own
// version (an override to itself, `$name`), where npm would otherwise refuse the install over
// a peer range the worker's version does not meet (wrangler 4.16x wants workers-types 5).
const TOOL_PEERS = ["@cloudflare/workers-types"];

export function peerPins(declared: Record<string, string>): Record<string, string> {
  return Object.fromEntries(TOOL_PEERS.filter((name) => declared[name]).map((name) => [name, `$${name}`]));
}
