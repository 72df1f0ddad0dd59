// Discovery on a pnpm/turborepo monorepo: hostnames from env.production (and env.staging), names
// per environment kept, and shared packages told apart from workers.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { runFleet } from "../helpers/run.js";
import { filterRepoTip } from "../helpers/oracle.js";
import { git, gitText } from "../../src/git/git.js";
import type { SplitFilter } from "../../src/history/path-filter.js";
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

  it("says how each worker gets its workspace and catalog dependencies, and carries the unpublished packages with their history: the split is what the stated git filter-repo command gives", async () => {
    const text = (await runFleet(["plan", "--cwd", dir])).stdout;
    expect(text).toContain("@repo/mcp-common (workspace:*) → carried: packages/mcp-common/ travels with the worker's split (file:packages/mcp-common)");
    expect(text).toContain("agents (catalog:) → 0.2.35 from the pnpm catalog");
    const auth = (JSON.parse((await runFleet(["plan", "--json", "--cwd", dir])).stdout) as { workers: { id: string; filter: SplitFilter; filterRepo: string }[] }).workers.find((w) => w.id === "auth")!;
    expect(auth.filterRepo).toBe("--path apps/auth/ --path packages/mcp-common/ --path packages/typescript-config/ --path-rename apps/auth/:");
    // a history: the shared package and the worker change, other workers and packages too
    const identity = { GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com" };
    const commit = async (message: string, files: Record<string, string>) => {
      for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
      await git(["add", "-A"], { cwd: dir });
      await git(["commit", "-q", "-m", message], { cwd: dir, env: identity });
    };
    await commit("mcp-common: a helper", { "packages/mcp-common/src/index.ts": `${turborepoCorpus().files["packages/mcp-common/src/index.ts"]}export const VERSION = 2;\n` });
    await commit("billing: a change no one else sees", { "apps/billing/src/extra.ts": "export const x = 1;\n" });
    await commit("auth: use the helper", { "apps/auth/src/version.ts": `export { VERSION } from "@repo/mcp-common";\n` });
    await commit("eval-harness: not carried by anyone", { "packages/eval-harness/test/more.ts": "export {};\n" });
    const split = await runFleet(["split", "auth", "--json", "--cwd", dir]);
    expect(split.code, split.stderr).toBe(0);
    const tip = (JSON.parse(split.stdout) as { workers: { id: string; commit: string; commits: number }[] }).workers[0]!;
    expect(tip.commits).toBe(3); // the corpus commit, the helper, auth's change
    expect(tip.commit).toBe(await filterRepoTip(dir, "main", auth.filter));
    expect(await gitText(["ls-tree", "-r", "--name-only", tip.commit], { cwd: dir })).toContain("packages/mcp-common/src/index.ts");
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
