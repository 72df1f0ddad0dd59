import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import { fixtureRepo, writeFiles } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";
import { ROUTER_FILES } from "./router-fixture.js";

describe("fleet init, router layout", () => {
  it("writes a manifest with every service, external worker, include and inferred dependency", async () => {
    const dir = await fixtureRepo(ROUTER_FILES);
    const result = await runFleet(["init", "--cwd", dir]);
    expect(result.stderr).toContain("wrote fleet.jsonc with 4 workers");
    expect(result.stderr).toContain("skipped beta.acme.dev");
    // a static import of a module git does not have: nothing can make it in the worker's repository
    expect(result.stderr).toContain("billing: cannot carry src/lib/missing-metrics.js (imported by src/services/billing.js (../lib/missing-metrics.js)): not in git");
    expect(result.code).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    expect(manifest.org).toBe("acme");
    expect(manifest.zone).toBe("acme.dev");
    expect(Object.keys(manifest.workers).sort()).toEqual(["api", "billing", "id", "search"]);
    expect(manifest.workers.api).toMatchObject({ domain: "api.acme.dev", dependsOn: [], calls: ["billing"], phase: 2, source: { file: "src/services/api.js", export: "handleApi", style: "fetch", include: ["test/api.test.js"] } });
    expect(manifest.workers.billing).toMatchObject({ phase: 1, source: { style: "context", include: ["src/lib/context.js", "test/billing.spec.js"] } });
    expect(manifest.repoName).toBe("acme-{service}-worker");
    expect(manifest.workers.id).toMatchObject({ external: "https://github.com/acme/acme-id-worker" });
    // search reads the BILLING_SERVICE binding, whose target acme-billing-worker is billing's repository name
    expect(manifest.workers.search!.dependsOn).toEqual(["billing"]);
  });

  it("keeps what the user edited and adds only what is new; a dry run writes nothing", async () => {
    const dir = await fixtureRepo(ROUTER_FILES);
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const path = join(dir, "fleet.jsonc");
    const edited = (await readFile(path, "utf8"))
      .replace('"api": {', '// my note\n    "public-api": {')
      .replace('"phase": 2', '"phase": 3');
    await writeFile(path, edited);

    const again = await runFleet(["init", "--cwd", dir]);
    expect(again.stderr).toContain("is up to date");
    expect(await readFile(path, "utf8")).toBe(edited);

    await writeFiles(dir, {
      "src/services/notify.js": "export async function handleNotify(request, env) { return new Response(env.SENDER); }\n",
      "src/platform-worker.js": ROUTER_FILES["src/platform-worker.js"]!.replace('import { withContext }', 'import { handleNotify } from "./services/notify.js";\nimport { withContext }').replace('"beta.acme.dev": null,', '"beta.acme.dev": null,\n  "notify.acme.dev": handleNotify,'),
    });
    const dry = await runFleet(["init", "--cwd", dir, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('"notify"');
    expect(await readFile(path, "utf8")).toBe(edited);

    const added = await runFleet(["init", "--cwd", dir]);
    expect(added.stderr).toContain("added 1 (notify)");
    const text = await readFile(path, "utf8");
    expect(text).toContain("// my note");
    const manifest = parseManifest(text);
    expect(manifest.workers["public-api"]!.phase).toBe(3);
    expect(manifest.workers.api).toBeUndefined();
    expect(manifest.workers.notify).toMatchObject({ domain: "notify.acme.dev", source: { file: "src/services/notify.js" } });
  });

  it("refuses a folder that is not a git repository, exit 2", async () => {
    const { tempDir } = await import("../helpers/tmp.js");
    const dir = await tempDir();
    const result = await runFleet(["init", "--cwd", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a git repository");
  });
});

describe("fleet plan, router layout", () => {
  it("gives the order, paths, bindings, secrets, npm dependencies and warnings", async () => {
    const dir = await fixtureRepo(ROUTER_FILES);
    await runFleet(["init", "--cwd", dir]);
    const result = await runFleet(["plan", "--cwd", dir, "--json"]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.order.indexOf("billing")).toBeLessThan(plan.order.indexOf("api"));
    const api = plan.workers.find((w: { id: string }) => w.id === "api");
    expect(api).toMatchObject({
      paths: ["src/lib/headers.js", "src/lib/response.js", "src/services/api.js", "test/api.test.js"],
      bindings: ["CACHE", "DB", "ENVIRONMENT"],
      secrets: ["API_TOKEN"],
      npmDependencies: { hono: "^4.6.0" },
      dependsOn: [],
      calls: ["billing"],
    });
    const billing = plan.workers.find((w: { id: string }) => w.id === "billing");
    expect(billing.paths).toContain("src/lib/context.js");
    expect(billing.secrets).toEqual(["QUEUE", "STRIPE_SECRET_KEY"]);
    expect(billing.warnings.join("\n")).toMatch(/env\.QUEUE like a binding, but wrangler\.toml defines no binding QUEUE/);
  });
});
