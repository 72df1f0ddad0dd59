import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "@acme/workers", workspaces: ["services/*"], dependencies: { nanoid: "^5.0.7" } }),
  "pnpm-workspace.yaml": "packages:\n  - 'edge/*'\n  - '!edge/ignored'\n",
  "workers/api/wrangler.toml": 'name = "acme-api-worker"\nmain = "src/index.js"\nroutes = [ { pattern = "api.acme.dev", custom_domain = true } ]\n[[services]]\nbinding = "AUTH"\nservice = "acme-auth-worker"\n[[kv_namespaces]]\nbinding = "CACHE"\nid = "x"\n',
  "workers/api/src/index.js": 'import { nanoid } from "nanoid";\nimport { reply } from "./reply.js";\nexport default { async fetch(request, env) { await env.CACHE.get("a"); return reply(nanoid(), env.API_KEY, await env.AUTH.fetch(request)); } };\n',
  "workers/api/src/reply.js": "export const reply = (...a) => Response.json(a);\n",
  "workers/api/test/index.test.js": 'import { it } from "vitest";\nit("x", () => { globalThis.env?.NOT_A_READ; });\n',
  "workers/api/package.json": JSON.stringify({ name: "@acme/api-worker", dependencies: { nanoid: "^5.1.0" } }),
  "apps/auth/wrangler.jsonc": '{\n  // JSONC with comments\n  "name": "acme-auth-worker",\n  "main": "src/index.js",\n  "routes": [{ "pattern": "auth.acme.dev/*", "zone_name": "acme.dev" }],\n}\n',
  "apps/auth/src/index.js": 'import { secret } from "../../../shared/secret.js";\nexport default { fetch: (r, env) => fetch("https://mail.acme.dev/ping") };\n',
  "services/mailer/wrangler.json": JSON.stringify({ name: "acme-mailer-worker", main: "index.js", routes: ["mail.acme.dev/*"] }),
  "services/mailer/index.js": "export default { fetch: () => new Response('ok') };\n",
  "edge/cdn/wrangler.toml": 'name = "cdn"\nmain = "index.js"\n',
  "edge/cdn/index.js": "export default { fetch: () => new Response('ok') };\n",
  "edge/ignored/readme.md": "not a worker\n",
  "workers/docs-site/index.html": "<h1>no wrangler config here</h1>\n",
  "shared/secret.js": "export const secret = 1;\n",
};

describe("fleet init, directories layout", () => {
  it("finds workers/*, apps/*, npm and pnpm workspace members with a wrangler config", async () => {
    const dir = await fixtureRepo(FILES);
    const result = await runFleet(["init", "--cwd", dir]);
    expect(result.code).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    expect(manifest.monorepo.layout).toBe("directories");
    expect(Object.keys(manifest.workers).sort()).toEqual(["api", "auth", "cdn", "mailer"]);
    // a service binding is a hard dependency; a URL of another worker's hostname is a call (soft)
    expect(manifest.workers.api).toMatchObject({ domain: "api.acme.dev", source: { dir: "workers/api" }, dependsOn: ["auth"], phase: 3 });
    expect(manifest.workers.auth).toMatchObject({ domain: "auth.acme.dev", dependsOn: [], calls: ["mailer"], phase: 2 });
    expect(manifest.workers.mailer).toMatchObject({ domain: "mail.acme.dev", source: { dir: "services/mailer" } });
    expect(manifest.workers.cdn!.domain).toBeUndefined();
    expect(result.stderr).toContain("no route (top level or env.production), so no domain");
    expect(result.stderr).toContain("auth: carries shared/secret.js from outside apps/auth/ with their history: its repository keeps the monorepo's paths");
  });

  it("workers that call each other by URL never block: init and plan go on, and say which call is left out of the order", async () => {
    const dir = await fixtureRepo({ ...FILES, "apps/auth/src/index.js": 'export default { fetch: () => fetch("https://api.acme.dev/ping") };\n' });
    const result = await runFleet(["init", "--cwd", dir]);
    expect(result.code, result.stderr).toBe(0);
    // api binds auth (hard); auth calls api by URL (soft): the soft edge gives way
    const note = "auth calls api by URL and api reaches auth the same way: auth's call is left out of the deploy order";
    expect(result.stderr).toContain(note);
    const plan = await runFleet(["plan", "--cwd", dir, "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const { order, warnings } = JSON.parse(plan.stdout) as { order: string[]; warnings: string[] };
    expect(order.indexOf("auth")).toBeLessThan(order.indexOf("api"));
    expect(warnings.filter((w) => w.includes("left out of the deploy order"))).toHaveLength(1);
    // a cycle of hard edges (workers binding each other) never blocks either: it is broken at
    // one edge, whose target deploys first as a placeholder — the plan shows that wave
    const manifest = await readFile(join(dir, "fleet.jsonc"), "utf8");
    const edited = manifest.replace(/("auth": \{[\s\S]*?"dependsOn": )\[\]/, '$1["api"]');
    expect(edited).not.toBe(manifest);
    await writeFile(join(dir, "fleet.jsonc"), edited);
    const cyclic = await runFleet(["plan", "--cwd", dir, "--json"]);
    expect(cyclic.code, cyclic.stderr).toBe(0);
    const withCycle = JSON.parse(cyclic.stdout) as { order: string[]; placeholders: { worker: string; boundBy: string }[]; warnings: string[] };
    expect(withCycle.placeholders).toEqual([{ worker: "api", boundBy: "auth" }]);
    expect(withCycle.order.indexOf("auth")).toBeLessThan(withCycle.order.indexOf("api"));
    expect(withCycle.warnings).toContain("auth and api bind each other (auth → api closes a cycle): auth deploys first, bound to a placeholder of api that answers 503 until api deploys");
    const text = await runFleet(["plan", "--cwd", dir]);
    expect(text.stdout).toContain("placeholder wave, deployed before the order above where not deployed yet (a placeholder answers 503 until its own deploy): api (bound by auth)");
  });

  it("plans a directory worker from its own folder: every file, its own config and package.json", async () => {
    const dir = await fixtureRepo(FILES);
    await runFleet(["init", "--cwd", dir]);
    const plan = JSON.parse((await runFleet(["plan", "--cwd", dir, "--json"])).stdout);
    expect(plan.order).toEqual(["cdn", "mailer", "auth", "api"]);
    const api = plan.workers.find((w: { id: string }) => w.id === "api");
    expect(api).toMatchObject({
      paths: ["workers/api/package.json", "workers/api/src/index.js", "workers/api/src/reply.js", "workers/api/test/index.test.js", "workers/api/wrangler.toml"],
      filter: { subdirectory: "workers/api" },
      bindings: ["AUTH", "CACHE"],
      secrets: ["API_KEY"],
      npmDependencies: { nanoid: "^5.1.0" },
    });
  });
});
