// Slow suite: the repositories of workers that bring their own test setup run it as a new clone
// does — `npm ci`, then `npm test` — and pass: jest's ESM setup with nothing of Vitest beside it,
// and a Vitest config of the worker's own that runs its tests and fleet's health test in workerd.
// (What the repositories hold, and the checklist's tests step: test/corpus/own-tests.test.ts.)
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cloud/build.js";
import { npmEnv, repositoryEnv, withScratchHome } from "../../src/cloud/build-env.js";
import { git } from "../../src/git/git.js";
import { parseManifest } from "../../src/manifest/load.js";
import { repoNameFor } from "../../src/manifest/names.js";
import { boundedMap } from "../../src/concurrency/bounded.js";
import { corpusRepo } from "../corpus/repo.js";
import { ownTestsCorpus } from "../corpus/own-tests.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

// The project's Node first, as a developer's machine would have a current one; npm with what it
// needs to reach the registry, the tests with nothing of this process's environment.
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`;
const npm = (args: string[], clone: string) => withScratchHome((home) => run("npm", args, clone, { ...npmEnv(home), PATH }));
const npmTest = (clone: string) => withScratchHome((home) => run("npm", ["test"], clone, { ...repositoryEnv(home), PATH }));

describe("workers with their own test setup pass it in their repository", () => {
  it("jest and a Vitest config of the worker's own: npm ci, then npm test, in a plain clone", async () => {
    const corpus = ownTestsCorpus();
    const dir = await corpusRepo(corpus.files, "fleet-own-tests-ci-");
    expect((await runFleet(["init", "--cwd", dir, "--org", "acme"])).code).toBe(0);
    // the registry mirror's vite pin, as test/slow/worker-ci.test.ts explains
    const path = join(dir, "fleet.jsonc");
    const text = await readFile(path, "utf8");
    await writeFile(path, applyEdits(text, modify(text, ["npm"], { overrides: { vite: "~8.3.0" } }, { formattingOptions: { insertSpaces: true, tabSize: 2 } })));
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, "--all", "--cwd", dir], IDENTITY);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    const manifest = parseManifest(await readFile(path, "utf8"));
    const workers = corpus.workers.filter((w) => w.runner === "jest" || w.runner === "vitest-workers");
    const results = await boundedMap(workers, 2, async (w) => {
      const clone = join(await tempDir("fleet-own-tests-clone-"), w.id);
      await git(["clone", "-q", join(dir, ".fleet", "forge", manifest.org, `${repoNameFor(manifest, w.id)}.git`), clone], { cwd: dir });
      try {
        const install = await npm(["ci", "--no-audit", "--no-fund"], clone);
        if (install.code !== 0) return { id: w.id, failed: `npm ci exited ${install.code}`, output: install.output.slice(-3000) };
        const test = await npmTest(clone);
        return { id: w.id, failed: test.code === 0 ? "" : `npm test exited ${test.code}`, output: test.output.slice(-3000) };
      } finally {
        await rm(dirname(clone), { recursive: true, force: true });
      }
    });
    expect(results.filter((r) => r.failed)).toEqual([]);
    const [jest, vitest] = results.map((r) => r.output);
    expect(jest).toMatch(/Test Suites:\s+1 passed, 1 total/);
    // the worker's own test and fleet's health test, both run by its own config in workerd
    expect(vitest).toMatch(/Test Files\s+2 passed \(2\)/);
  });
});
