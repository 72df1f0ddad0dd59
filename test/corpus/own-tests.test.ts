// Workers that bring their own test setup keep it: a jest worker gets no Vitest config, no Vitest
// packages and no generated test jest would pick up; a worker with its own Vitest config keeps
// it, and fleet's health test joins only where that config runs it in workerd; a `node --test`
// worker gets nothing of Vitest. The checklist's tests step is done for each, from the test
// command its repository runs. (Their `npm test` in a plain clone: test/slow/own-tests-ci.test.ts.)
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitText } from "../../src/git/git.js";
import { parseManifest } from "../../src/manifest/load.js";
import { repoNameFor } from "../../src/manifest/names.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { NO_SECRETS, statusOf } from "../lifecycle/fixture.js";
import { runFleet } from "../helpers/run.js";
import { corpusRepo } from "./repo.js";
import { ownTestsCorpus, type OwnTestsTruth } from "./own-tests.js";

interface Repository {
  files: string[];
  pkg: { scripts: Record<string, string>; devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  text(path: string): Promise<string>;
}

describe("a directories monorepo whose workers bring their own test setup", () => {
  let dir: string;
  let truth: OwnTestsTruth[];
  let manifest: Manifest;
  const repos = new Map<string, Repository>();
  const worker = (runner: OwnTestsTruth["runner"]) => truth.find((t) => t.runner === runner)!;

  beforeAll(async () => {
    const corpus = ownTestsCorpus();
    truth = corpus.workers;
    dir = await corpusRepo(corpus.files, "fleet-own-tests-");
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, "--all", "--cwd", dir], NO_SECRETS);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    for (const t of truth) {
      const bare = join(dir, ".fleet", "forge", manifest.org, `${repoNameFor(manifest, t.id)}.git`);
      const text = (path: string) => gitText(["show", `main:${path}`], { cwd: bare });
      const files = (await gitText(["ls-tree", "-r", "--name-only", "main"], { cwd: bare })).split("\n");
      repos.set(t.id, { files, pkg: JSON.parse(await text("package.json")), text });
    }
  });

  it("finds every worker and its own tests", () => {
    expect(Object.keys(manifest.workers).sort()).toEqual(truth.map((t) => t.id).sort());
    for (const t of truth) expect(repos.get(t.id)!.files, t.id).toEqual(expect.arrayContaining(t.tests));
  });

  it("a jest worker keeps jest: no vitest.config.mts, no Vitest packages, its test script as written, no generated test for jest to pick up", async () => {
    const t = worker("jest");
    const repo = repos.get(t.id)!;
    expect({
      files: repo.files.filter((f) => /^(vitest|vite|jest)\.config\.|\.test\./.test(f)),
      test: repo.pkg.scripts.test,
      devDependencies: repo.pkg.devDependencies,
    }).toEqual({ files: ["jest.config.js", ...t.tests], test: t.script, devDependencies: t.devDependencies });
    expect(await repo.text("README.md")).toContain("npm test          # the worker's tests, with jest\n");
  });

  it("a worker with its own Vitest config in workerd keeps it, and fleet's health test joins it where its include picks the test up", async () => {
    const t = worker("vitest-workers");
    const repo = repos.get(t.id)!;
    expect(await repo.text("vitest.config.mts")).toContain(`include: ["test/**/*.test.js"]`);
    expect(await repo.text("vitest.config.mts")).not.toContain("remoteBindings");
    expect(repo.files).toContain("test/integration.test.js");
    expect(await repo.text("test/integration.test.js")).toContain(`fetch(new Request("https://${t.domain}/health"))`);
    expect(repo.pkg.scripts.test).toBe(t.script);
    expect(repo.pkg.devDependencies).toEqual(t.devDependencies);
  });

  it("a worker with its own Vitest config for unit tests in Node keeps it, and fleet's test (which needs workerd) stays out", () => {
    const t = worker("vitest-node");
    const repo = repos.get(t.id)!;
    expect(repo.files).toContain("vitest.config.js");
    expect(repo.files).not.toContain("vitest.config.mts");
    expect(repo.files).not.toContain("test/integration.test.js");
    expect(repo.pkg.devDependencies).toEqual(t.devDependencies);
    expect(repo.pkg.devDependencies).not.toHaveProperty("@cloudflare/vitest-plugin");
  });

  it("a node --test worker gets nothing of Vitest, and no generated test for node --test to pick up", () => {
    const t = worker("node-test");
    const repo = repos.get(t.id)!;
    expect({
      files: repo.files.filter((f) => /^(vitest|vite|jest)\.config\.|\.test\./.test(f)),
      test: repo.pkg.scripts.test,
      devDependencies: repo.pkg.devDependencies,
    }).toEqual({ files: t.tests, test: "node --test", devDependencies: t.devDependencies });
  });

  it("the checklist's tests step is done for each, and says which test command and files it saw", async () => {
    const seen: Record<string, { state: string; evidence: string }> = {};
    for (const t of truth) seen[t.id] = (await statusOf(dir, t.id)).tests!;
    expect(Object.fromEntries(truth.map((t) => [t.id, `${seen[t.id]!.state}: ${seen[t.id]!.evidence}`]))).toEqual(
      Object.fromEntries(truth.map((t) => [t.id, expect.stringMatching(/^done: /)])),
    );
    for (const t of truth) {
      expect(seen[t.id]!.evidence, t.id).toContain(`npm test runs ${t.script}`);
      for (const file of t.tests) expect(seen[t.id]!.evidence, t.id).toContain(file);
    }
    expect(seen[worker("vitest-workers").id]!.evidence).toContain("test/integration.test.js");
    expect(seen[worker("jest").id]!.evidence).not.toContain("test/integration.test.js");
  });
});
