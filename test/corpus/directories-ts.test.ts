// Discovery on a directories monorepo of TypeScript workers: every file parses, and the plan says
// what the code and the configs say.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import { runFleet } from "../helpers/run.js";
import { directoriesTsCorpus, type TsWorkerTruth } from "./directories-ts.js";
import { corpusRepo } from "./repo.js";

interface PlannedWorker {
  id: string;
  domain: string | null;
  bindings: string[];
  secrets: string[];
  npmDependencies: Record<string, string>;
  paths: string[];
  warnings: string[];
}

describe("a directories monorepo of 32 TypeScript workers", () => {
  let dir: string;
  let truth: TsWorkerTruth[];
  let planned: PlannedWorker[];
  beforeAll(async () => {
    const corpus = directoriesTsCorpus(32);
    truth = corpus.workers;
    dir = await corpusRepo(corpus.files);
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    const plan = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(plan.code, plan.stderr).toBe(0);
    planned = JSON.parse(plan.stdout).workers;
  });

  it("parses every file: no worker warns that something could not be parsed", () => {
    expect(planned).toHaveLength(32);
    expect(planned.flatMap((w) => w.warnings.filter((m) => /could not parse|does not exist/.test(m)))).toEqual([]);
  });

  it("finds each worker's bindings, secrets, npm dependencies and domain from the TypeScript", () => {
    for (const t of truth) {
      const w = planned.find((p) => p.id === t.id)!;
      expect(w, t.id).toBeDefined();
      expect({ domain: w.domain ?? undefined, bindings: w.bindings, secrets: w.secrets, npm: w.npmDependencies }, t.id).toEqual({ domain: t.domain, bindings: t.bindings, secrets: t.secrets, npm: t.npm });
    }
  });

  it("gives a worker whose code routes no /health a probe that counts any answer below 500 on /", async () => {
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const without = truth.filter((t) => !t.routesHealth);
    expect(without.length).toBeGreaterThan(0);
    for (const t of truth) {
      if (t.routesHealth) expect(manifest.workers[t.id]!.health, t.id).toBeUndefined();
      else expect(manifest.workers[t.id]!.health, t.id).toEqual({ path: "/", statuses: ["2xx", "3xx", "4xx"], body: "any" });
    }
  });
});
