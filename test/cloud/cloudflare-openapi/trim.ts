// Makes cloudflare-openapi.trimmed.json from Cloudflare's published OpenAPI description
// (github.com/cloudflare/api-schemas, openapi.json): only the operations fleet and wrangler call,
// and the components they reach. Run: node test/cloud/cloudflare-openapi/trim.ts <openapi.json>
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** path → the methods used. */
export const USED: Record<string, string[]> = {
  "/zones": ["get"],
  "/zones/{zone_id}/dns_records": ["get"],
  "/zones/{zone_id}/workers/routes": ["get", "post"],
  "/zones/{zone_id}/workers/routes/{route_id}": ["get", "put", "delete"],
  "/accounts/{account_id}/workers/domains": ["get", "put"],
  "/accounts/{account_id}/workers/domains/{domain_id}": ["get", "delete"],
  "/accounts/{account_id}/workers/scripts/{script_name}": ["put"],
  "/accounts/{account_id}/workers/scripts/{script_name}/deployments": ["get", "post"],
  "/accounts/{account_id}/workers/scripts/{script_name}/versions": ["get", "post"],
  "/accounts/{account_id}/workers/scripts/{script_name}/versions/{version_id}": ["get"],
  "/accounts/{account_id}/workers/scripts/{script_name}/settings": ["get", "patch"],
  "/accounts/{account_id}/workers/scripts/{script_name}/script-settings": ["get", "patch"],
  "/accounts/{account_id}/workers/subdomain": ["get"],
  // D1 (wrangler's `d1 migrations apply --remote`), and the database list also before a deploy
  "/accounts/{account_id}/d1/database": ["get"],
  "/accounts/{account_id}/d1/database/{database_id}": ["get"],
  "/accounts/{account_id}/d1/database/{database_id}/query": ["post"],
  // crons and queue consumers (they move at cutover); the queue list also before a deploy
  "/accounts/{account_id}/workers/scripts/{script_name}/schedules": ["get", "put"],
  "/accounts/{account_id}/queues": ["get"],
  "/accounts/{account_id}/queues/{queue_id}/consumers": ["get", "post"],
  "/accounts/{account_id}/queues/{queue_id}/consumers/{consumer_id}": ["put", "delete"],
  "/memberships": ["get"],
  "/user": ["get"],
  // the resources a deploy binds, listed before it (src/cloud/cloudflare/resource-lookups.ts)
  "/accounts/{account_id}/workers/scripts": ["get"],
  "/accounts/{account_id}/storage/kv/namespaces": ["get"],
  "/accounts/{account_id}/r2/buckets": ["get"],
  "/accounts/{account_id}/hyperdrive/configs": ["get"],
  "/accounts/{account_id}/vectorize/v2/indexes": ["get"],
};

type Json = Record<string, unknown>;

function trim(full: Json): Json {
  const paths: Json = {};
  for (const [path, methods] of Object.entries(USED)) {
    const item = (full.paths as Record<string, Json>)[path];
    if (!item) throw new Error(`the description has no ${path}`);
    paths[path] = Object.fromEntries(Object.entries(item).filter(([key]) => methods.includes(key) || key === "parameters"));
  }
  // every component the kept operations reach, transitively
  const components: Record<string, Json> = {};
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/") && !seen.has(value)) {
        seen.add(value);
        const [, , kind, name] = value.split("/") as [string, string, string, string];
        const target = ((full.components as Record<string, Json>)[kind] as Json)[name];
        ((components[kind] ??= {}) as Json)[name] = target;
        visit(target);
      } else visit(value);
    }
  };
  visit(paths);
  return { openapi: full.openapi, info: full.info, servers: full.servers, paths, components };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const source = process.argv[2];
  if (!source) throw new Error("usage: node test/cloud/cloudflare-openapi/trim.ts <openapi.json>");
  const out = join(dirname(fileURLToPath(import.meta.url)), "cloudflare-openapi.trimmed.json");
  writeFileSync(out, `${JSON.stringify(trim(JSON.parse(readFileSync(source, "utf8")) as Json), null, 1)}\n`);
  console.log(`wrote ${out}`);
}
