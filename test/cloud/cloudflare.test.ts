// The Cloudflare provider: wrangler's commands as data, and real wrangler against a local
// stand-in of the Cloudflare API (named as such: it is not Cloudflare).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloudflareCredentials } from "../../src/cloud/cloudflare/credentials.js";
import { CloudflareApi } from "../../src/cloud/cloudflare/api.js";
import { ScriptReads } from "../../src/cloud/cloudflare/script-reads.js";
import { Wrangler } from "../../src/cloud/cloudflare/wrangler.js";
import { wranglerCommands } from "../../src/cloud/cloudflare/wrangler-commands.js";
import { tempDir } from "../helpers/tmp.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const TOKEN = "cf-test-token-7d6c5b4a3928";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const credentials = { apiToken: TOKEN, accountId: ACCOUNT };

describe("wrangler commands, as data", () => {
  const target = { config: "wrangler.jsonc", environment: "production" };
  it("deploy, rollback and secret bulk, with the token only in the environment", () => {
    const commands = [
      wranglerCommands.deploy(credentials, target, "/o/out.ndjson", "/o/logs", { tag: "0123abcd", message: "0123abcd add beacon" }),
      wranglerCommands.rollback(credentials, target, "v-1", "health check failed", "/o/logs"),
      wranglerCommands.secretBulk(credentials, target, "/o/logs"),
    ];
    expect(commands.map((c) => c.args)).toEqual([
      ["deploy", "--config", "wrangler.jsonc", "--env", "production", "--tag", "0123abcd", "--message", "0123abcd add beacon"],
      ["rollback", "v-1", "--config", "wrangler.jsonc", "--env", "production", "--message", "health check failed", "--yes"],
      ["secret", "bulk", "--config", "wrangler.jsonc", "--env", "production"],
    ]);
    for (const c of commands) {
      expect(c.args.join(" ")).not.toContain(TOKEN);
      expect(c.env).toMatchObject({ CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, WRANGLER_SEND_METRICS: "false" });
    }
    expect(commands[0]!.env.WRANGLER_OUTPUT_FILE_PATH).toBe("/o/out.ndjson");
    expect(wranglerCommands.dryRun({ config: "wrangler.toml" }, "dist")).toEqual({
      args: ["deploy", "--dry-run", "--outdir", "dist", "--config", "wrangler.toml"],
      env: { WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
    });
  });

  it("names what is missing when the credentials are not set", () => {
    expect(() => cloudflareCredentials({ CLOUDFLARE_ACCOUNT_ID: ACCOUNT })).toThrow(/CLOUDFLARE_API_TOKEN is not set/);
    expect(() => cloudflareCredentials({})).toThrow(/CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set/);
  });
});

describe("real wrangler against a stand-in of the Cloudflare API", () => {
  let api: CloudflareStandIn;
  let worker: string;
  beforeAll(async () => {
    api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
    worker = await tempDir("fleet-cf-worker-");
    await mkdir(join(worker, "src"));
    await writeFile(join(worker, "src", "index.js"), `export default { fetch() { return Response.json({ status: "ok" }); } };\n`);
    await writeFile(
      join(worker, "wrangler.jsonc"),
      JSON.stringify({
        name: "chittyos-beacon-worker",
        main: "src/index.js",
        compatibility_date: "2025-09-01",
        env: {
          production: { name: "chittyos-beacon-worker", routes: [{ pattern: "beacon.chitty.cc", custom_domain: true }], vars: { ENVIRONMENT: "production" } },
        },
      }),
    );
  });
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("deploys twice, lists versions and deployments, rolls back to the first, and uploads secrets from stdin", async () => {
    const cloud = new Wrangler({ ...credentials, apiBaseUrl: api.baseUrl });
    const target = { config: "wrangler.jsonc", environment: "production" };
    const first = await cloud.deploy(worker, target);
    const second = await cloud.deploy(worker, target);
    expect(first).toMatchObject({ script: "chittyos-beacon-worker", targets: ["beacon.chitty.cc (custom domain)"] });
    expect(second.versionId).not.toBe(first.versionId);
    const script = api.scripts.get("chittyos-beacon-worker")!;
    expect(script.versions.map((v) => v.id)).toEqual([first.versionId, second.versionId]);
    expect(script.domains).toEqual(["beacon.chitty.cc"]);
    expect(script.versions[1]!.metadata).toMatchObject({
      main_module: "index.js",
      bindings: [{ name: "ENVIRONMENT", type: "plain_text", text: "production" }],
    });

    // fleet reads what wrangler changed through the API
    const reads = new ScriptReads(new CloudflareApi({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl }), ACCOUNT);
    expect((await reads.versions("chittyos-beacon-worker")).map((v) => v.id)).toEqual([first.versionId, second.versionId]);
    await cloud.rollback({ name: "chittyos-beacon-worker" }, first.versionId, "health check failed");
    const deployments = await reads.deployments("chittyos-beacon-worker");
    expect(deployments[0]).toMatchObject({ versions: [{ versionId: first.versionId, percentage: 100 }], message: "health check failed" });

    await cloud.putSecrets({ name: "chittyos-beacon-worker" }, { JWT_SECRET: "jwt-value", OTHER: "other-value" });
    expect([...script.secrets].sort()).toEqual(["JWT_SECRET", "OTHER"]);
    expect(await reads.secretNames("chittyos-beacon-worker")).toEqual(["JWT_SECRET", "OTHER"]);
    expect(api.requests.every((r) => r.authorized)).toBe(true);
    expect(api.requests.some((r) => r.path === `/accounts/${ACCOUNT}/workers/scripts/chittyos-beacon-worker/secrets-bulk` && r.method === "PATCH")).toBe(true);
  }, 120_000);

  it("a refused token is an error that does not repeat the token", async () => {
    const cloud = new Wrangler({ apiToken: "cf-wrong-token-11223344", accountId: ACCOUNT, apiBaseUrl: api.baseUrl });
    const error = await cloud.deploy(worker, { config: "wrangler.jsonc", environment: "production" }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/wrangler deploy .*failed/);
    expect((error as Error).message).not.toContain("cf-wrong-token-11223344");
  }, 60_000);
});
