// Discovery on a platform router shaped like the real ones: fleet init writes a manifest the next
// command takes without hand edits, and the plan says what the code and the configs say.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderWrangler } from "../../src/scaffold/wrangler.js";
import { git, gitText } from "../../src/git/git.js";
import { localRuntime } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { runFleet } from "../helpers/run.js";
import { corpusRepo } from "./repo.js";
import { ROUTER_CONFIG, routerPlatformCorpus } from "./router-platform.js";

interface PlannedWorker {
  id: string;
  domain: string | null;
  aliases: string[];
  routedPaths: string[];
  dependsOn: string[];
  calls: string[];
  paths: string[];
  bindings: string[];
  secrets: string[];
  npmDependencies: Record<string, string>;
}

describe("a platform router deployed with wrangler.optimized.toml", () => {
  let dir: string;
  let init: { code: number; stderr: string };
  let manifest: Manifest;
  let plan: { order: string[]; workers: PlannedWorker[]; warnings: string[] };
  const worker = (id: string) => plan.workers.find((w) => w.id === id)!;

  beforeAll(async () => {
    dir = await corpusRepo(routerPlatformCorpus());
    init = await runFleet(["init", "--cwd", dir, "--org", "chittyos"]);
    manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const planned = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(planned.code, planned.stderr).toBe(0);
    plan = JSON.parse(planned.stdout);
  });

  it("init exits 0 and plan takes what it wrote, with no hand edits", () => {
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).not.toContain("needs your attention");
  });

  it("records the config the team deploys with, named only in a package.json script", () => {
    expect(manifest.monorepo.wrangler).toBe(ROUTER_CONFIG);
    expect(init.stderr).not.toMatch(/every env name counts as a secret/);
  });

  it("names workers after their handler when one module serves several, after the file otherwise", () => {
    expect(Object.keys(manifest.workers).sort()).toEqual(["ai-gateway", "auth", "beacon", "canon", "cases", "chat", "chittypass", "docs", "evidence", "id", "langchain", "ledger", "mcp", "registry", "sync"]);
    expect(manifest.workers.registry!.source).toMatchObject({ file: "src/services/stubs.js", export: "handleRegistry" });
    // a re-export is followed to the module that defines the handler
    expect(manifest.workers.sync!.source).toMatchObject({ file: "src/services/sync.js", export: "handleSync" });
  });

  it("gives one worker every hostname and path route of its handler", () => {
    expect(manifest.workers.sync).toMatchObject({ domain: "gateway.chitty.cc", aliases: ["sync.chitty.cc", "api.chitty.cc"] });
    expect(manifest.workers.mcp).toMatchObject({ domain: "mcp.chitty.cc", aliases: ["portal.chitty.cc"] });
    expect(manifest.workers.ledger).toMatchObject({ domain: "ledger.chitty.cc", aliases: ["evidence-ledger.chitty.cc"] });
    expect(manifest.workers.chittypass).toMatchObject({ domain: "pass.chitty.cc", paths: ["/pass"] });
    expect(manifest.workers.cases).toMatchObject({ domain: "cases.chitty.cc", paths: ["/api/cases/"] });
    expect(worker("chittypass").routedPaths).toEqual(["/pass"]);
  });

  it("treats calls by URL as soft edges: the docs service that names every hostname and two services calling each other block nothing", () => {
    expect(manifest.workers.docs!.dependsOn).toEqual([]);
    expect(manifest.workers.docs!.calls!.length).toBeGreaterThan(10);
    expect(manifest.workers.ledger!.calls).toEqual(["cases"]);
    expect(manifest.workers.cases!.calls).toEqual(["ledger"]);
    expect(plan.warnings.filter((w) => w.includes("left out of the deploy order"))).toEqual([
      "ledger calls cases by URL and cases reaches ledger the same way: ledger's call is left out of the deploy order (calls never block a deploy)",
    ]);
    expect(plan.order.indexOf("ledger")).toBeLessThan(plan.order.indexOf("cases"));
    expect(plan.order.at(-1)).toBe("docs");
  });

  it("finds a root config with its own main as a worker of its own, with its bindings and secrets", () => {
    expect(manifest.workers.evidence).toMatchObject({ domain: "evidence.chitty.cc", source: { config: "wrangler-evidence.toml" } });
    expect(worker("evidence")).toMatchObject({
      paths: ["workers/evidence.ts", "workers/evidence/hash.ts", "wrangler-evidence.toml"],
      bindings: ["EVIDENCE_KV", "EVIDENCE_R2"],
      secrets: ["EVIDENCE_SIGNING_KEY"],
    });
  });

  it("takes bindings from the deploy config: ai and the Durable Object; KV commented out there reads as a secret, said once", () => {
    expect(worker("ai-gateway").bindings).toEqual(["AI"]);
    // the router's own buildContext, carried with the handler, reads env.AI (and PLATFORM_CACHE, PLATFORM_DB)
    expect(worker("sync").bindings).toEqual(["AI", "PLATFORM_STATE"]);
    expect(worker("registry").secrets).toEqual(["PLATFORM_CACHE", "PLATFORM_DB"]);
    expect(worker("beacon").secrets).toEqual(["PLATFORM_CACHE", "PLATFORM_DB", "PLATFORM_KV"]);
    const lines = init.stderr.split("\n").filter((l) => l.includes("PLATFORM_KV"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: 2 workers use env\.PLATFORM_KV like a binding, which wrangler\.optimized\.toml does not bind \(commented out there\): treated as secrets — /);
    expect(worker("langchain").npmDependencies).toEqual({ zod: "^3.23.0" });
  });

  it("brings tests named after their service", () => {
    expect(manifest.workers.chittypass!.source!.include).toContain("test-chittypass.js");
    // the platform's package.json a test reads stays the platform's: the worker gets its own
    expect(worker("chittypass").paths).toContain("test-chittypass.js");
    expect(worker("chittypass").paths).not.toContain("package.json");
    expect(manifest.workers.ledger!.source!.include).toContain("tests/ledger.test.js");
    expect(manifest.workers.cases!.source!.include).toContain("src/services/cases.test.ts");
    expect(manifest.workers.beacon!.source!.include).toContain("tests/beacon-integration.js");
    expect(manifest.workers.auth!.source!.include).toEqual([]);
  });

  it("gives the extracted worker the deploy config's compatibility date, flags and bindings", async () => {
    const tree = await SourceTree.open(dir);
    const config = JSON.parse(renderWrangler(await scaffoldInput(manifest, "ai-gateway", tree, "platform")).replace(/^\/\/.*\n/gm, ""));
    expect(config).toMatchObject({ compatibility_date: "2024-09-01", compatibility_flags: ["nodejs_compat"], ai: { binding: "AI" } });
    // no hostname before its cutover, in any environment: it answers on its workers.dev name
    const sync = JSON.parse(renderWrangler(await scaffoldInput(manifest, "sync", tree, "platform")).replace(/^\/\/.*\n/gm, ""));
    expect([sync.routes, sync.env.production.routes, sync.env.staging.routes]).toEqual([undefined, undefined, undefined]);
    expect([sync.workers_dev, sync.env.production.workers_dev]).toEqual([true, true]);
  });

  it("deploys the platform with that config, its production routes serving the hostnames", async () => {
    const deployed = await runFleet(["deploy", "--platform", "--env", "production", "--cwd", dir]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const health = await runFleet(["health", "sync", "chittypass", "--json", "--cwd", dir]);
    // one check per hostname: a worker's aliases are checked like its domain
    const states = JSON.parse(health.stdout).workers.map((w: { id: string; host: string; state: string }) => `${w.id} ${w.host}:${w.state}`).sort();
    expect(states).toEqual(["chittypass pass.chitty.cc:up", "sync api.chitty.cc:up", "sync gateway.chitty.cc:up", "sync sync.chitty.cc:up"]);
  });

  it("carries the router's own context wrapper: through the router and through the extracted worker, the handler gets the same context", async () => {
    const identity = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc" };
    for (const args of [["create", "beacon"], ["sync", "beacon"], ["deploy", "beacon"]]) {
      const result = await runFleet([...args, "--cwd", dir], identity);
      expect(result.code, `${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
    }
    // the worker's module is the router's code as written: buildContext and wrapHandler, and the import they use
    const repo = join(dir, ".fleet", "forge", "chittyos", "chittyos-beacon-worker.git");
    const carried = await gitText(["show", "main:src/fleet-router-context.js"], { cwd: repo });
    const router = routerPlatformCorpus()["src/platform-worker.js"]!;
    for (const name of ["buildContext", "wrapHandler"]) {
      const declaration = new RegExp(`^function ${name}\\([\\s\\S]*?^}\n`, "m").exec(router)![0];
      expect(carried).toContain(declaration);
    }
    expect(carried).toContain(`import { createKVCache } from "./lib/kv-cache.js";`);
    expect(carried).toContain(`const PLATFORM_NAME = "ChittyOS";`);
    expect(carried).not.toMatch(/handleBeacon|SERVICE_ROUTES|services\//);
    expect((await git(["show", "main:src/lib/kv-cache.js"], { cwd: repo })).stdout).toBe(routerPlatformCorpus()["src/lib/kv-cache.js"]);

    // the same request, through the platform's router and through the worker. The production
    // config does not route beacon.chitty.cc, and the worker takes no hostname before its
    // cutover: the platform is given it here, as a platform routing it would hold it
    const store = LocalCloudStore.at(dir);
    const platform = "chittyos-platform-production";
    const routes = (await store.version(platform, (await store.state()).workers[platform]!.active)).spec.routes;
    await store.redeployWithRoutes(platform, [...routes, "beacon.chitty.cc"]);
    const runtime = localRuntime(store, { persist: false });
    try {
      const viaRouter = await runtime.fetch("https://beacon.chitty.cc/context-shape", {});
      const viaWorker = await runtime.fetch("https://chittyos-beacon-worker.workers.dev/context-shape", {});
      expect(viaRouter.status).toBe(200);
      expect(viaWorker.status).toBe(200);
      const routerShape = await viaRouter.json();
      expect(routerShape).toMatchObject({ request: "object", env: "object", ctx: "object", platform: "string", cache: ["get", "put"] });
      expect(await viaWorker.json()).toEqual(routerShape);
    } finally {
      await runtime.dispose();
    }
  });

  it("keeps the carried wrapper in step: a change to the router alone reaches the worker at the next sync, once; an edit made in the worker repository is refused", async () => {
    const identity = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc" };
    const repo = join(dir, ".fleet", "forge", "chittyos", "chittyos-beacon-worker.git");
    const routerFile = join(dir, "src", "platform-worker.js");
    const before = await readFile(routerFile, "utf8");
    await writeFile(routerFile, before.replace("    platform: PLATFORM_NAME,\n", "    platform: PLATFORM_NAME,\n    region: \"eu\",\n"));
    await git(["commit", "-q", "-am", "The context says its region"], { cwd: dir, env: identity });
    try {
      const synced = await runFleet(["sync", "beacon", "--json", "--cwd", dir], identity);
      expect(synced.code, synced.stderr).toBe(0);
      expect(JSON.parse(synced.stdout).workers).toMatchObject([{ id: "beacon", status: "merged" }]);
      expect(await gitText(["show", "main:src/fleet-router-context.js"], { cwd: repo })).toContain(`region: "eu",`);
      expect(await gitText(["log", "-1", "--format=%P", "main"], { cwd: repo })).not.toContain(" "); // a plain commit: the split did not move
      const again = await runFleet(["sync", "beacon", "--json", "--cwd", dir], identity);
      expect(JSON.parse(again.stdout).workers).toMatchObject([{ id: "beacon", status: "up-to-date" }]);

      // an edit made in the worker repository to the carried file is the monorepo's to make
      const clone = join(dir, ".fleet", "beacon-clone");
      await git(["clone", "-q", repo, clone], { cwd: dir });
      await writeFile(join(clone, "src", "fleet-router-context.js"), "export const wrapHandler = (h) => h;\n");
      await git(["commit", "-q", "-am", "Simpler"], { cwd: clone, env: identity });
      await git(["push", "-q", "origin", "main"], { cwd: clone });
      await writeFile(routerFile, before);
      await git(["commit", "-q", "-am", "No region after all"], { cwd: dir, env: identity });
      const refused = await runFleet(["sync", "beacon", "--json", "--cwd", dir], identity);
      expect(JSON.parse(refused.stdout).workers).toMatchObject([{ id: "beacon", status: "refused" }]);
      expect(JSON.parse(refused.stdout).workers[0].detail).toContain("src/fleet-router-context.js");
    } finally {
      await rm(join(dir, ".fleet", "beacon-clone"), { recursive: true, force: true });
    }
  });

  it("brings a new range in the monorepo's package.json to the router worker importing that package, once, with --changed too; the repository's own additions stay", async () => {
    const identity = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc" };
    for (const args of [["create", "langchain", "canon"], ["sync", "langchain", "canon"]]) expect((await runFleet([...args, "--cwd", dir], identity)).code).toBe(0);
    const repo = join(dir, ".fleet", "forge", "chittyos", "chittyos-langchain-worker.git");
    const pkg = async () => JSON.parse(await gitText(["show", "main:package.json"], { cwd: repo })) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect((await pkg()).dependencies).toEqual({ zod: "^3.23.0" });
    const canonTip = await gitText(["rev-parse", "main"], { cwd: join(dir, ".fleet", "forge", "chittyos", "chittyos-canon-worker.git") });
    const rootFile = join(dir, "package.json");
    const root = JSON.parse(await readFile(rootFile, "utf8"));
    await writeFile(rootFile, `${JSON.stringify({ ...root, dependencies: { ...root.dependencies, zod: "^3.24.0" } }, null, 2)}\n`);
    await git(["commit", "-q", "-am", "zod ^3.24.0"], { cwd: dir, env: identity });
    // --changed sees it (workers never created show up there too, as no-repository)
    const changed = await runFleet(["sync", "--changed", "--dry-run", "--json", "--cwd", dir], identity);
    const listed = (JSON.parse(changed.stdout).actions as { id: string }[]).map((w) => w.id);
    expect(listed).toContain("langchain");
    expect(listed).not.toContain("canon");
    const synced = await runFleet(["sync", "langchain", "canon", "--json", "--cwd", dir], identity);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout).workers).toEqual([expect.objectContaining({ id: "langchain", status: "merged" }), expect.objectContaining({ id: "canon", status: "up-to-date" })]);
    const after = await pkg();
    expect(after.dependencies).toEqual({ zod: "^3.24.0" });
    expect(after.scripts.test).toBe("vitest run"); // fleet's test setup, from the scaffold, stays
    expect(after.devDependencies).toHaveProperty("@cloudflare/vitest-plugin");
    expect(JSON.parse(await gitText(["show", "main:package-lock.json"], { cwd: repo })).packages[""].dependencies).toEqual({ zod: "^3.24.0" });
    expect(await gitText(["log", "-1", "--format=%s%n%b", "main"], { cwd: repo })).toContain("Brings the npm ranges of the monorepo's package.json");
    // canon imports no package: untouched; and a second --changed has nothing to do
    expect(await gitText(["rev-parse", "main"], { cwd: join(dir, ".fleet", "forge", "chittyos", "chittyos-canon-worker.git") })).toBe(canonTip);
    const again = await runFleet(["sync", "--changed", "--dry-run", "--json", "--cwd", dir], identity);
    expect((JSON.parse(again.stdout).actions as { id: string }[]).map((w) => w.id)).not.toContain("langchain");
  }, 120_000);

  it("a config worker deploys from its own repository with the config it keeps (wrangler-evidence.toml)", async () => {
    const identity = { GIT_AUTHOR_NAME: "Fleet Test", GIT_AUTHOR_EMAIL: "test@chitty.cc", GIT_COMMITTER_NAME: "Fleet Test", GIT_COMMITTER_EMAIL: "test@chitty.cc" };
    for (const args of [["create", "evidence"], ["sync", "evidence"], ["deploy", "evidence"]]) {
      const result = await runFleet([...args, "--cwd", dir], identity);
      expect(result.code, `${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
    }
    const health = JSON.parse((await runFleet(["health", "evidence", "--json", "--cwd", dir])).stdout);
    expect(health.workers).toMatchObject([{ id: "evidence", host: "evidence.chitty.cc", state: "up" }]);
    // and the repository tells wrangler which config it is, in its scripts and its workflow
    const repo = join(dir, ".fleet", "forge", "chittyos", "chittyos-evidence-worker.git");
    const pkg = JSON.parse(await gitText(["show", "main:package.json"], { cwd: repo }));
    expect(pkg.scripts).toMatchObject({ deploy: "wrangler deploy --config wrangler-evidence.toml", dev: "wrangler dev --config wrangler-evidence.toml" });
    const workflow = await gitText(["show", "main:.github/workflows/deploy.yml"], { cwd: repo });
    expect(workflow).toContain("command: deploy --config wrangler-evidence.toml");
    expect(workflow).toContain("command: rollback --config wrangler-evidence.toml");
  });
});
