// Workers that need files from outside their folder: what they import from the root app's
// src/lib, and what their wrangler config names (a container's Dockerfile and build context, the
// assets folder, D1 migrations, the tsconfig they extend), are carried with their history at the
// same paths, so the repository builds; the plan states it as git filter-repo arguments, which
// give the same history. A worker importing a generated module git ignores is refused by create
// and sync (exit 2, nothing written), the file named.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle, configFileIn, prepareCheckout } from "../../src/cloud/build.js";
import { git, gitText } from "../../src/git/git.js";
import type { SplitFilter } from "../../src/history/path-filter.js";
import { parseManifest } from "../../src/manifest/load.js";
import { repoNameFor } from "../../src/manifest/names.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { NO_SECRETS } from "../lifecycle/fixture.js";
import { writeFiles } from "../helpers/fixture.js";
import { checkWorker } from "../helpers/check-worker.js";
import { filterRepoTip } from "../helpers/oracle.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { outsideFolderCorpus } from "./outside-folder.js";
import { corpusRepo } from "./repo.js";

interface Planned {
  id: string;
  filter: SplitFilter;
  filterRepo: string;
  paths: string[];
  carried: { path: string; for: string }[];
  uncarriable: { path: string; for: string; reason: string }[];
}

const IDENTITY = { GIT_AUTHOR_NAME: "Corpus", GIT_AUTHOR_EMAIL: "corpus@example.com", GIT_COMMITTER_NAME: "Corpus", GIT_COMMITTER_EMAIL: "corpus@example.com" };

describe("workers that import and name files outside their folder", () => {
  const corpus = outsideFolderCorpus();
  let dir: string;
  let plan: Map<string, Planned>;
  let manifest: Manifest;
  const bare = (id: string) => join(dir, ".fleet", "forge", manifest.org, `${repoNameFor(manifest, id)}.git`);

  beforeAll(async () => {
    dir = await corpusRepo(corpus.files, "fleet-outside-");
    for (const { message, files, date } of corpus.history) {
      await writeFiles(dir, files);
      await git(["add", "-A"], { cwd: dir });
      await git(["commit", "-q", "-m", message], { cwd: dir, env: { ...IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    }
    // the build's output is in the work tree, as after a build, and git ignores it
    await writeFiles(dir, { [corpus.generated]: "export const routes = [];\n" });
    const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(init.code, init.stderr).toBe(0);
    manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    const planned = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(planned.code, planned.stderr).toBe(0);
    plan = new Map((JSON.parse(planned.stdout) as { workers: Planned[] }).workers.map((w) => [w.id, w]));
  });

  it("plans each worker's split with what it needs from outside its folder, at the same paths", () => {
    expect(plan.get("vault")!.filterRepo).toBe(
      "--path workers/vault/ --path db/vault-migrations/ --path src/lib/bytes.ts --path src/lib/encryption.ts --path tsconfig.base.json",
    );
    expect(plan.get("vault")!.carried.find((c) => c.path === "src/lib/encryption.ts")?.for).toBe("imported by workers/vault/index.ts");
    expect(plan.get("builder")!.filterRepo).toBe("--path workers/builder/ --path public/ --path workers/builder-container/");
    expect(plan.get("builder")!.carried.map((c) => c.for)).toEqual(["assets.directory", "containers[0].image_build_context"]);
    expect(plan.get("vault")!.uncarriable).toEqual([]);
    expect(plan.get("reports")!.uncarriable).toEqual([
      { path: corpus.generated, for: "imported by workers/reports/index.ts (../../src/generated/routes.ts)", reason: expect.stringContaining("not in git") },
    ]);
  });

  it("fleet plan says which files cannot be carried, per worker", async () => {
    const text = await runFleet(["plan", "--cwd", dir]);
    expect(text.stdout).toContain(`reports: ${corpus.generated} (imported by workers/reports/index.ts (../../src/generated/routes.ts)): not in git`);
    expect(text.stdout).toContain("vault: src/lib/encryption.ts (imported by workers/vault/index.ts)");
  });

  it("create refuses a fleet with a worker that needs what cannot be carried: exit 2, the file named, nothing written", async () => {
    const refused = await runFleet(["create", "--all", "--cwd", dir], NO_SECRETS);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`reports: ${corpus.generated}`);
    expect(refused.stderr).toContain("fleet create builder vault");
    expect(existsSync(join(dir, ".fleet", "forge"))).toBe(false);
    const sync = await runFleet(["sync", "reports", "--cwd", dir], NO_SECRETS);
    expect(sync.code, sync.stdout + sync.stderr).toBe(2);
    expect(sync.stderr).toContain(`reports: ${corpus.generated}`);
  });

  it("creates and syncs the others with the carried files at the same paths, with their history, and the split is what git filter-repo gives", async () => {
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, "vault", "builder", "--cwd", dir], NO_SECRETS);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    const files = (await gitText(["ls-tree", "-r", "--name-only", "main"], { cwd: bare("vault") })).split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "workers/vault/index.ts",
        "workers/vault/test/seal.test.ts",
        "src/lib/encryption.ts",
        "src/lib/bytes.ts",
        "tsconfig.base.json",
        "db/vault-migrations/0001_init.sql",
      ]),
    );
    expect(files).not.toContain("src/lib/unused.ts");
    expect(files).not.toContain("src/index.ts");
    const log = (path: string) => gitText(["log", "--format=%s", "main", "--", path], { cwd: bare("vault") });
    expect((await log("src/lib/encryption.ts")).split("\n")).toEqual(["encryption: hex-encode what is sealed", "The monorepo as found"]);
    expect((await log("src/lib/bytes.ts")).split("\n")).toEqual(["bytes: uppercase hex is not wanted", "The monorepo as found"]);
    expect(await gitText(["log", "--format=%s", "main"], { cwd: bare("vault") })).not.toContain("app: log once more");
    const builderLog = await gitText(["log", "--format=%s", "main", "--", "workers/builder-container/server.mjs"], { cwd: bare("builder") });
    expect(builderLog.split("\n")).toEqual(["builder-container: answer on 8080", "The monorepo as found"]);
    for (const id of ["vault", "builder"]) {
      const split = await gitText(["rev-parse", `refs/fleet/split/${id}`], { cwd: dir });
      expect(split, id).toBe(await filterRepoTip(dir, "main", plan.get(id)!.filter));
    }
  });

  it("each repository stands on its own: wrangler builds it, the vault answers /health in workerd and its tests pass", async () => {
    const cloned = async (id: string) => {
      const clone = join(await tempDir(`fleet-outside-${id}-`), "clone");
      await git(["clone", "-q", bare(id), clone], { cwd: dir });
      return clone;
    };
    // the deploy finds the config where the repository's package.json deploys it from
    const vault = await cloned("vault");
    expect(configFileIn(vault)).toBe("workers/vault/wrangler.jsonc");
    const check = await checkWorker(vault, { host: "vault.acme.dev", configFile: "workers/vault/wrangler.jsonc", tests: true });
    expect(check, JSON.stringify(check)).toMatchObject({ built: true, health: { status: 200, body: { status: "ok" } }, tests: { passed: true } });
    expect(check.tests!.output).toContain("workers/vault/test/seal.test.ts");
    // wrangler's config check finds the container's Dockerfile, and the assets folder is there
    const builder = await cloned("builder");
    expect(configFileIn(builder)).toBe("workers/builder/wrangler.jsonc");
    await prepareCheckout(builder);
    const bundle = await buildBundle(builder, "workers/builder/wrangler.jsonc");
    expect(bundle.modules.map((m) => m.name)).toContain("index.js");
  });

  it("a repository made with the worker's folder at its root is not turned into the monorepo's layout by a sync: refused, with the way forward", async () => {
    const repo = await corpusRepo(
      {
        "package.json": JSON.stringify({ name: "@acme/app", private: true }),
        "src/lib/encryption.ts": corpus.files["src/lib/encryption.ts"]!,
        "src/lib/bytes.ts": corpus.files["src/lib/bytes.ts"]!,
        "workers/notes/wrangler.jsonc": JSON.stringify({ name: "acme-notes", main: "index.ts", compatibility_date: "2025-09-01" }),
        "workers/notes/index.ts": "export default { fetch: () => new Response('notes') };\n",
      },
      "fleet-outside-later-",
    );
    expect((await runFleet(["init", "--cwd", repo, "--org", "acme"])).code).toBe(0);
    for (const command of ["create", "sync"]) expect((await runFleet([command, "notes", "--cwd", repo], NO_SECRETS)).code).toBe(0);
    const notes = join(repo, ".fleet", "forge", "acme", `${repoNameFor(manifest, "notes")}.git`);
    const before = await gitText(["rev-parse", "main"], { cwd: notes });
    // later the worker imports the app's code: its split keeps the monorepo's paths from now on
    await writeFiles(repo, {
      "workers/notes/index.ts": `import { seal } from "../../src/lib/encryption.ts";\nexport default { fetch: () => new Response(seal("n")) };\n`,
    });
    await git(["commit", "-q", "-am", "notes: seal"], {
      cwd: repo,
      env: { ...IDENTITY, GIT_AUTHOR_DATE: "1767657600 +0000", GIT_COMMITTER_DATE: "1767657600 +0000" },
    });
    const sync = await runFleet(["sync", "notes", "--cwd", repo], NO_SECRETS);
    expect(sync.code, sync.stdout + sync.stderr).toBe(1);
    expect(sync.stdout + sync.stderr).toContain("its repository holds the worker's folder at its root");
    expect(await gitText(["rev-parse", "main"], { cwd: notes })).toBe(before);
  });
});
