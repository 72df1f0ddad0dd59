// Discovery on a pnpm/turborepo monorepo: hostnames from env.production (and env.staging), names
// per environment kept, and shared packages told apart from workers.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { runFleet } from "../helpers/run.js";
import { corpusRepo } from "./repo.js";
import { turborepoCorpus, type TurboWorkerTruth } from "./turborepo.js";

describe("a turborepo of TypeScript workers under apps/ with shared packages", () => {
  let dir: string;
  let truth: TurboWorkerTruth[];
  let shared: string[];
  let init: { code: number; stderr: string };
  let manifest: Manifest;
  let plan: { workers: { id: string; domain: string; bindings: string[]; secrets: string[]; warnings: string[] }[]; shared: string[] };

  beforeAll(async () => {
    const corpus = turborepoCorpus();
    truth = corpus.workers;
    shared = corpus.shared;
    dir = await corpusRepo(corpus.files);
    init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const planned = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(planned.code, planned.stderr).toBe(0);
    plan = JSON.parse(planned.stdout);
  });

  it("init exits 0 and plan takes the manifest as written", () => {
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).not.toContain("no route (top level");
  });

  it("takes each worker's hostname from env.production and its staging hostname from env.staging", async () => {
    expect(Object.keys(manifest.workers).sort()).toEqual(truth.map((t) => t.id).sort());
    for (const t of truth) {
      expect(manifest.workers[t.id], t.id).toMatchObject({ domain: t.domain, stagingHostnames: [t.staging], source: { dir: t.dir } });
      const w = plan.workers.find((p) => p.id === t.id)!;
      expect({ bindings: w.bindings, secrets: w.secrets }, t.id).toEqual({ bindings: t.bindings, secrets: t.secrets });
    }
    // the manifest's note above each worker keeps every name the config gives it
    expect(await readFile(join(dir, "fleet.jsonc"), "utf8")).toContain("// apps/auth/ (wrangler.jsonc, name auth-mcp-dev, staging: auth-mcp-staging, production: auth-mcp)");
  });

  it("tells shared packages from workers: the test harness with a wrangler.json and the libraries the workers import", () => {
    expect(manifest.monorepo.shared).toEqual(shared);
    expect(plan.shared).toEqual(shared);
    expect(init.stderr).toContain("packages/eval-harness/wrangler.json: a wrangler config, but no route and no deploy script: a shared package");
  });

  it("a second init keeps the shared list and adds nothing; removing a folder from it and giving it a route makes it a worker", async () => {
    const again = await runFleet(["init", "--cwd", dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("up to date: nothing new found");
    const text = await readFile(join(dir, "fleet.jsonc"), "utf8");
    await writeFile(join(dir, "fleet.jsonc"), text.replace(/\s*"packages\/eval-harness",/, ""));
    const config = join(dir, "packages/eval-harness/wrangler.json");
    await writeFile(config, JSON.stringify({ ...JSON.parse(await readFile(config, "utf8")), routes: [{ pattern: "evals.mcp.example.com", custom_domain: true }] }));
    const third = await runFleet(["init", "--cwd", dir]);
    expect(third.code, third.stderr).toBe(0);
    const after = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    expect(after.workers["eval-harness"]).toMatchObject({ domain: "evals.mcp.example.com", source: { dir: "packages/eval-harness" } });
  });
});
