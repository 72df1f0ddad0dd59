// How a worker repository runs its tests. A worker that brings no test setup of its own, or
// whose `test` script is a plain `vitest` (which reads whichever config it finds), is tested by
// fleet's Vitest config, in workerd. Any other setup is the team's and wins: a Vitest config of
// its own, jest, node:test, any other test script. fleet's generated health test joins the
// team's setup only where that setup would run it as written — a Vitest config of the worker's
// whose include picks it up and which runs it in workerd through Cloudflare's plugin — and fleet
// adds nothing else to it: no config, no packages, no script.
import picomatch from "picomatch";
import { parseModule, type AnyNode } from "../discovery/ast.js";

/** The generated health test. */
export const INTEGRATION_TEST = "test/integration.test.js";
/** fleet's Vitest config, for a worker without a test setup of its own. */
export const FLEET_VITEST_CONFIG = "vitest.config.mts";

export type TestRunner = "fleet" | "vitest" | "jest" | "node:test" | "script";

export interface TestSetup {
  /** Who runs the tests: fleet's Vitest config, or the worker's own Vitest config, jest, node:test or another script. */
  runner: TestRunner;
  /** package.json's `test` script (npm's "no test specified" placeholder counts as none). */
  script?: string;
  /** The worker's own config of its runner, as a repository path (`package.json` for jest's field there). */
  config?: string;
  /** Whether fleet's test/integration.test.js runs with this setup (always with fleet's own config). */
  fleetTest: boolean;
  /** Why fleet's test joins the worker's own setup or stays out of it (empty for fleet's setup). */
  note: string;
}

/** What Vitest runs when its config says nothing (Vitest 4). */
const VITEST_INCLUDE = ["**/*.{test,spec}.?(c|m)[jt]s?(x)"];
const VITEST_EXCLUDE = ["**/node_modules/**", "**/.git/**"];
const CLOUDFLARE_PLUGIN = "@cloudflare/vitest-plugin";

/** package.json's `test` script, unless it is npm's placeholder, which only fails. */
export function testScriptOf(pkg: { scripts?: unknown }): string | undefined {
  const test = (pkg.scripts as Record<string, unknown> | undefined)?.test;
  return typeof test === "string" && test.trim() && !/no test specified/.test(test) ? test : undefined;
}

/**
 * The test setup of a repository: `files` are the paths the worker brings (its own, as the
 * repository has them), `read` a file's text in the repository (package.json included).
 */
export async function testSetupOf(files: Iterable<string>, read: (path: string) => Promise<string | undefined>): Promise<TestSetup> {
  const paths = [...files].sort();
  const pkg = parseObject(await read("package.json"));
  const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
  const script = testScriptOf(pkg);
  const rootFile = (pattern: RegExp) => paths.find((p) => pattern.test(p));
  const vitestConfig = rootFile(/^vitest\.(config|workspace)\.[cm]?[jt]s$/);
  const jestConfig = rootFile(/^jest\.config\.([cm]?[jt]s|json)$/) ?? (pkg.jest ? "package.json" : undefined);
  const own = (runner: TestRunner, config?: string): TestSetup => ({
    runner,
    ...(script ? { script } : {}),
    ...(config ? { config } : {}),
    fleetTest: false,
    note: `fleet's health test runs in workerd with Vitest, not with ${runner === "script" ? "the worker's own test script" : runner}`,
  });
  if (script) {
    const runners = scriptRunners(script, scripts, 0);
    const other = runners.find((r) => r.runner !== "vitest");
    if (other) return own(other.runner, other.runner === "jest" ? jestConfig : undefined);
    if (!runners.length) return own("script");
    const named = runners.find((r) => r.config !== undefined)?.config;
    if (named === true) return { ...own("vitest"), note: "its test script chooses Vitest's config with options fleet does not follow" };
    const config = named ?? vitestConfig ?? rootFile(/^vite\.config\.[cm]?[jt]s$/);
    return config ? ownVitest(script, config, await read(config)) : { runner: "fleet", script, fleetTest: true, note: "" };
  }
  if (vitestConfig) return ownVitest(undefined, vitestConfig, await read(vitestConfig));
  if (jestConfig) return own("jest", jestConfig);
  return { runner: "fleet", fleetTest: true, note: "" };
}

function ownVitest(script: string | undefined, config: string, text: string | undefined): TestSetup {
  const joins = fleetTestJoins(config, text);
  return { runner: "vitest", ...(script ? { script } : {}), config, ...joins };
}

/** Whether a Vitest config of the worker's runs test/integration.test.js in workerd, read from its text (never run). */
export function fleetTestJoins(config: string, text: string | undefined): { fleetTest: boolean; note: string } {
  const unknown = (why: string) => ({ fleetTest: false, note: `fleet cannot tell which files ${config} runs: ${why}` });
  if (text === undefined) return unknown("it is not in the repository");
  let program: AnyNode;
  try {
    program = parseModule(text, config);
  } catch {
    return unknown("it does not parse");
  }
  const body = program.body as AnyNode[];
  if (!body.some((n) => n.type === "ImportDeclaration" && n.source.value === CLOUDFLARE_PLUGIN))
    return { fleetTest: false, note: `${config} does not run tests in workerd with ${CLOUDFLARE_PLUGIN}, as fleet's health test needs` };
  const options = configObject(body.find((n) => n.type === "ExportDefaultDeclaration")?.declaration);
  if (!options) return unknown("its default export is not an object fleet can read");
  if (property(options, "root") !== undefined) return unknown("it sets root");
  const test = property(options, "test");
  if (test !== undefined && test?.type !== "ObjectExpression") return unknown("its test options are not an object fleet can read");
  if (test && ["dir", "root", "projects", "workspace"].some((key) => property(test, key) !== undefined)) return unknown("it sets test.dir, root or projects");
  const include = test ? globs(property(test, "include"), VITEST_INCLUDE) : VITEST_INCLUDE;
  const exclude = test ? globs(property(test, "exclude"), VITEST_EXCLUDE) : VITEST_EXCLUDE;
  if (!include || !exclude) return unknown("its include or exclude is not a list of strings");
  const picked = picomatch(include.map(relative))(INTEGRATION_TEST) && !picomatch(exclude.map(relative))(INTEGRATION_TEST);
  if (!picked) return { fleetTest: false, note: `${config} includes ${include.join(", ")}, not ${INTEGRATION_TEST}` };
  return { fleetTest: true, note: `${config} includes ${INTEGRATION_TEST} and runs it in workerd with ${CLOUDFLARE_PLUGIN}` };
}

/** The options object of `export default defineConfig({...})` (or of a plain object), through `as`/`satisfies`. */
function configObject(node: AnyNode | undefined): AnyNode | undefined {
  if (!node) return undefined;
  if (node.type === "ObjectExpression") return node;
  if (node.type === "TSAsExpression" || node.type === "TSSatisfiesExpression" || node.type === "ParenthesizedExpression") return configObject(node.expression);
  if (node.type === "CallExpression" && node.arguments.length === 1) return configObject(node.arguments[0]);
  return undefined;
}

/** A property's value in an object literal; null when a spread could hold it (unknown), undefined when absent. */
function property(object: AnyNode, name: string): AnyNode | null | undefined {
  let found: AnyNode | null | undefined;
  for (const p of object.properties as AnyNode[]) {
    if (p.type === "SpreadElement") found = null;
    else if (!p.computed && (p.key.name === name || p.key.value === name)) found = p.value;
  }
  return found;
}

/** A list of glob strings from an array literal; `fallback` when absent; undefined when not readable. */
function globs(node: AnyNode | null | undefined, fallback: string[]): string[] | undefined {
  if (node === undefined) return fallback;
  if (node?.type !== "ArrayExpression") return undefined;
  const values = (node.elements as (AnyNode | null)[]).map((e) => (e?.type === "Literal" && typeof e.value === "string" ? e.value : undefined));
  return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

const relative = (glob: string) => glob.replace(/^\.\//, "");

interface ScriptRunner {
  runner: Exclude<TestRunner, "fleet" | "script">;
  /** Vitest's config as the script names it (a path), or true when its options choose one fleet does not follow. */
  config?: string | true;
}

/** The test runners a script runs, following `npm run x` (and pnpm's, yarn's, bun's) into the package's other scripts. */
function scriptRunners(script: string, scripts: Record<string, unknown>, depth: number): ScriptRunner[] {
  const found: ScriptRunner[] = [];
  for (const segment of script.split(/&&|\|\||[;|]/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .map((w) => w.replace(/^["']|["']$/g, ""))
      .filter((w) => w && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    const called = otherScript(words);
    const next = called === undefined ? undefined : scripts[called];
    if (typeof next === "string") {
      if (depth < 5) found.push(...scriptRunners(next, scripts, depth + 1));
      continue;
    }
    const vitest = words.findIndex((w) => /(^|\/)vitest(\.m?js)?$/.test(w));
    if (vitest >= 0) found.push({ runner: "vitest", ...vitestConfigOption(words.slice(vitest + 1)) });
    else if (words.some((w) => /(^|\/)jest(\.js)?$/.test(w))) found.push({ runner: "jest" });
    else if (words.some((w) => /(^|\/)(node|tsx)$/.test(w)) && words.includes("--test")) found.push({ runner: "node:test" });
  }
  return found;
}

/** `npm run x`, `pnpm x`, `yarn run x`, `bun run x`: the name x (a script of the package's, if it has one by that name). */
function otherScript(words: string[]): string | undefined {
  const [tool, first, second] = words;
  if (!tool || !/^(npm|pnpm|yarn|bun)$/.test(tool)) return undefined;
  if (first === "run" || first === "run-script") return second;
  return tool !== "npm" && first && !first.startsWith("-") ? first : undefined;
}

function vitestConfigOption(args: string[]): { config?: string | true } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === "--config" || arg === "-c") && args[i + 1]) return { config: relative(args[i + 1]!) };
    if (arg.startsWith("--config=")) return { config: relative(arg.slice("--config=".length)) };
    if (/^(--root|-r|--dir|--project|--workspace)(=|$)/.test(arg)) return { config: true };
  }
  return {};
}

function parseObject(text: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? "{}") as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
