// Shape: a worker that serves its users' sites under a wildcard route, `*.sites.example.test/*`
// (seen on a monorepo of site builders), beside an ordinary worker on one hostname. Two layouts:
// a platform router whose hostname map has a wildcard key (and whose config routes the pattern),
// and folders with a wrangler config each, the wildcard route in the worker's own config (with a
// staging pattern of its own).

export const SITES_PATTERN = "*.sites.example.test/*";
export const SITES_HOST = "*.sites.example.test";
export const STAGING_PATTERN = "*.sites-staging.example.test/*";
export const WWW = "www.example.test";

const service = (name: string, handler: string) =>
  `/** The ${name} service: says which hostname it was asked on. */\nexport async function ${handler}(request, env, ctx) {\n` +
  `  const url = new URL(request.url);\n` +
  `  if (url.pathname === "/health") return Response.json({ status: "ok", service: "${name}" });\n` +
  `  return Response.json({ service: "${name}", host: url.hostname });\n}\n`;

/** The router layout: the platform holds both routes; its map sends `*.sites.example.test` to the sites handler. */
export function wildcardRouterCorpus(): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name: "@example/platform", private: true, type: "module", scripts: { deploy: "wrangler deploy" } }, null, 2),
    "wrangler.toml": `name = "example-platform"
main = "src/platform-worker.js"
compatibility_date = "2025-09-01"
routes = [
  { pattern = "${WWW}/*", zone_name = "example.test" },
  { pattern = "${SITES_PATTERN}", zone_name = "example.test" },
]
`,
    "src/platform-worker.js": `import { handleWww } from "./services/www.js";
import { handleSites } from "./services/sites.js";

// One handler per hostname; a key "*.<suffix>" serves every hostname under the suffix.
const ROUTES = {
  "${WWW}": handleWww,
  "${SITES_HOST}": handleSites,
};

function handlerFor(hostname) {
  return ROUTES[hostname] ?? ROUTES["*." + hostname.slice(hostname.indexOf(".") + 1)];
}

export default {
  async fetch(request, env, ctx) {
    const handler = handlerFor(new URL(request.url).hostname);
    if (!handler) return new Response("not found", { status: 404 });
    return handler(request, env, ctx);
  },
};
`,
    "src/services/www.js": service("www", "handleWww"),
    "src/services/sites.js": service("sites", "handleSites"),
    "README.md": "# example platform\n",
  };
}

/** The directories layout: each worker deploys with its own config; the sites worker's routes are patterns. */
export function wildcardDirectoriesCorpus(options: { customDomain?: boolean } = {}): Record<string, string> {
  const sitesRoute = options.customDomain
    ? `{ pattern = "${SITES_HOST}", custom_domain = true }`
    : `{ pattern = "${SITES_PATTERN}", zone_name = "example.test" }`;
  const worker = (name: string) =>
    `export default {\n  fetch(request) {\n    const url = new URL(request.url);\n    if (url.pathname === "/health") return Response.json({ status: "ok", service: "${name}" });\n    return Response.json({ service: "${name}", host: url.hostname });\n  },\n};\n`;
  return {
    "package.json": JSON.stringify({ name: "@example/workers", private: true, workspaces: ["workers/*"] }, null, 2),
    "workers/www/wrangler.toml": `name = "example-www"
main = "src/index.js"
compatibility_date = "2025-09-01"
routes = [{ pattern = "${WWW}/*", zone_name = "example.test" }]
`,
    "workers/www/package.json": JSON.stringify({ name: "@example/www", private: true, scripts: { deploy: "wrangler deploy" } }, null, 2),
    "workers/www/src/index.js": worker("www"),
    "workers/sites/wrangler.toml": `name = "example-sites"
main = "src/index.js"
compatibility_date = "2025-09-01"
# every user's site: <site>.sites.example.test
routes = [${sitesRoute}]

[env.staging]
routes = [{ pattern = "${STAGING_PATTERN}", zone_name = "example.test" }]
`,
    "workers/sites/package.json": JSON.stringify({ name: "@example/sites", private: true, scripts: { deploy: "wrangler deploy" } }, null, 2),
    "workers/sites/src/index.js": worker("sites"),
    "README.md": "# example workers\n",
  };
}
