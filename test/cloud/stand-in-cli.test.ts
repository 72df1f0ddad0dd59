// The Cloudflare stand-in on its own, as README tells people trying fleet without an account to
// run it: under Node's type stripping, it prints the environment, answers the API (requests
// checked against Cloudflare's OpenAPI description) and its edge.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";

const STAND_IN = fileURLToPath(new URL("./cloudflare-stand-in.ts", import.meta.url));

describe("node test/cloud/cloudflare-stand-in.ts", () => {
  it("prints the environment, then answers the API and the edge", async () => {
    // --resources: what a wrangler config binds is on the account (fleet checks it before a deploy)
    const config = join(await tempDir("fleet-stand-in-cli-"), "wrangler.toml");
    await writeFile(config, '[[kv_namespaces]]\nbinding = "PROJECTS"\nid = "0f2ac74b498b48028cb68387c421e279"\n');
    const child = spawn(process.execPath, [STAND_IN, "--port", "0", "--script", "chittyos-id-worker", "--resources", config], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const env: Record<string, string> = {};
      const lines = createInterface({ input: child.stdout! });
      for await (const line of lines) {
        const [name, ...value] = line.split("=");
        env[name!] = value.join("=");
        if (Object.keys(env).length === 4) break;
      }
      expect(Object.keys(env).sort()).toEqual(["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_BASE_URL", "CLOUDFLARE_API_TOKEN", "FLEET_EDGE_URL"]);
      const auth = { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` };
      const zones = (await (await fetch(`${env.CLOUDFLARE_API_BASE_URL}/zones?page=1&per_page=50`, { headers: auth })).json()) as {
        success: boolean;
        result: { name: string }[];
      };
      expect(zones).toMatchObject({ success: true, result: [{ name: "chitty.cc" }] });
      // a request Cloudflare's description does not allow is refused
      const bogus = await fetch(`${env.CLOUDFLARE_API_BASE_URL}/zones?bogus=1`, { headers: auth });
      expect(bogus.status).toBe(400);
      // the script given with --script is on the account
      const deployments = (await (
        await fetch(`${env.CLOUDFLARE_API_BASE_URL}/accounts/${env.CLOUDFLARE_ACCOUNT_ID}/workers/scripts/chittyos-id-worker/deployments`, { headers: auth })
      ).json()) as { result: { deployments: unknown[] } };
      expect(deployments.result.deployments).toHaveLength(1);
      const namespaces = (await (
        await fetch(`${env.CLOUDFLARE_API_BASE_URL}/accounts/${env.CLOUDFLARE_ACCOUNT_ID}/storage/kv/namespaces?page=1&per_page=50`, { headers: auth })
      ).json()) as { result: { id: string }[] };
      expect(namespaces.result.map((n) => n.id)).toEqual(["0f2ac74b498b48028cb68387c421e279"]);
      // the edge: nobody holds this hostname
      expect((await fetch(`${env.FLEET_EDGE_URL}/health`, { headers: { "x-forwarded-host": "nobody.chitty.cc" } })).status).toBe(530);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }, 60_000);
});
