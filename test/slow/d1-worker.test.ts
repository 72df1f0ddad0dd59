// A worker of the D1 template's shape (a D1 database bound as DB, migrations/ creating the table
// its routes query): the repository fleet creates passes its own generated test in a plain clone
// (the test applies the migrations first), and `fleet deploy` applies them to the local cloud's
// persisted database before the new version goes live, so the health check that queries the
// table answers healthy instead of a 500; its deploy workflow's wrangler steps, run as
// wrangler-action runs them against the Cloudflare stand-in, apply them before the upload.
import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { git } from "../../src/git/git.js";
import { parse } from "yaml";
import { packageDir, run } from "../../src/cloud/build.js";
import { checkWorker } from "../helpers/check-worker.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { d1TemplateCorpus, type D1WorkerTruth } from "../corpus/d1-template.js";
import { corpusRepo } from "../corpus/repo.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

async function fleet(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runFleet([...args, "--cwd", dir], IDENTITY);
}

describe("a D1 worker with migrations", () => {
  let dir: string;
  let worker: D1WorkerTruth;
  beforeAll(async () => {
    const corpus = d1TemplateCorpus();
    worker = corpus.worker;
    dir = await corpusRepo(corpus.files, "fleet-d1-");
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    for (const args of [
      ["init", "--org", "acme"],
      ["create", "--all"],
      ["sync", "--all"],
    ]) {
      const result = await fleet(dir, ...args);
      expect(result.code, `fleet ${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  }, 120_000);

  it("passes its generated test in a plain clone of its repository: the test applies the migrations before the worker's queries", async () => {
    const clone = join(await tempDir("fleet-d1-clone-"), "acme-comments-worker");
    await git(["clone", "-q", join(dir, ".fleet", "forge", "acme", "acme-comments-worker.git"), clone], { cwd: dir });
    const check = await checkWorker(clone, { host: worker.domain, configFile: "wrangler.jsonc", tests: true });
    expect(check.error).toBeUndefined();
    expect(check.tests?.output).not.toContain("no such table");
    expect(check.tests?.passed, check.tests?.output).toBe(true);
  }, 180_000);

  it("fleet deploy applies the migrations before its health check: the health path that queries the table answers healthy; the next deploy applies only the new one", async () => {
    const health = async () => {
      const cloud = new LocalCloud(LocalCloudStore.at(dir));
      try {
        const response = await cloud.fetch(`https://${worker.domain}/health`);
        return { status: response.status, body: (await response.json()) as unknown };
      } finally {
        await cloud.dispose();
      }
    };
    const first = await fleet(dir, "deploy", worker.id);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok", comments: 3 } });

    // a second migration in the monorepo: the next deploy applies it alone (0001 again would insert its three comments twice)
    await writeFile(join(dir, worker.dir, "migrations", "0002_add_a_comment.sql"), "INSERT INTO comments (author, content) VALUES ('Ada', 'Schema first.');\n");
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "-qm", "comments: a second migration"], { cwd: dir, env: IDENTITY });
    for (const args of [
      ["sync", worker.id],
      ["deploy", worker.id],
    ]) {
      const result = await fleet(dir, ...args);
      expect(result.code, `fleet ${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
    }
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok", comments: 4 } });
  }, 180_000);

  it("the deploy workflow's steps, run as wrangler-action runs them against the Cloudflare stand-in: the migrations reach the database before the upload", async () => {
    const clone = join(await tempDir("fleet-d1-workflow-"), "acme-comments-worker");
    await git(["clone", "-q", join(dir, ".fleet", "forge", "acme", "acme-comments-worker.git"), clone], { cwd: dir });
    const workflow = parse(await readFile(join(clone, ".github", "workflows", "deploy.yml"), "utf8")) as {
      jobs: { deploy: { steps: { name?: string; uses?: string; with?: Record<string, string> }[] } };
    };
    // wrangler-action runs `wrangler <command>` (default: deploy) and adds --env for its environment input
    const wranglerSteps = workflow.jobs.deploy.steps.filter((s) => s.uses?.startsWith("cloudflare/wrangler-action@") && !s.name?.startsWith("Roll back"));
    expect(wranglerSteps.map((s) => s.name)).toEqual(["Apply D1 migrations of DB", "Deploy"]);
    const api = await new CloudflareStandIn("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "workflow-token-123", ["acme.dev"]).start();
    try {
      api.d1.create(worker.database.name, worker.database.id);
      const wrangler = join(packageDir("wrangler"), "wrangler-dist", "cli.js");
      for (const step of wranglerSteps) {
        const args = [...(step.with?.command ?? "deploy").split(" "), "--env", "production"];
        const result = await run(process.execPath, [wrangler, ...args], clone, {
          ...(process.env as Record<string, string>),
          ...api.env,
          WRANGLER_SEND_METRICS: "false",
        });
        expect(result.code, `${step.name}: wrangler ${args.join(" ")}\n${result.output}`).toBe(0);
      }
      // every migration the repository holds (the previous test added a second one), in order, and their rows
      const files = (await readdir(join(clone, "migrations"))).sort();
      expect(api.d1.rows(worker.database.id, "SELECT name FROM d1_migrations ORDER BY id").map((r) => r.name)).toEqual(files);
      expect(api.d1.rows(worker.database.id, "SELECT COUNT(*) AS n FROM comments")).toEqual([{ n: files.length === 1 ? 3 : 4 }]);
      const lastQuery = api.requests.findLastIndex((r) => r.path.endsWith("/query"));
      const upload = api.requests.findIndex((r) => r.method === "PUT" && /\/workers\/scripts\/[^/]+$/.test(r.path));
      expect(lastQuery).toBeGreaterThan(-1);
      expect(upload).toBeGreaterThan(lastQuery);
      expect(api.violations).toEqual([]);
    } finally {
      await api.stop();
    }
  }, 180_000);
});
