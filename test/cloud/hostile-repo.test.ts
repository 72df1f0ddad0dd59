// A worker repository is its team's code, and fleet deploys it with the platform team's tokens.
// Here the repositories are hostile: a custom build step that writes its whole environment to a
// file, and entries that take in files from outside their checkout (an absolute path, `../` past
// the root, a symlink). Deployed by fleet's deploy loop to both clouds (workerd, and wrangler
// against the Cloudflare API stand-in) while this process holds every token fleet reads and a
// runtime secret's value: the build still runs and the worker deploys, but the build never sees
// a token, the upload runs nothing of the repository's, and a bundle that took in an outside
// file is refused by name with nothing uploaded and its dependants skipped.
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "../../src/cloud/cloud.js";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { deployInOrder, type DeployOptions, type DeployTarget } from "../../src/cloud/deploy.js";
import { LocalCloud } from "../../src/cloud/local-cloud.js";
import { forms } from "../helpers/leaks.js";
import { tempDir } from "../helpers/tmp.js";
import { commitAll, writeFiles } from "../helpers/worker-files.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const TOKEN = "cf-hostile-token-5b4a39281706";
const ACCOUNT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
/** Every variable fleet reads a credential or a secret's value from, as the operator would have them. */
const CREDENTIALS: Record<string, string> = {
  CLOUDFLARE_API_TOKEN: TOKEN,
  CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
  GH_TOKEN: "ghp_hostileForgeToken0a9b8c7d6e5f4a3b2c",
  GITHUB_TOKEN: "ghp_hostileGithubToken1b2c3d4e5f6a7b8c9d",
  FLEET_GH_TOKEN: "ghp_hostileFleetToken2c3d4e5f6a7b8c9d0e",
  FLEET_REGISTRY_TOKEN: "registry-hostile-token-77665544",
  JWT_SECRET: "jwt-hostile-runtime-secret-27182818",
};
const options: DeployOptions = { environment: "production", health: { timeoutMs: 5000, retries: 0, backoffMs: 10 } };

/** A worker repository, not yet committed: an entry answering /health, a config (extra keys merged in), other files. */
async function repo(root: string, script: string, config: Record<string, unknown>, files: Record<string, string> = {}, entry?: string): Promise<string> {
  const health = `export default { fetch() { return Response.json({ status: "ok" }); } };\n`;
  const production = { name: script, routes: [{ pattern: `${script}.example.test`, custom_domain: true }] };
  const wrangler = JSON.stringify({ name: script, main: "src/index.js", compatibility_date: "2025-09-01", env: { production }, ...config });
  return writeFiles(join(root, script), { "src/index.js": entry ?? health, ...files, "wrangler.jsonc": wrangler });
}

const commit = (dir: string) => commitAll(dir, "hostile");

const target = (script: string, repository: string, dependsOn: string[] = []): DeployTarget => ({ id: script, script, repository, branch: "main", dependsOn });

describe.each(["local", "cloudflare"] as const)("a hostile worker repository deployed to the %s cloud", (kind) => {
  let root: string;
  let api: CloudflareStandIn | undefined;
  let cloud: Cloud;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    root = await tempDir(`fleet-hostile-${kind}-`);
    for (const [name, value] of Object.entries(CREDENTIALS)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
    if (kind === "local") cloud = LocalCloud.at(join(root, "monorepo"));
    else {
      api = await new CloudflareStandIn(ACCOUNT, TOKEN).start();
      cloud = new CloudflareCloud({ apiToken: TOKEN, accountId: ACCOUNT, apiBaseUrl: api.baseUrl, edgeUrl: api.origin }, join(root, ".fleet", "cloudflare"));
    }
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await cloud.dispose();
    await api?.stop();
    if (api) expect(api.violations).toEqual([]);
  });

  const uploads = (script: string) => (kind === "cloudflare" ? (api!.scripts.get(script)?.versions.length ?? 0) : undefined);

  it("runs the team's custom build without any token of fleet's, and deploys what it built", async () => {
    const dump = join(root, "build-env.txt");
    // the build step writes its environment, and a marker each time it runs
    const command = `sh -c 'env >> ${dump}; echo ===fleet-build-ran=== >> ${dump}'`;
    const dir = await commit(await repo(root, "beacon", { build: { command } }));
    const [outcome] = await deployInOrder(cloud, [target("beacon", dir)], options);
    expect(outcome, outcome!.detail).toMatchObject({ status: "deployed" });
    const written = await readFile(dump, "utf8");
    // it ran once, in the build: the upload ran nothing of the repository's
    expect(written.split("===fleet-build-ran===").length - 1).toBe(1);
    const names = written.split("\n").map((line) => line.split("=")[0]!);
    expect(names.filter((name) => name in CREDENTIALS)).toEqual([]);
    expect(
      Object.values(CREDENTIALS)
        .flatMap(forms)
        .filter((value) => written.includes(value)),
    ).toEqual([]);
    // what the build had is what fleet chose: a PATH to find its tools, HOME a scratch folder
    expect(names).toContain("PATH");
    expect(/^HOME=(.*)$/m.exec(written)?.[1]).toMatch(/fleet-home-/);
    if (kind === "cloudflare") expect(uploads("beacon")).toBe(1);
  }, 120_000);

  it("refuses a bundle that took in a file from outside its checkout, naming it: nothing goes up, its dependants are skipped", async () => {
    const outside = join(root, "operator-home");
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, ".npmrc"), "//registry.npmjs.org/:_authToken=npm_operatorSecret\n");
    await writeFile(join(outside, "helper.js"), "export const leaked = 1;\n");
    const text = { rules: [{ type: "Text", globs: ["**/*.npmrc", "**/*.txt"] }] };
    const absolute = await commit(
      await repo(
        root,
        "absolute",
        text,
        {},
        `import key from ${JSON.stringify(join(outside, ".npmrc"))};\nexport default { fetch() { return new Response(key); } };\n`,
      ),
    );
    // enough `../` to reach the root from wherever the checkout is built, then down to the file
    const up = `${"../".repeat(40)}${outside.slice(1)}/helper.js`;
    const beyondEntry = `import { leaked } from ${JSON.stringify(up)};\nexport default { fetch() { return new Response(String(leaked)); } };\n`;
    const beyond = await commit(await repo(root, "beyond", {}, {}, beyondEntry));
    const linked = await repo(root, "linked", text, {}, `import key from "./key.txt";\nexport default { fetch() { return new Response(key); } };\n`);
    await symlink(join(outside, ".npmrc"), join(linked, "src", "key.txt"));
    await commit(linked);
    const healthy = await commit(
      await repo(
        root,
        "healthy",
        text,
        { "src/page.txt": "a page of its own" },
        `import page from "./page.txt";\nexport default { fetch() { return Response.json({ status: "ok", page }); } };\n`,
      ),
    );
    // a worker that bundles nothing: wrangler uploads what its rules find beside the entry, following symlinks
    const found = await repo(root, "found", { main: "src/index.js", no_bundle: true, find_additional_modules: true });
    await symlink(join(outside, ".npmrc"), join(found, "src", "notes.txt"));
    await commit(found);
    const dependant = await commit(await repo(root, "dependant", {}));
    const targets = [
      target("absolute", absolute),
      target("beyond", beyond),
      target("linked", linked),
      target("found", found),
      target("dependant", dependant, ["linked"]),
      target("healthy", healthy),
    ];
    const outcomes = await deployInOrder(cloud, targets, options);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const named = (id: string, file: string) => {
      expect(byId.get(id)).toMatchObject({ status: "failed", detail: expect.stringContaining("outside its checkout") });
      expect(byId.get(id)!.detail).toContain(file);
    };
    named("absolute", join(outside, ".npmrc"));
    named("beyond", join(outside, "helper.js"));
    named("linked", join(outside, ".npmrc"));
    named("found", join(outside, ".npmrc"));
    expect(byId.get("dependant")).toMatchObject({ status: "skipped", detail: "dependency linked was not deployed healthy" });
    // a file of its own, through the same module rule, is the worker's to bundle
    expect(byId.get("healthy"), byId.get("healthy")!.detail).toMatchObject({ status: "deployed" });
    for (const script of ["absolute", "beyond", "linked", "found", "dependant"]) {
      expect(await cloud.live(script)).toBeUndefined();
      if (kind === "cloudflare") expect(uploads(script)).toBe(0);
    }
  }, 180_000);
});
