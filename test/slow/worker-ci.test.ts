// Slow suite: every worker repository fleet creates from the corpus monorepos passes its own CI
// as a new clone runs it — `npm ci`, `npm test`, a wrangler build — and answers its health path
// in workerd as the manifest's probe says: as created, and again, for every worker a later sync
// changed, after that sync changed a file both sides edit (the worker's package.json: the
// monorepo's dependencies, fleet's test script and devDependencies). The later change touches one
// worker of each shape (CI re-run on an unchanged repository would prove nothing new, and costs
// ~10 s a worker). npm talks to the real registry, as a fresh CI machine does.
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cloud/build.js";
import { git, gitText } from "../../src/git/git.js";
import { probeOf, statusCounts } from "../../src/health/probe.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { repoNameFor } from "../../src/manifest/names.js";
import { checkWorker } from "../helpers/check-worker.js";
import { boundedMap } from "../../src/concurrency/bounded.js";
import { directoriesTsCorpus } from "../corpus/directories-ts.js";
import { corpusRepo } from "../corpus/repo.js";
import { routerPlatformCorpus } from "../corpus/router-platform.js";
import { turborepoCorpus } from "../corpus/turborepo.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

// The project's Node first, as a developer's machine would have a current one.
const ENV: Record<string, string> = { ...(process.env as Record<string, string>), PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

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

async function manifestOf(dir: string): Promise<Manifest> {
  return parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
}

async function fleet(dir: string, ...args: string[]): Promise<void> {
  const result = await runFleet([...args, "--cwd", dir], IDENTITY);
  expect(result.code, `fleet ${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
}

/** A plain clone of the worker's repository in the local forge. */
async function cloneOf(dir: string, manifest: Manifest, id: string): Promise<string> {
  const repo = repoNameFor(manifest, id);
  const clone = join(await tempDir("fleet-ci-clone-"), repo);
  await git(["clone", "-q", join(dir, ".fleet", "forge", manifest.org, `${repo}.git`), clone], { cwd: dir });
  return clone;
}

/** The one wrangler config the repository deploys with (wrangler.jsonc, or the config worker's own). */
async function configOf(clone: string): Promise<string> {
  const configs = (await readdir(clone)).filter((f) => /^wrangler.*\.(jsonc?|toml)$/.test(f));
  expect(configs, clone).toHaveLength(1);
  return configs[0]!;
}

/**
 * What the repository's CI runs, in a plain clone — npm ci, npm test, a wrangler build — and
 * then its health path asked in workerd; `extra` runs more in the clone before it is removed.
 * Returns what failed ("" when nothing did), so one run reports every worker that fails.
 */
async function ciOf(dir: string, manifest: Manifest, id: string, extra?: (clone: string) => Promise<string>): Promise<string> {
  const clone = await cloneOf(dir, manifest, id);
  try {
    const config = await configOf(clone);
    for (const [command, args] of [
      ["npm", ["ci", "--no-audit", "--no-fund"]],
      ["npm", ["test"]],
      ["npx", ["--no-install", "wrangler", "deploy", "--dry-run", "--outdir", "dist", "--config", config]],
    ] as const) {
      const result = await run(command, [...args], clone, ENV);
      if (result.code !== 0) return `${id}: ${command} ${args.join(" ")} exited ${result.code}\n${result.output.slice(-3000)}`;
    }
    // before the health check: it prepares the clone for workerd (production packages only)
    const more = extra ? await extra(clone) : "";
    if (more) return more;
    const worker = manifest.workers[id]!;
    const probe = probeOf(worker);
    const check = await checkWorker(clone, { host: worker.domain ?? `${id}.workers.dev`, configFile: config, tests: false, healthPath: probe.path });
    if (check.error) return `${id}: ${check.error}`;
    const { status, body } = check.health!;
    if (!statusCounts(status, probe.statuses)) return `${id}: ${probe.path} answered ${status}, healthy is ${probe.statuses.join(" or ")}`;
    const said = (body as { status?: unknown } | null)?.status;
    if (probe.body === "ok" && said !== "ok" && said !== "healthy") return `${id}: ${probe.path} answered ${JSON.stringify(body)}`;
    return "";
  } finally {
    // ~500 MB of node_modules per clone: gone before the next one
    await rm(dirname(clone), { recursive: true, force: true });
  }
}

/** Every worker's CI, two at a time; the failures, all of them. */
async function everyCi(dir: string, ids: string[], extra?: (id: string, clone: string) => Promise<string>): Promise<string[]> {
  const manifest = await manifestOf(dir);
  const failures = await boundedMap(ids, 2, (id) => ciOf(dir, manifest, id, extra && ((clone) => extra(id, clone))));
  return failures.filter(Boolean);
}

async function editJson(path: string, change: (value: Record<string, any>) => void): Promise<void> {
  const value = JSON.parse(await readFile(path, "utf8"));
  change(value);
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The workers whose repository's main the last step moved. */
async function movedBy(dir: string, ids: string[], step: () => Promise<void>): Promise<string[]> {
  const manifest = await manifestOf(dir);
  const tip = (id: string) => gitText(["rev-parse", "main"], { cwd: join(dir, ".fleet", "forge", manifest.org, `${repoNameFor(manifest, id)}.git`) });
  const before = new Map(await Promise.all(ids.map(async (id) => [id, await tip(id)] as const)));
  await step();
  const moved: string[] = [];
  for (const id of ids) if ((await tip(id)) !== before.get(id)) moved.push(id);
  return moved;
}

/** One worker of each shape (the first of each), in corpus order. */
function oneOfEach<T extends { id: string }>(workers: T[], shape: (w: T) => string): T[] {
  const seen = new Set<string>();
  return workers.filter((w) => !seen.has(shape(w)) && seen.add(shape(w)));
}

/** In the clone: the monorepo's new dependency and fleet's test setup, both in package.json and the lockfile. */
function keptBothSides(name: string, range: string) {
  return async (id: string, clone: string): Promise<string> => {
    const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
    const lock = JSON.parse(await readFile(join(clone, "package-lock.json"), "utf8"));
    if (pkg.dependencies?.[name] !== range) return `${id}: package.json lost the monorepo's ${name} ${range}: ${JSON.stringify(pkg.dependencies)}`;
    if (pkg.scripts?.test !== "vitest run" || !pkg.devDependencies?.["@cloudflare/vitest-plugin"])
      return `${id}: package.json lost fleet's test setup: ${JSON.stringify(pkg)}`;
    if (!lock.packages?.[`node_modules/${name}`]) return `${id}: package-lock.json has no ${name}`;
    return "";
  };
}

describe("every worker repository of the corpus passes its own CI", () => {
  it("directories monorepo of TypeScript workers (with and without a /health route): as created, and after a sync that changed one worker of each shape's package.json", async () => {
    const corpus = directoriesTsCorpus();
    const dir = await initialised(corpus.files, "acme");
    const ids = corpus.workers.map((w) => w.id);
    expect(corpus.workers.some((w) => !w.routesHealth) && corpus.workers.some((w) => !w.domain)).toBe(true);
    await fleet(dir, "create", "--all");
    await fleet(dir, "sync", "--all");
    expect(await everyCi(dir, ids)).toEqual([]);

    // the monorepo changes the own package.json of one worker of each shape (routed or not, with
    // or without /health, with or without D1); the next sync keeps both sides' changes
    const changed = oneOfEach(corpus.workers, (w) => `${Boolean(w.domain)} ${w.routesHealth} ${w.bindings.includes("DB")}`);
    expect(changed.length).toBeGreaterThanOrEqual(6);
    for (const w of changed) await editJson(join(dir, w.dir, "package.json"), (pkg) => (pkg.dependencies = { ...pkg.dependencies, nanoid: "^5.1.0" }));
    await git(["commit", "-qam", "nanoid for one worker of each shape"], { cwd: dir, env: IDENTITY });
    const moved = await movedBy(dir, ids, () => fleet(dir, "sync", "--all"));
    expect(moved).toEqual(changed.map((w) => w.id));
    expect(await everyCi(dir, moved, keptBothSides("nanoid", "^5.1.0"))).toEqual([]);
  });

  it("turborepo: workers depending on unpublished workspace packages and catalog versions install, typecheck, build and test on their own, as created and after a sync that changed two apps' package.json", async () => {
    const corpus = turborepoCorpus();
    const dir = await initialised(corpus.files, "acme");
    const ids = corpus.workers.map((w) => w.id);
    await fleet(dir, "create", "--all");
    await fleet(dir, "sync", "--all");
    const typechecks = async (id: string, clone: string): Promise<string> => {
      const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
      expect(pkg.dependencies, id).toMatchObject({ "@repo/mcp-common": "file:packages/mcp-common", agents: "0.2.35", "@modelcontextprotocol/sdk": "1.23.0" });
      expect(pkg.devDependencies, id).toMatchObject({ "@repo/typescript-config": "file:packages/typescript-config", typescript: "^5.5.4" });
      // its tsconfig extends the carried @repo/typescript-config, resolved through node_modules
      const tsc = await run("npx", ["--no-install", "tsc", "--noEmit", "-p", "."], clone, ENV);
      return tsc.code === 0 ? "" : `${id}: tsc\n${tsc.output.slice(-3000)}`;
    };
    expect(await everyCi(dir, ids, typechecks)).toEqual([]);

    // the apps share one shape: two of them get a new dependency
    const changed = corpus.workers.slice(0, 2);
    for (const w of changed) await editJson(join(dir, w.dir, "package.json"), (pkg) => (pkg.dependencies = { ...pkg.dependencies, nanoid: "^5.1.0" }));
    await git(["commit", "-qam", "two apps: nanoid"], { cwd: dir, env: IDENTITY });
    const moved = await movedBy(dir, ids, () => fleet(dir, "sync", "--all"));
    expect(moved).toEqual(changed.map((w) => w.id));
    const both = keptBothSides("nanoid", "^5.1.0");
    expect(await everyCi(dir, moved, async (id, clone) => (await both(id, clone)) || (await typechecks(id, clone)))).toEqual([]);
  });

  it("platform router: every handler worker, those the router wraps with its own context, and the config worker, as created and after a sync that changed the root package.json and the carried context", async () => {
    const dir = await initialised(routerPlatformCorpus(), "chittyos");
    const manifest = await manifestOf(dir);
    const ids = Object.keys(manifest.workers).filter((id) => !manifest.workers[id]!.external);
    expect(ids).toEqual(expect.arrayContaining(["ai-gateway", "beacon", "evidence", "langchain"]));
    await fleet(dir, "create", "--all");
    await fleet(dir, "sync", "--all");
    expect(await everyCi(dir, ids)).toEqual([]);

    // the monorepo moves zod (langchain's dependency, written into its package.json) and edits
    // the lib module the router's context wrapper uses (carried into the wrapped workers)
    await editJson(join(dir, "package.json"), (pkg) => (pkg.dependencies.zod = "^3.24.0"));
    const cache = join(dir, "src/lib/kv-cache.js");
    await writeFile(
      cache,
      (await readFile(cache, "utf8")).replace("get: async (key) => kv?.get(key),", "get: async (key) => (key ? kv?.get(key) : undefined),"),
    );
    await git(["commit", "-qam", "zod ^3.24.0; the cache ignores empty keys"], { cwd: dir, env: IDENTITY });
    // every worker that sync changed: langchain (zod) and the workers carrying the router's context
    const moved = await movedBy(dir, ids, () => fleet(dir, "sync", "--all"));
    const wrapped = ids.filter((id) => manifest.workers[id]!.source?.style === "context");
    expect(moved).toEqual(expect.arrayContaining(["langchain", ...wrapped]));
    const langchain = keptBothSides("zod", "^3.24.0");
    expect(await everyCi(dir, moved, async (id, clone) => (id === "langchain" ? langchain(id, clone) : ""))).toEqual([]);
  });
});
