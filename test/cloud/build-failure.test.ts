// A build wrangler refuses says why: wrangler's own error line and the file and position it points
// at, without colour codes, in the deploy's outcome; and wrangler's whole output kept in a log
// under .fleet/logs/ that the message names.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wranglerErrors } from "../../src/cloud/build-failure.js";
import { deployInOrder } from "../../src/cloud/deploy.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { tempDir } from "../helpers/tmp.js";
import { workerFiles } from "../helpers/worker-files.js";

async function repo(root: string, name: string, config: string, entry: string): Promise<string> {
  return workerFiles(join(root, name), { "src/index.js": entry, "wrangler.jsonc": config });
}

describe("a build wrangler refuses", () => {
  let root: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    root = await tempDir("fleet-build-failure-");
    cloud = LocalCloud.at(join(root, "monorepo"));
  });
  afterAll(() => cloud.dispose());

  it("says wrangler's error and where, keeps the whole output in .fleet/logs/, and names the file", async () => {
    const entry = `import x from "./missing.js";\nexport default { fetch() { return new Response(x); } };\n`;
    const dir = await repo(root, "broken", JSON.stringify({ name: "broken", main: "src/index.js", compatibility_date: "2025-09-01" }), entry);
    const [outcome] = await deployInOrder(cloud, [{ id: "broken", script: "broken", repository: dir, branch: "main", dependsOn: [] }], {
      health: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
    });
    expect(outcome!.status).toBe("failed");
    expect(outcome!.detail).toContain(`Could not resolve "./missing.js" (src/index.js:1:14)`);
    expect(outcome!.detail).not.toMatch(/\x1b\[|Build failed with/);
    const logs = join(root, "monorepo", ".fleet", "logs");
    const [log] = await readdir(logs);
    expect(outcome!.detail).toContain(`.fleet/logs/${log}`);
    expect(await readFile(join(logs, log!), "utf8")).toContain("Could not resolve");
  }, 60_000);

  it("reads every error of wrangler's output, each with where it points", () => {
    const output = [
      "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mBuild failed with 2 errors:\x1b[0m",
      '  ✘ [ERROR] Could not resolve "./a.js"',
      "      src/index.js:1:14:",
      '        1 │ import a from "./a.js";',
      "          ╵               ~~~~~~~~",
      '  ✘ [ERROR] Expected ";" but found "}"',
      "      src/b.js:3:2:",
    ].join("\n");
    expect(wranglerErrors(output)).toBe(`Could not resolve "./a.js" (src/index.js:1:14); Expected ";" but found "}" (src/b.js:3:2)`);
    const config = `\x1b[31m✘ [ERROR]\x1b[0m Processing wrangler.jsonc configuration:\n    - "kv_namespaces[0]" bindings should have a string "binding" field but got {"binding":1}.\n`;
    expect(wranglerErrors(config)).toBe(
      `Processing wrangler.jsonc configuration: "kv_namespaces[0]" bindings should have a string "binding" field but got {"binding":1}.`,
    );
  });
});
