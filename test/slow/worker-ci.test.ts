// Slow suite: the worker repositories fleet creates from the corpus monorepos pass their own CI
// as a new clone runs it — `npm ci`, `npm test`, a wrangler build — as created, and again after
// a sync that brought a change to a file both sides edit (the worker's own package.json). Their
// health path answers in workerd as the manifest's probe says. npm talks to the real registry.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cloud/build.js";
import { git } from "../../src/git/git.js";
import { statusCounts } from "../../src/health/probe.js";
import { parseManifest } from "../../src/manifest/load.js";
import { checkWorker } from "../../src/repos/check-worker.js";
import { directoriesTsCorpus } from "../corpus/directories-ts.js";
import { corpusRepo } from "../corpus/repo.js";
import { routerPlatformCorpus } from "../corpus/router-platform.js";
import { turborepoCorpus } from "../corpus/turborepo.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

// The project's Node first, as a developer's machine would have a current one.
const ENV = { PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

/** init, then the fleet-wide npm override this machine's registry mirror needs (see README). */
async function initialised(files: Record<string, string>, org: string): Promise<string> {
  const dir = await corpusRepo(files);
  const init = await runFleet(["init", "--cwd", dir, "--org", org]);
  expect(init.code, init.stderr).toBe(0);
  const path = join(dir, "fleet.jsonc");
  const text = await readFile(path, "utf8");
  // vite 8.4 lists an optional dependency this registry mirror answers 404 for, and `npm ci`
  // then calls any lockfile out of sync; pinning vite through the manifest's overrides is what a
  // team behind such a mirror would do.
  await writeFile(path, applyEdits(text, modify(text, ["npm"], { overrides: { vite: "~8.3.0" } }, { formattingOptions: { insertSpaces: true, tabSize: 2 } })));
  return dir;
}

async function created(dir: string, ids: string[]): Promise<void> {
  for (const command of ["create", "sync"]) {
    const result = await runFleet([command, ...ids, "--cwd", dir], IDENTITY);
    expect(result.code, `${command}: ${result.stdout}${result.stderr}`).toBe(0);
  }
}

async function cloneOf(dir: string, org: string, repo: string): Promise<string> {
  const clone = join(await tempDir("fleet-ci-clone-"), repo);
  await git(["clone", "-q", join(dir, ".fleet", "forge", org, `${repo}.git`), clone], { cwd: dir });
  return clone;
}

/** What the repository's CI runs, in a plain clone: npm ci, npm test, and a wrangler build. */
async function ciPasses(clone: string, config: string): Promise<void> {
  for (const [command, args] of [
    // as a fresh CI machine does: metadata from the registry, not an older cached copy
    ["npm", ["ci", "--no-audit", "--no-fund"]],
    ["npm", ["test"]],
    ["npx", ["--no-install", "wrangler", "deploy", "--dry-run", "--outdir", "dist", "--config", config]],
  ] as const) {
    const result = await run(command, [...args], clone, ENV);
    expect(result.code, `${clone}: ${command} ${args.join(" ")}\n${result.output.slice(-4000)}`).toBe(0);
  }
}

async function healthAnswers(dir: string, org: string, repo: string, id: string, host: string, config: string): Promise<void> {
  const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
  const probe = manifest.workers[id]!.health ?? { path: "/health", statuses: ["200"], body: "ok" };
  const check = await checkWorker(await cloneOf(dir, org, repo), { host, configFile: config, tests: false, healthPath: probe.path ?? "/health" });
  expect(check.error, id).toBeUndefined();
  expect(statusCounts(check.health!.status, probe.statuses ?? ["200"]), `${id}: ${probe.path} answered ${check.health!.status}`).toBe(true);
}

describe("worker repositories pass their own CI", () => {
  it("directories monorepo of TypeScript workers, with and without a /health route; again after a sync that changed package.json", async () => {
    const corpus = directoriesTsCorpus(4);
    const dir = await initialised(corpus.files, "acme");
    const workers = corpus.workers.filter((w) => w.domain).slice(0, 2).concat(corpus.workers.filter((w) => !w.routesHealth && w.domain).slice(0, 1));
    expect(workers.some((w) => !w.routesHealth)).toBe(true);
    await created(dir, workers.map((w) => w.id));
    for (const w of workers) {
      const repo = `acme-${w.id}-worker`;
      await ciPasses(await cloneOf(dir, "acme", repo), "wrangler.jsonc");
      await healthAnswers(dir, "acme", repo, w.id, w.domain!, "wrangler.jsonc");
    }

    // the monorepo changes the worker's package.json; the next sync keeps both sides' changes
    const first = workers[0]!;
    const pkgPath = join(dir, first.dir, "package.json");
    const pkg = JSON.parse(await readFile(pkgPath, "utf8"));
    pkg.dependencies = { ...pkg.dependencies, nanoid: "^5.1.0" };
    await writeFile(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    await git(["commit", "-qam", `${first.id}: nanoid`], { cwd: dir, env: IDENTITY });
    const sync = await runFleet(["sync", first.id, "--cwd", dir], IDENTITY);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    const clone = await cloneOf(dir, "acme", `acme-${first.id}-worker`);
    const synced = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
    expect(synced.dependencies.nanoid).toBe("^5.1.0");
    expect(synced.scripts).toMatchObject({ deploy: "wrangler deploy", test: "vitest run" });
    expect(synced.devDependencies).toHaveProperty("@cloudflare/vitest-plugin");
    expect(JSON.parse(await readFile(join(clone, "package-lock.json"), "utf8")).packages).toHaveProperty("node_modules/nanoid");
    await ciPasses(clone, "wrangler.jsonc");
  });

  it("turborepo: a worker depending on unpublished workspace packages and on catalog versions installs, typechecks and builds on its own", async () => {
    const dir = await initialised(turborepoCorpus().files, "acme");
    await created(dir, ["auth"]);
    const clone = await cloneOf(dir, "acme", "acme-auth-worker");
    const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
    expect(pkg.dependencies).toMatchObject({ "@repo/mcp-common": "file:packages/mcp-common", agents: "0.2.35", "@modelcontextprotocol/sdk": "1.23.0" });
    expect(pkg.devDependencies).toMatchObject({ "@repo/typescript-config": "file:packages/typescript-config", typescript: "^5.5.4" });
    expect(JSON.parse(await readFile(join(clone, "packages/mcp-common/package.json"), "utf8")).dependencies).toEqual({ zod: "^3.25.0" });
    await ciPasses(clone, "wrangler.jsonc");
    // its tsconfig extends the carried @repo/typescript-config, resolved through node_modules
    const tsc = await run("npx", ["--no-install", "tsc", "--noEmit", "-p", "."], clone, ENV);
    expect(tsc.code, tsc.output.slice(-4000)).toBe(0);
    await healthAnswers(dir, "acme", "acme-auth-worker", "auth", "auth.mcp.example.com", "wrangler.jsonc");
  });

  it("platform router: a handler worker, one the router wraps with its own context, and a config worker", async () => {
    const dir = await initialised(routerPlatformCorpus(), "chittyos");
    await created(dir, ["ai-gateway", "beacon", "evidence"]);
    await ciPasses(await cloneOf(dir, "chittyos", "chittyos-beacon-worker"), "wrangler.jsonc");
    await healthAnswers(dir, "chittyos", "chittyos-beacon-worker", "beacon", "beacon.chitty.cc", "wrangler.jsonc");
    await ciPasses(await cloneOf(dir, "chittyos", "chittyos-ai-gateway-worker"), "wrangler.jsonc");
    await healthAnswers(dir, "chittyos", "chittyos-ai-gateway-worker", "ai-gateway", "ai.chitty.cc", "wrangler.jsonc");
    await ciPasses(await cloneOf(dir, "chittyos", "chittyos-evidence-worker"), "wrangler-evidence.toml");
    await healthAnswers(dir, "chittyos", "chittyos-evidence-worker", "evidence", "evidence.chitty.cc", "wrangler-evidence.toml");
  });
});
