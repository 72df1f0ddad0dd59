// fleet's deploy to a Cloudflare account applies a worker's pending D1 migrations with wrangler
// (`d1 migrations apply <binding> --remote`, real wrangler against the API stand-in, whose D1
// requests are checked against Cloudflare's OpenAPI description) before the new version is
// uploaded; a migration that fails stops the deploy with the live version untouched.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployInOrder, type DeployOptions, type DeployTarget } from "../../src/cloud/deploy.js";
import { git } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";
import { COMMENTS_MIGRATION } from "../corpus/d1-template.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const TOKEN = "cf-d1-token-55443322";
const ACCOUNT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const SCRIPT = "acme-comments-worker";
const DATABASE = "6f2d8c5a-1b3e-4c7d-9a0f-2e4b6d8f0a1c";

describe("fleet deploy to Cloudflare applies D1 migrations first (wrangler against the API stand-in)", () => {
  let api: CloudflareStandIn;
  let repo: string;
  let cloud: CloudflareCloud;
  let target: DeployTarget;
  const options: DeployOptions = { health: { timeoutMs: 5000, retries: 0, backoffMs: 10 } };
  const commit = async (file: string, text: string, message: string) => {
    await writeFile(join(repo, "migrations", file), text);
    await git(["add", "-A"], { cwd: repo });
    await git(["commit", "-qm", message], { cwd: repo, env: IDENTITY });
  };
  /** Where each D1 query and each script upload fell among the requests. */
  const order = () =>
    api.requests.flatMap((r, i) =>
      r.path.endsWith("/query") ? [`query ${i}`] : r.method === "PUT" && r.path.endsWith(`/scripts/${SCRIPT}`) ? [`upload ${i}`] : [],
    );

  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN, ["acme.dev"]).start();
    api.d1.create("comments-database", DATABASE);
    repo = join(await tempDir("fleet-cf-d1-"), SCRIPT);
    await mkdir(join(repo, "src"), { recursive: true });
    await mkdir(join(repo, "migrations"), { recursive: true });
    await writeFile(join(repo, "src", "index.js"), `export default { fetch() { return Response.json({ status: "ok" }); } };\n`);
    const d1 = [{ binding: "DB", database_name: "comments-database", database_id: DATABASE }];
    await writeFile(
      join(repo, "wrangler.jsonc"),
      JSON.stringify({
        name: SCRIPT,
        main: "src/index.js",
        compatibility_date: "2025-09-01",
        routes: [{ pattern: "comments.acme.dev", custom_domain: true }],
        d1_databases: d1,
      }),
    );
    await git(["init", "-q", "--initial-branch=main"], { cwd: repo });
    await commit("0001_create_comments_table.sql", COMMENTS_MIGRATION, "comments: the table");
    target = { id: "comments", script: SCRIPT, repository: repo, branch: "main", dependsOn: [] };
    cloud = new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl, edgeUrl: api.origin }, join(repo, "..", ".fleet"));
  });
  afterAll(async () => {
    await api.stop();
    // every request it received, D1's included, was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("applies the migrations on the account before the version is uploaded, recorded in d1_migrations", async () => {
    const [outcome] = await deployInOrder(cloud, [target], options);
    expect(outcome, outcome?.detail).toMatchObject({ status: "deployed" });
    expect(api.d1.rows(DATABASE, "SELECT name FROM d1_migrations ORDER BY id")).toEqual([{ name: "0001_create_comments_table.sql" }]);
    expect(api.d1.rows(DATABASE, "SELECT COUNT(*) AS n FROM comments")).toEqual([{ n: 3 }]);
    const steps = order();
    expect(steps.at(-1)).toMatch(/^upload/);
    expect(steps.filter((s) => s.startsWith("query")).length).toBeGreaterThan(0);
  }, 120_000);

  it("the next deploy applies only the new migration", async () => {
    await commit("0002_add_a_comment.sql", "INSERT INTO comments (author, content) VALUES ('Ada', 'Schema first.');\n", "comments: one more");
    const [outcome] = await deployInOrder(cloud, [target], options);
    expect(outcome, outcome?.detail).toMatchObject({ status: "deployed", version: { number: 2 } });
    expect(api.d1.rows(DATABASE, "SELECT name FROM d1_migrations ORDER BY id").map((r) => r.name)).toEqual([
      "0001_create_comments_table.sql",
      "0002_add_a_comment.sql",
    ]);
    expect(api.d1.rows(DATABASE, "SELECT COUNT(*) AS n FROM comments")).toEqual([{ n: 4 }]);
  }, 120_000);

  it("a migration that fails stops the deploy: no version is uploaded, the live one stays", async () => {
    await commit("0003_broken.sql", "ALTER TABLE no_such_table ADD COLUMN x TEXT;\n", "comments: a broken migration");
    const uploads = api.scripts.get(SCRIPT)!.versions.length;
    const [outcome] = await deployInOrder(cloud, [target], options);
    expect(outcome).toMatchObject({ status: "failed" });
    expect(outcome!.detail).toContain("d1 migrations");
    expect(api.scripts.get(SCRIPT)!.versions.length).toBe(uploads);
    expect((await cloud.live(SCRIPT))?.number).toBe(2);
    expect(api.d1.rows(DATABASE, "SELECT COUNT(*) AS n FROM d1_migrations")).toEqual([{ n: 2 }]);
  }, 120_000);
});
