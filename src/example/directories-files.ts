// Files of the directories layout: each worker is a folder with its own wrangler config,
// package.json, entry module and (for some) a helper module and a test.
import { BINDINGS, renderJsonc, renderToml, type Binding, type WranglerConfig } from "./bindings.js";
import { domainOf, NPM_VERSIONS, type LibKey, type ServiceSpec } from "./catalog.js";
import { addNpmUses, envRef, NOT_FOUND, renderHandler, DURABLE_OBJECT_CLASS, type HandlerSource } from "./handler.js";
import type { DocState } from "./model.js";
import { envBlock, libBlock, libPrologue, urlBlock } from "./snippets.js";
import { serviceById } from "./catalog.js";
import { workerName } from "./truth.js";

/** Helper modules a directories worker carries itself instead of importing from src/lib. */
export const OWN_LIBS: readonly LibKey[] = ["logger", "cache"];
const OWN_LIB_ENV: Partial<Record<LibKey, string>> = { logger: "LOG_LEVEL", cache: "CACHE" };
const OWN_LIB_EXPORT: Partial<Record<LibKey, string>> = { logger: "log", cache: "cached" };

export interface WorkerShape {
  spec: ServiceSpec;
  dir: string;
  config: "toml" | "jsonc";
  /** Shared helpers in src/lib.js (or src/util.js before its rename). */
  libs: LibKey[];
  /** Imports `formatMoney` from a file that moves into the worker later. */
  formatFrom?: () => string;
}

export function workerLibs(spec: ServiceSpec): LibKey[] {
  return OWN_LIBS.filter((key) => spec.libs.includes(key));
}

/** Every name the worker's code reads from env. */
export function workerReads(shape: WorkerShape): string[] {
  return [...shape.spec.env, ...shape.libs.map((key) => OWN_LIB_ENV[key]!)];
}

/** The bindings its config declares: those it reads, plus ENVIRONMENT, which every worker gets. */
export function workerBindings(shape: WorkerShape): Binding[] {
  const names = new Set([...workerReads(shape), "ENVIRONMENT"]);
  return BINDINGS.filter((binding) => names.has(binding.name));
}

export function wranglerPath(shape: WorkerShape): string {
  return `${shape.dir}/wrangler.${shape.config}`;
}

export function renderWorkerConfig(shape: WorkerShape): string {
  const config: WranglerConfig = {
    comment: `Deployed on its own as ${workerName(shape.spec.id)}.`,
    name: workerName(shape.spec.id),
    main: "src/index.js",
    compatibilityDate: "2025-09-01",
    routes: [{ pattern: domainOf(shape.spec), customDomain: true }],
    bindings: workerBindings(shape),
  };
  return shape.config === "toml" ? renderToml(config) : renderJsonc(config);
}

export function renderWorkerIndex(shape: WorkerShape, state: DocState, libFile: string): string {
  const { spec } = shape;
  const e = envRef("default-export");
  const imports: string[] = [];
  const blocks = [
    ...spec.env.map((name) => envBlock(name, e)),
    ...shape.libs.map((key) => libBlock(key, e, spec.id)).filter((block) => block.length > 0),
    ...(spec.urls ?? []).map((id) => urlBlock(id, domainOf(serviceById(id)))),
  ];
  if (shape.libs.length > 0) {
    imports.push(`import { ${shape.libs.map((key) => OWN_LIB_EXPORT[key]).join(", ")} } from "./${libFile}";`);
  }
  const preamble: string[] = [];
  let fallback = NOT_FOUND;
  fallback = addNpmUses(spec.npm, spec.id, { imports, preamble, blocks }, fallback);
  if (shape.formatFrom) {
    imports.push(`import { formatMoney } from "${shape.formatFrom()}";`);
    blocks.push([`if (url.pathname === "/api/format") {`, `  return Response.json({ amount: formatMoney(Number(url.searchParams.get("cents") ?? 0)) });`, `}`]);
  }
  const source: HandlerSource = {
    id: spec.id,
    name: "fetch",
    signature: "default-export",
    imports,
    preamble,
    prologue: shape.libs.flatMap((key) => libPrologue(key, e)),
    blocks,
    fallback,
    trailer: spec.durableObject ? DURABLE_OBJECT_CLASS : [],
  };
  return renderHandler(source, state);
}

export function renderWorkerLib(shape: WorkerShape, state: DocState): string {
  const out = [`// revision ${state.rev}`];
  if (shape.libs.includes("logger")) {
    out.push(
      `export function log(env, level, message, fields = {}) {`,
      `  const levels = ["debug", "info", "warn", "error"];`,
      `  if (levels.indexOf(level) < levels.indexOf(env.LOG_LEVEL ?? "info")) return;`,
      `  console.log(JSON.stringify({ level, message, ...fields }));`,
      `}`,
    );
  }
  if (shape.libs.includes("cache")) {
    out.push(
      `export async function cached(env, key, load) {`,
      `  const hit = await env.CACHE.get(key, "json");`,
      `  if (hit !== null) return hit;`,
      `  const value = await load();`,
      `  await env.CACHE.put(key, JSON.stringify(value), { expirationTtl: ${state.knob} });`,
      `  return value;`,
      `}`,
    );
  }
  return out.join("\n") + "\n";
}

export function workerPackageJson(shape: WorkerShape) {
  const dependencies = Object.fromEntries((shape.spec.npm ?? []).map((name) => [name, NPM_VERSIONS[name]]));
  return {
    name: `@chittyos/${shape.spec.id}-worker`,
    version: "1.0.0",
    private: true,
    type: "module",
    scripts: { dev: "wrangler dev", deploy: "wrangler deploy", test: "vitest run" },
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    devDependencies: { vitest: "^3.2.4", wrangler: "^4.33.0" },
  };
}

export function renderWorkerTest(shape: WorkerShape, state: DocState): string {
  const address = `https://${domainOf(shape.spec)}`;
  const out = [
    `// revision ${state.rev}`,
    `import { describe, expect, it } from "vitest";`,
    `import worker from "../src/index.js";`,
    "",
    `describe("${shape.spec.id}", () => {`,
    `  it("answers health checks", async () => {`,
    `    const response = await worker.fetch(new Request("${address}/health"), {}, {});`,
    `    expect(await response.json()).toEqual({ status: "ok", service: "${shape.spec.id}", version: "1.0.0" });`,
    `  });`,
  ];
  if (state.flag) {
    out.push(
      "",
      `  it("answers unknown paths with 404", async () => {`,
      `    const response = await worker.fetch(new Request("${address}/nowhere"), {}, {});`,
      `    expect(response.status).toBe(404);`,
      `  });`,
    );
  }
  out.push("});", "");
  return out.join("\n");
}

export const FORMAT_SOURCE = `export function formatMoney(cents, currency = "USD") {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}
`;

export function rootWorkspacePackageJson() {
  return {
    name: "@chittyos/platform",
    version: "1.0.0",
    private: true,
    type: "module",
    workspaces: ["workers/*", "apps/*", "services/*"],
    scripts: { test: "npm test --workspaces --if-present" },
    devDependencies: { vitest: "^3.2.4", wrangler: "^4.33.0" },
  };
}
