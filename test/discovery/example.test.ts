// Discovery on the generated example, compared with what the generator knows it wrote.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateExample, type GeneratedExample } from "../../src/example/index.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import type { FleetPlan } from "../../src/plan/plan.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

async function initAndPlan(layout: "router" | "directories") {
  const dir = join(await tempDir(), "mono");
  const example = await generateExample(dir, { layout, commits: 400 });
  const init = await runFleet(["init", "--cwd", dir]);
  const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
  const planRun = await runFleet(["plan", "--cwd", dir, "--json"]);
  return { example, init, manifest, plan: JSON.parse(planRun.stdout) as FleetPlan, planCode: planRun.code };
}

describe("fleet init and plan on the example, router layout", () => {
  let run: { example: GeneratedExample; init: { code: number; stderr: string }; manifest: Manifest; plan: FleetPlan; planCode: number };
  beforeAll(async () => {
    run = await initAndPlan("router");
  });

  it("finds every service with its domain, export and style, and nothing else", () => {
    const { truth } = run.example;
    expect(run.init.code).toBe(0);
    expect(run.manifest.org).toBe(truth.org);
    expect(run.manifest.zone).toBe(truth.zone);
    const own = Object.entries(run.manifest.workers).filter(([, w]) => w.source);
    expect(own.map(([id]) => id).sort()).toEqual(truth.services.map((s) => s.id));
    for (const service of truth.services) {
      expect(run.manifest.workers[service.id], service.id).toMatchObject({
        domain: service.domain,
        source: { file: service.file, export: service.export, style: service.style },
      });
    }
  });

  it("gives each service the crons and queues the platform's scheduled and queue handlers run its code on", () => {
    const { truth } = run.example;
    for (const service of truth.services) {
      const plan = run.plan.workers.find((w) => w.id === service.id)!;
      const expected = service.triggers!.map((t) => ({ ...t, file: service.file, declaredBy: [""] }));
      expect(plan.triggers, service.id).toEqual(expected);
    }
    expect(truth.services.filter((s) => s.triggers!.length).map((s) => s.id)).toEqual(["project-initiation"]);
  });

  it("finds the external workers and skips the placeholders", () => {
    const { truth } = run.example;
    for (const external of truth.external) {
      expect(run.manifest.workers[external.id]).toMatchObject({ domain: external.domain, external: expect.stringContaining(external.id) });
    }
    for (const host of truth.placeholders) expect(run.init.stderr).toContain(`skipped ${host}:`);
  });

  it("computes each service's closure, bindings, secrets, npm dependencies and dependencies", async () => {
    const { truth } = run.example;
    for (const service of truth.services) {
      const plan = run.plan.workers.find((w) => w.id === service.id)!;
      const context = service.style === "context" ? [truth.contextModule!] : [];
      // a test's own relative imports (the shared test helpers) come along so the tests can run
      const helpers: string[] = [];
      for (const test of service.tests!) {
        if ((await readFile(join(run.example.dir, test), "utf8")).includes('from "./helpers.js"')) helpers.push("test/helpers.js");
      }
      expect(plan.paths, service.id).toEqual([...new Set([...service.closure!, ...service.tests!, ...context, ...helpers])].sort());
      expect(run.manifest.workers[service.id]!.source!.include!.filter((p) => p.startsWith("test/")), service.id).toEqual(service.tests);
      expect(plan.bindings, service.id).toEqual(service.bindings);
      expect(plan.secrets, service.id).toEqual(service.secrets);
      expect(plan.npmDependencies, service.id).toEqual(service.npmDependencies);
      // external workers (id, auth) are dependencies too: a deploy waits for their health
      const externals = truth.external.filter((e) => service.envReads.includes(e.binding)).map((e) => e.id);
      // service bindings are hard dependencies, URLs soft calls: together, what the code reaches
      expect([...plan.dependsOn, ...plan.calls].sort(), service.id).toEqual([...service.dependsOn, ...externals].sort());
    }
  });

  it("warns about the dangling import, naming both files", () => {
    const dangling = run.example.truth.services.flatMap((s) => s.danglingImports ?? []);
    expect(dangling.length).toBeGreaterThan(0);
    for (const { from, specifier } of dangling) expect(run.init.stderr).toContain(`${from} imports ${specifier}, which does not exist`);
  });

  it("orders the plan so every dependency comes first", () => {
    expect(run.planCode).toBe(0);
    for (const worker of run.plan.workers) {
      for (const dep of worker.dependsOn) expect(run.plan.order.indexOf(dep), `${dep} before ${worker.id}`).toBeLessThan(run.plan.order.indexOf(worker.id));
    }
  });
});

describe("fleet init and plan on the example, directories layout", () => {
  it("finds every worker folder with its domain, bindings, secrets and dependencies", async () => {
    const { example, init, manifest, plan } = await initAndPlan("directories");
    expect(init.code).toBe(0);
    const own = Object.entries(manifest.workers).filter(([, w]) => w.source);
    expect(own.map(([id]) => id).sort()).toEqual(example.truth.services.map((s) => s.id));
    for (const service of example.truth.services) {
      expect(manifest.workers[service.id], service.id).toMatchObject({ domain: service.domain, source: { dir: service.dir } });
      const worker = plan.workers.find((w) => w.id === service.id)!;
      expect(worker.filter).toEqual({ subdirectory: service.dir });
      expect(worker.paths).toContain(service.wranglerFile);
      expect(worker.bindings, service.id).toEqual(service.bindings);
      expect(worker.secrets, service.id).toEqual(service.secrets);
      expect(worker.npmDependencies, service.id).toEqual(service.npmDependencies);
      expect([...worker.dependsOn, ...worker.calls].filter((d) => !example.truth.external.some((e) => e.id === d)).sort(), service.id).toEqual(service.dependsOn);
    }
  });
});
