// The registry worker (ChittyRegistry's API) that the local cloud runs when the registry
// provider is local: one entry per service in a KV namespace, so entries persist with the
// cloud's state. PUT needs `Authorization: Bearer <REGISTRY_TOKEN>` when that var is set.
export const REGISTRY_SCRIPT = "fleet-registry";

/** The fields of a registry entry that a PUT takes from its body. */
const ENTRY_FIELDS = [
  "serviceId",
  "name",
  "version",
  "repository",
  "cloudflareWorker",
  "domain",
  "aliases",
  "routes",
  "endpoint",
  "healthEndpoint",
  "capabilities",
  "deployedAt",
];

export const REGISTRY_WORKER = `
const FIELDS = [${ENTRY_FIELDS.map((f) => JSON.stringify(f)).join(", ")}];
const json = (data, status = 200) => Response.json(data, { status });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter(Boolean);
    if (url.pathname === "/health") return json({ status: "ok", service: "registry", entries: (await env.SERVICES.list({ prefix: "service:" })).keys.length });
    if (parts[0] !== "api" || parts[1] !== "services") return json({ error: "not found" }, 404);
    const id = parts[2] ? decodeURIComponent(parts[2]) : undefined;
    if (request.method === "GET" && !id) {
      const { keys } = await env.SERVICES.list({ prefix: "service:" });
      const entries = await Promise.all(keys.map((k) => env.SERVICES.get(k.name, "json")));
      return json({ services: entries.sort((a, b) => (a.serviceId < b.serviceId ? -1 : 1)) });
    }
    if (request.method === "GET") {
      const entry = await env.SERVICES.get("service:" + id, "json");
      return entry ? json(entry) : json({ error: "no such service", serviceId: id }, 404);
    }
    if (request.method === "PUT" && id) {
      if (env.REGISTRY_TOKEN && request.headers.get("authorization") !== "Bearer " + env.REGISTRY_TOKEN) return json({ error: "unauthorized" }, 401);
      let body;
      try {
        body = await request.json();
      } catch {
        return json({ error: "the body must be JSON" }, 400);
      }
      if (body.serviceId !== undefined && body.serviceId !== id) return json({ error: "serviceId does not match the URL" }, 400);
      const entry = { serviceId: id };
      for (const field of FIELDS) if (body[field] !== undefined) entry[field] = body[field];
      entry.updatedAt = new Date().toISOString();
      const existed = (await env.SERVICES.get("service:" + id)) !== null;
      await env.SERVICES.put("service:" + id, JSON.stringify(entry));
      return json(entry, existed ? 200 : 201);
    }
    return json({ error: "method not allowed" }, 405);
  },
};
`;
