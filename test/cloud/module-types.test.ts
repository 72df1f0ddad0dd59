// The local cloud runs every module type wrangler builds, as Cloudflare would: a worker importing
// a Text module by wrangler's default rule (.txt) and by a rule of its config (.md), a Data module
// (.bin) and a compiled WebAssembly module (.wasm) answers with each; a worker that bundles nothing
// runs the CommonJS module its rules find beside its entry.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployInOrder, type DeployOptions } from "../../src/cloud/deploy.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { tempDir } from "../helpers/tmp.js";
import { workerFiles } from "../helpers/worker-files.js";

/** (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) */
const ADD_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61,
  0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);
const options: DeployOptions = { health: { timeoutMs: 5000, retries: 0, backoffMs: 10 } };

async function repo(root: string, name: string, config: Record<string, unknown>, files: Record<string, string | Uint8Array>): Promise<string> {
  return workerFiles(join(root, name), { ...files, "wrangler.jsonc": JSON.stringify({ name, compatibility_date: "2025-09-01", ...config }) });
}

describe("the local cloud runs each module type wrangler builds", () => {
  let root: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    root = await tempDir("fleet-module-types-");
    cloud = LocalCloud.at(join(root, "monorepo"));
  });
  afterAll(() => cloud.dispose());

  it("Text by the default rule and by the config's, Data, and CompiledWasm", async () => {
    const entry = [
      `import page from "./page.txt";`,
      `import notes from "./notes.md";`,
      `import bytes from "./blob.bin";`,
      `import add from "./add.wasm";`,
      `export default { fetch() {`,
      `  const sum = new WebAssembly.Instance(add).exports.add(2, 3);`,
      `  return Response.json({ status: "ok", page, notes, bytes: [...new Uint8Array(bytes)], sum });`,
      `} };`,
    ].join("\n");
    const dir = await repo(
      root,
      "typed",
      { main: "src/index.js", rules: [{ type: "Text", globs: ["**/*.md"], fallthrough: true }] },
      {
        "src/index.js": entry,
        "src/page.txt": "a page",
        "src/notes.md": "# notes",
        "src/blob.bin": Uint8Array.from([0, 255, 7, 128]),
        "src/add.wasm": ADD_WASM,
      },
    );
    const [outcome] = await deployInOrder(cloud, [{ id: "typed", script: "typed", repository: dir, branch: "main", dependsOn: [] }], options);
    expect(outcome, outcome!.detail).toMatchObject({ status: "deployed" });
    const answer = await (await cloud.fetch("https://typed.workers.dev/")).json();
    expect(answer).toEqual({ status: "ok", page: "a page", notes: "# notes", bytes: [0, 255, 7, 128], sum: 5 });
  }, 60_000);

  it("a worker that bundles nothing: its entry and the CommonJS module beside it", async () => {
    const dir = await repo(
      root,
      "plain",
      { main: "src/index.mjs", no_bundle: true, find_additional_modules: true, rules: [{ type: "CommonJS", globs: ["**/*.cjs"] }] },
      {
        "src/index.mjs": `import helper from "./helper.cjs";\nexport default { fetch() { return Response.json({ status: "ok", from: helper.name }); } };\n`,
        "src/helper.cjs": `module.exports = { name: "commonjs" };\n`,
      },
    );
    const [outcome] = await deployInOrder(cloud, [{ id: "plain", script: "plain", repository: dir, branch: "main", dependsOn: [] }], options);
    expect(outcome, outcome!.detail).toMatchObject({ status: "deployed" });
    expect(await (await cloud.fetch("https://plain.workers.dev/")).json()).toEqual({ status: "ok", from: "commonjs" });
  }, 60_000);
});
