// The platform-level files of the router layout: the router itself, its wrangler config,
// package.json and the tests beside the services.
import { BINDINGS, renderToml } from "./bindings.js";
import { domainOf, EXTERNAL, handlerName, NPM_VERSIONS, type LibKey, type ServiceSpec } from "./catalog.js";
import type { DocState } from "./model.js";

/** The mutable facts the router-layout files are rendered from. */
export interface RouterWorld {
  /** Services in the order they joined. */
  present: ServiceSpec[];
  /** "handlers" until a legacy service is moved. */
  folder: Map<string, "handlers" | "services">;
  /** Current file name of each shared module present. */
  libNames: Map<LibKey, string>;
  forwarding: boolean;
  placeholders: boolean;
  compatDate: string;
}

export const ROUTER_FILE = "src/platform-worker.js";
export const WRANGLER_FILE = "wrangler.toml";
export const CONTEXT_MODULE = "src/lib/context.js";
export const PLACEHOLDERS = ["beta.chitty.cc", "status.chitty.cc"];

export function servicePath(world: RouterWorld, spec: ServiceSpec): string {
  return `src/${world.folder.get(spec.id) ?? "services"}/${spec.id}.js`;
}

export function renderRouter(world: RouterWorld): string {
  const out = [
    "// The platform worker: one script answering every chitty.cc hostname until each service",
    "// is deployed from its own repository.",
    `import { withContext } from "./lib/${world.libNames.get("context")}";`,
    ...world.present.map((spec) => `import { ${[handlerName(spec.id), ...triggerRuns(spec)].join(", ")} } from "./${servicePath(world, spec).slice(4)}";`),
  ];
  const durable = world.present.find((spec) => spec.durableObject);
  if (durable) out.push("", `export { SyncCoordinator } from "./${servicePath(world, durable).slice(4)}";`);
  if (world.placeholders) {
    out.push(
      "",
      "function notYetMigrated(request) {",
      `  return Response.json({ error: "not migrated yet", host: new URL(request.url).hostname }, { status: 503 });`,
      "}",
    );
  }
  out.push("", "const ROUTES = {");
  for (const spec of world.present) {
    const handler = handlerName(spec.id);
    out.push(`  "${domainOf(spec)}": ${spec.style === "context" ? `withContext(${handler})` : handler},`);
  }
  if (world.forwarding) {
    for (const ext of EXTERNAL) out.push(`  "${ext.domain}": (request, env) => env.${ext.binding}.fetch(request),`);
  }
  if (world.placeholders) out.push(`  "${PLACEHOLDERS[0]}": null,`, `  "${PLACEHOLDERS[1]}": notYetMigrated,`);
  out.push(
    "};",
    "",
    "export default {",
    "  async fetch(request, env, ctx) {",
    "    const { hostname } = new URL(request.url);",
    "    const handler = ROUTES[hostname];",
    `    if (typeof handler === "function") return handler(request, env, ctx);`,
    `    return Response.json({ error: "no service for " + hostname }, { status: 404 });`,
    "  },",
    ...triggerHandlers(world),
    "};",
    "",
  );
  return out.join("\n");
}

function triggerRuns(spec: ServiceSpec): string[] {
  return spec.triggers ? [spec.triggers.cron.run, spec.triggers.queue.run] : [];
}

/** The platform's scheduled handler chooses a service per cron, its queue handler per queue. */
function triggerHandlers(world: RouterWorld): string[] {
  const specs = world.present.filter((spec) => spec.triggers);
  if (specs.length === 0) return [];
  const cases = specs.flatMap((spec) => [`      case "${spec.triggers!.cron.schedule}":`, `        return ${spec.triggers!.cron.run}(controller, env, ctx);`]);
  const queues = specs.map((spec) => `    if (batch.queue === "${spec.triggers!.queue.name}") return ${spec.triggers!.queue.run}(batch, env, ctx);`);
  return [
    "",
    "  async scheduled(controller, env, ctx) {",
    "    switch (controller.cron) {",
    ...cases,
    "    }",
    "  },",
    "",
    "  async queue(batch, env, ctx) {",
    ...queues,
    "  },",
  ];
}

export function renderRouterWrangler(world: RouterWorld): string {
  const hasDurable = world.present.some((spec) => spec.durableObject);
  return renderToml({
    comment: "The platform worker serves every chitty.cc hostname until each service has its own repository.",
    name: "chittyos-platform",
    main: ROUTER_FILE,
    compatibilityDate: world.compatDate,
    routes: world.present.map((spec) => ({ pattern: `${domainOf(spec)}/*`, zoneName: "chitty.cc" })),
    bindings: BINDINGS.filter((binding) => binding.kind !== "do" || hasDurable),
    triggers: world.present.flatMap((spec) => (spec.triggers ? [spec.triggers] : [])),
  });
}

export function rootPackageJson() {
  return {
    name: "@chittyos/platform",
    version: "1.0.0",
    private: true,
    type: "module",
    scripts: { dev: "wrangler dev", deploy: "wrangler deploy", test: "vitest run" },
    dependencies: { ...NPM_VERSIONS },
    devDependencies: { vitest: "^3.2.4", wrangler: "^4.33.0" },
  };
}

export const HELPERS_FILE = "test/helpers.js";

export function renderHelpers(state: DocState): string {
  return `// revision ${state.rev}
export function memoryKv() {
  const data = new Map();
  return {
    async get(key, type) {
      const value = data.get(key);
      if (value === undefined) return null;
      return type === "json" ? JSON.parse(value) : value;
    },
    async put(key, value) {
      data.set(key, value);
    },
    async delete(key) {
      data.delete(key);
    },
  };
}

export function makeContext(address, bindings = {}) {
  const url = new URL(address);
  const request = new Request(url);
  const env = { CACHE: memoryKv(), RATE_LIMIT_PER_MINUTE: "1000", ...bindings };
  return { request, env, ctx: { waitUntil() {} }, url, service: url.hostname.split(".")[0] };
}
${state.flag ? JSON_REQUEST : ""}`;
}

const JSON_REQUEST = `
export function jsonRequest(address, body) {
  return new Request(address, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
`;

/** A vitest file for one service; `usesHelpers` builds its context with test/helpers.js. */
export function renderServiceTest(spec: ServiceSpec, state: DocState, file: string, usesHelpers: boolean): string {
  const handler = handlerName(spec.id);
  const call = (path: string) => {
    const address = `"https://${domainOf(spec)}${path}"`;
    if (usesHelpers) return `${handler}(makeContext(${address}))`;
    if (spec.style === "fetch") return `${handler}(new Request(${address}), {}, {})`;
    return `${handler}({ request: new Request(${address}), env: {}, ctx: {}, url: new URL(${address}), service: "${spec.label}" })`;
  };
  const out = [
    `// revision ${state.rev}`,
    `import { describe, expect, it } from "vitest";`,
    `import { ${handler} } from "../${file}";`,
    ...(usesHelpers ? [`import { makeContext } from "./helpers.js";`] : []),
    "",
    `describe("${spec.id}", () => {`,
    `  it("answers health checks", async () => {`,
    `    const response = await ${call("/health")};`,
    `    expect(response.status).toBe(200);`,
    `    expect(await response.json()).toEqual({ status: "ok", service: "${spec.id}", version: "1.0.0" });`,
    `  });`,
  ];
  if (state.flag) {
    out.push(
      "",
      `  it("answers unknown paths with 404", async () => {`,
      `    const response = await ${call("/nowhere")};`,
      `    expect(response.status).toBe(404);`,
      `  });`,
    );
  }
  out.push("});", "");
  return out.join("\n");
}
