// Slow suite: the cutover moves a Durable Object's data where the platform declares its classes in
// the declarative form (`exports`, not `migrations`), on the local cloud: the worker deploys
// awaiting the class (expecting-transfer), the platform's deploy from the cutover commit marks it
// transferred to the worker, and the counter goes on through the worker.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { parseWranglerConfig } from "../../src/discovery/wrangler-config.js";
import { generateExample } from "../../src/example/index.js";
import { fileAt } from "../../src/git/commit-files.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { NO_SECRETS } from "../lifecycle/fixture.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const WORKER = "chittyos-sync-worker";
const PLATFORM = "chittyos-platform";

describe("fleet cutover moves Durable Object data declared in exports", () => {
  let dir: string;

  const seen = async (): Promise<number | string> => {
    const cloud = LocalCloud.at(dir);
    try {
      const response = await cloud.fetch("https://sync.chitty.cc/api/sync?scope=x");
      return response.ok ? ((await response.json()) as { seen: number }).seen : `HTTP ${response.status}`;
    } finally {
      await cloud.dispose();
    }
  };

  beforeAll(async () => {
    dir = join(await tempDir("fleet-do-exports-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 40 });
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    const config = join(dir, "wrangler.toml");
    const toml = await readFile(config, "utf8");
    const migrations = `[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["SyncCoordinator"]\n`;
    expect(toml).toContain(migrations);
    await writeFile(config, toml.replace(migrations, `[exports.SyncCoordinator]\ntype = "durable-object"\nstorage = "sqlite"\n`));
    await git(["commit", "--quiet", "-am", "Platform: Durable Objects declared in exports"], { cwd: dir, env: IDENTITY });
    for (const args of [["init"], ["deploy", "--platform"]]) {
      const result = await runFleet([...args, "--cwd", dir]);
      if (result.code !== 0) throw new Error(result.stdout + result.stderr);
    }
    const secrets = join(dir, "..", "secrets.env");
    await writeFile(secrets, "CLOUDFLARE_API_TOKEN=test-token-value\nCLOUDFLARE_ACCOUNT_ID=test-account\nJWT_SECRET=test-jwt\n");
    const migrate = await runFleet(["migrate", "sync", "--secrets-file", secrets, "--cwd", dir], NO_SECRETS);
    if (migrate.code !== 0) throw new Error(migrate.stdout + migrate.stderr);
  }, 600_000);

  it("the worker awaits the class, the platform hands it over, and the counter goes on", async () => {
    expect([await seen(), await seen()]).toEqual([1, 2]);
    const cutover = await runFleet(["cutover", "sync", "--apply", "--json", "--cwd", dir], NO_SECRETS);
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0);
    expect(JSON.parse(cutover.stdout).steps[0]).toContain(`${WORKER} awaits the Durable Objects of SyncCoordinator (exports: expecting-transfer)`);
    const state = await LocalCloudStore.at(dir).state();
    expect(state.routes["sync.chitty.cc"]).toBe(WORKER);
    expect(
      Object.values(state.objects!)
        .filter((o) => o.className === "SyncCoordinator")
        .map((o) => o.script),
    ).toEqual([WORKER]);
    expect([await seen(), await seen()]).toEqual([3, 4]);
    const platform = parseWranglerConfig((await fileAt(dir, "main", "wrangler.toml"))!, "wrangler.toml").raw as { exports: unknown };
    expect(platform.exports).toEqual({ SyncCoordinator: { type: "durable-object", state: "transferred", transferred_to: WORKER } });
    const repo = join(dir, ".fleet", "forge", "chittyos", `${WORKER}.git`);
    const worker = parseWranglerConfig((await fileAt(repo, "main", "wrangler.jsonc"))!, "wrangler.jsonc").raw as { exports: unknown; migrations?: unknown };
    expect(worker.exports).toEqual({ SyncCoordinator: { type: "durable-object", state: "expecting-transfer", storage: "sqlite", transfer_from: PLATFORM } });
    expect(worker.migrations).toBeUndefined();
  }, 600_000);
});
