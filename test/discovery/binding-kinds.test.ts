// Every binding kind wrangler knows is a binding, never a secret: the kinds fleet names itself,
// the ones it never mentions (Secrets Store secrets, pipelines, dispatch namespaces, rate limits…)
// and any kind wrangler's config schema lists with a binding name, so a kind added to wrangler
// later is one too without a change to fleet.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { analyzeWorker } from "../../src/discovery/analyze.js";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { parseManifest } from "../../src/manifest/load.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderWrangler } from "../../src/scaffold/wrangler.js";
import { fixtureRepo, writeFiles } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { ROUTER_FILES } from "./router-fixture.js";

/** Binding sections fleet had no name for, as a monorepo's config writes them. */
const UNNAMED_KINDS = {
  secrets_store_secrets: [{ binding: "STRIPE_KEY", store_id: "0f2ac74b498b48028cb68387c421e279", secret_name: "stripe-key" }],
  pipelines: [{ binding: "API_METRICS_STREAM", pipeline: "api-metrics" }],
  dispatch_namespaces: [{ binding: "DISPATCH", namespace: "customer-workers" }],
  ratelimits: [{ name: "RATE_LIMITER", namespace_id: "1001", simple: { limit: 100, period: 60 } }],
  unsafe: { bindings: [{ name: "LEGACY_LIMITER", type: "ratelimit", namespace_id: "1002", simple: { limit: 10, period: 60 } }] },
  mtls_certificates: [{ binding: "ORIGIN_CERT", certificate_id: "c1" }],
  worker_loaders: [{ binding: "LOADER" }],
  vpc_services: [{ binding: "INTERNAL_API", service_id: "s1" }],
};

const WORKER_CODE = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async fetch(request) {
    const env = this.env;
    const { success } = await env.RATE_LIMITER.limit({ key: "k" });
    await env.LEGACY_LIMITER.limit({ key: "k" });
    const key = await env.STRIPE_KEY.get();
    env.API_METRICS_STREAM.send([{ at: Date.now() }]);
    const tenant = env.DISPATCH.get("tenant");
    await env.ORIGIN_CERT.fetch(request);
    env.LOADER.get("id", () => ({}));
    await env.INTERNAL_API.fetch(request);
    return tenant.fetch(request, { headers: { authorization: env.SIGNING_SECRET, key, success } });
  }
}
`;

describe("binding kinds, as wrangler reads them", () => {
  it("a worker's Secrets Store secrets, pipelines, dispatch namespaces and rate limits are bindings, not secrets", async () => {
    const root = await tempDir("fleet-kinds-");
    const files = {
      "workers/gateway/wrangler.jsonc": JSON.stringify({ name: "gateway", main: "src/index.ts", compatibility_date: "2025-09-01", ...UNNAMED_KINDS }, null, 2),
      "workers/gateway/src/index.ts": WORKER_CODE,
    };
    await writeFiles(root, files);
    const tree = SourceTree.fromFiles(root, Object.keys(files));
    const analysis = await analyzeWorker({ tree, rootPackages: {} }, "gateway", { source: { dir: "workers/gateway" } } as never);
    expect(analysis.bindings).toEqual([
      "API_METRICS_STREAM",
      "DISPATCH",
      "INTERNAL_API",
      "LEGACY_LIMITER",
      "LOADER",
      "ORIGIN_CERT",
      "RATE_LIMITER",
      "STRIPE_KEY",
    ]);
    expect(analysis.secrets).toEqual(["SIGNING_SECRET"]);
    expect(analysis.bindingKinds).toMatchObject({
      STRIPE_KEY: "secrets_store_secret",
      API_METRICS_STREAM: "pipeline",
      DISPATCH: "dispatch_namespace",
      RATE_LIMITER: "ratelimit",
      LEGACY_LIMITER: "unsafe_ratelimit",
    });
    expect(analysis.warnings.filter((w) => w.includes("defines no binding"))).toEqual([]);
  });

  it("keeps the names fleet gives the kinds it always knew, and reads TOML the same way", () => {
    const config = parseWranglerConfig(
      [
        'name = "p"',
        "[[ratelimits]]",
        'name = "LIMIT"',
        'namespace_id = "1"',
        "simple = { limit = 1, period = 10 }",
        "[[secrets_store_secrets]]",
        'binding = "KEY"',
        'store_id = "s"',
        'secret_name = "k"',
        "[[kv_namespaces]]",
        'binding = "CACHE"',
        'id = "a"',
        "[vars]",
        'MODE = "x"',
        "",
      ].join("\n"),
      "wrangler.toml",
    );
    expect(Object.fromEntries([...config.bindings].map(([n, b]) => [n, b.kind]))).toEqual({
      LIMIT: "ratelimit",
      KEY: "secrets_store_secret",
      CACHE: "kv",
      MODE: "var",
    });
    expect(config.bindings.get("LIMIT")!.config).toEqual({ name: "LIMIT", namespace_id: "1", simple: { limit: 1, period: 10 } });
  });

  it("every kind wrangler's config schema names a binding for is a binding (kinds added to wrangler later included)", async () => {
    // the schema wrangler ships beside its package.json (the one a config's $schema names)
    const wranglerDir = dirname(createRequire(import.meta.url).resolve("wrangler/package.json"));
    const schema = JSON.parse(await readFile(join(wranglerDir, "config-schema.json"), "utf8")) as Schema;
    const sections = bindingSections(schema);
    // the schema is what wrangler validates against: it has these kinds, and others fleet never named
    expect(Object.keys(sections)).toEqual(expect.arrayContaining(["kv_namespaces", "secrets_store_secrets", "pipelines", "dispatch_namespaces", "queues"]));
    expect(Object.keys(sections).length).toBeGreaterThan(30);
    const config = parseWranglerConfig(JSON.stringify(Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.entry]))), "wrangler.json");
    const bound = Object.fromEntries(Object.entries(sections).map(([key, { name }]) => [key, config.bindings.has(name)]));
    expect(bound).toEqual(Object.fromEntries(Object.keys(sections).map((k) => [k, true])));
  });

  it("a section wrangler does not know binds nothing, as wrangler would not bind it", () => {
    const config = parseWranglerConfig(JSON.stringify({ name: "p", made_up_kind: [{ binding: "MADE_UP" }] }), "wrangler.json");
    expect(config.bindings.has("MADE_UP")).toBe(false);
  });

  it("a name bound only in an environment is a binding", () => {
    const config = parseWranglerConfig(
      JSON.stringify({ name: "p", env: { production: { pipelines: [{ binding: "EVENTS", pipeline: "events" }] } } }),
      "wrangler.json",
    );
    expect(config.bindings.has("EVENTS")).toBe(false);
    expect(config.environments.get("production")!.bindings.get("EVENTS")?.kind).toBe("pipeline");
  });

  it("a router worker's repository binds the kinds it reads, copied from the platform's config", async () => {
    const dir = await fixtureRepo({
      ...ROUTER_FILES,
      "wrangler.toml": `${ROUTER_FILES["wrangler.toml"]}
[[dispatch_namespaces]]
binding = "DISPATCH"
namespace = "customer-workers"
[[ratelimits]]
name = "RATE_LIMITER"
namespace_id = "1001"
simple = { limit = 100, period = 60 }
[[pipelines]]
binding = "API_METRICS_STREAM"
pipeline = "api-metrics"
[[unsafe.bindings]]
name = "LEGACY_LIMITER"
type = "ratelimit"
namespace_id = "1002"
simple = { limit = 10, period = 60 }
`,
      "src/services/search.js": `export async function handleSearch(request, env) {
  await env.RATE_LIMITER.limit({ key: "k" });
  await env.LEGACY_LIMITER.limit({ key: "k" });
  env.API_METRICS_STREAM.send([{ q: 1 }]);
  return env.DISPATCH.get("tenant").fetch(request);
}
`,
    });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const tree = await SourceTree.open(dir);
    const input = await scaffoldInput(manifest, "search", tree, "acme-platform");
    expect(input.secrets).toEqual([]);
    const config = parseJsonc(renderWrangler(input)) as Record<string, any>;
    expect(config.dispatch_namespaces).toEqual([{ binding: "DISPATCH", namespace: "customer-workers" }]);
    expect(config.ratelimits).toEqual([{ name: "RATE_LIMITER", namespace_id: "1001", simple: { limit: 100, period: 60 } }]);
    expect(config.pipelines).toEqual([{ binding: "API_METRICS_STREAM", pipeline: "api-metrics" }]);
    expect(config.unsafe).toEqual({ bindings: [{ name: "LEGACY_LIMITER", type: "ratelimit", namespace_id: "1002", simple: { limit: 10, period: 60 } }] });
    expect(config.env.production.pipelines).toEqual(config.pipelines);
  });
});

type Schema = { definitions: Record<string, SchemaNode> };
type SchemaNode = { $ref?: string; type?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode; anyOf?: SchemaNode[] };

/**
 * From wrangler's config schema, each environment field that names bindings — an object or a list
 * of objects with a `binding` field, or a `bindings` list of named objects (Durable Objects,
 * unsafe) — with a minimal entry and the name it binds.
 */
function bindingSections(schema: Schema): Record<string, { entry: unknown; name: string }> {
  const deref = (node: SchemaNode): SchemaNode => (node.$ref ? deref(schema.definitions[node.$ref.replace("#/definitions/", "")]!) : node);
  const named = (node: SchemaNode | undefined) => Boolean(node && deref(node).properties?.binding);
  const out: Record<string, { entry: unknown; name: string }> = {};
  for (const [key, raw] of Object.entries(schema.definitions.RawEnvironment!.properties!)) {
    const node = deref(raw);
    const name = `${key.toUpperCase()}_BINDING`;
    if (node.type === "array" && named(node.items)) out[key] = { entry: [{ binding: name }], name };
    else if (node.type === "object" && named(node)) out[key] = { entry: { binding: name }, name };
    else if (node.type === "object") {
      // one list of entries inside (queues.producers, durable_objects.bindings); a block of many
      // (`previews`, settings for another kind of deployment) is a section of its own, not a kind
      const lists = Object.entries(node.properties ?? {}).flatMap(([field, inner]): { entry: unknown; name: string }[] => {
        const list = deref(inner);
        const itemProps = list.type === "array" && list.items ? (deref(list.items).properties ?? {}) : {};
        if (itemProps.binding) return [{ entry: { [field]: [{ binding: name }] }, name }];
        if (field === "bindings" && itemProps.name) return [{ entry: { [field]: [{ name, type: "x", class_name: "X" }] }, name }];
        return [];
      });
      if (lists.length === 1) out[key] = lists[0]!;
    }
  }
  return out;
}
