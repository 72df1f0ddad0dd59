// The release flow each worker repository gets: release-please's config and manifest at the
// starting version (the manifest's, a worker's own package.json's, or 1.0.0), the release
// workflow that calls the deploy workflow with the tag, and the deploy workflow that deploys
// releases only.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

interface Workflow {
  on: Record<string, any>;
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      if?: string;
      uses?: string;
      with?: Record<string, string>;
      secrets?: string;
      needs?: string;
      outputs?: Record<string, string>;
      permissions?: Record<string, string>;
      concurrency?: { group: string };
      steps?: { id?: string; uses?: string; with?: Record<string, string>; run?: string }[];
    }
  >;
}

const DIRECTORIES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "@acme/workers", workspaces: ["workers/*"] }),
  "workers/api/wrangler.jsonc": '{ "name": "acme-api-worker", "main": "src/index.js" }\n',
  "workers/api/src/index.js": "export default { fetch: () => new Response('ok') };\n",
  "workers/api/package.json": JSON.stringify({ name: "@acme/api", version: "2.3.1" }),
  "workers/jobs/wrangler.jsonc": '{ "name": "acme-jobs-worker", "main": "src/index.js" }\n',
  "workers/jobs/src/index.js": "export default { fetch: () => new Response('ok') };\n",
};

async function initialised(files: Record<string, string>): Promise<{ dir: string; manifest: Manifest; tree: SourceTree }> {
  const dir = await fixtureRepo(files);
  const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
  expect(init.code, init.stderr).toBe(0);
  return { dir, manifest: parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8")), tree: await SourceTree.open(dir) };
}

const render = async (manifest: Manifest, tree: SourceTree, id: string) =>
  renderScaffold(await scaffoldInput(manifest, id, tree, "acme-platform"), { date: "2026-11-26" }).files;

describe("the release flow of a worker repository", () => {
  let router: Awaited<ReturnType<typeof initialised>>;
  let api: Map<string, string>;
  beforeAll(async () => {
    router = await initialised(ROUTER_FILES);
    api = await render(router.manifest, router.tree, "api");
  });

  it("has a release workflow running release-please-action with both config files, which calls the deploy workflow with the tag it made", () => {
    const release = parseYaml(api.get(".github/workflows/release.yml")!) as Workflow;
    expect(release.on).toEqual({ push: { branches: ["main"] } });
    expect(release.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const step = release.jobs["release-please"]!.steps!.find((s) => s.uses?.startsWith("googleapis/release-please-action@"))!;
    expect(step).toMatchObject({
      id: "release",
      uses: "googleapis/release-please-action@v4",
      with: { token: "${{ secrets.GITHUB_TOKEN }}", "config-file": "release-please-config.json", "manifest-file": ".release-please-manifest.json" },
    });
    expect(release.jobs["release-please"]!.outputs).toEqual({
      release_created: "${{ steps.release.outputs.release_created }}",
      tag_name: "${{ steps.release.outputs.tag_name }}",
    });
    // a tag pushed with GITHUB_TOKEN starts no workflow: the release calls the deploy itself
    expect(release.jobs.deploy).toMatchObject({
      needs: "release-please",
      if: "needs.release-please.outputs.release_created == 'true'",
      uses: "./.github/workflows/deploy.yml",
      with: { tag: "${{ needs.release-please.outputs.tag_name }}" },
      secrets: "inherit",
      permissions: { contents: "read" },
    });
  });

  it("has a deploy workflow that deploys release tags (pushed or handed over) and runs by hand, and only tests a push to main", () => {
    const deploy = parseYaml(api.get(".github/workflows/deploy.yml")!) as Workflow;
    expect(deploy.on.push).toEqual({ branches: ["main"], tags: ["v*"] });
    expect(deploy.on.workflow_call.inputs.tag).toMatchObject({ type: "string", required: true });
    expect(deploy.on.workflow_dispatch.inputs.environment.options).toEqual(["staging", "production"]);
    expect(deploy.jobs.test!.if).toBeUndefined();
    expect(deploy.jobs.deploy!.if).toBe("github.ref_type == 'tag' || github.event_name == 'workflow_dispatch' || inputs.tag != ''");
    expect(deploy.jobs.deploy!.concurrency?.group).toBe("deploy-${{ inputs.environment || 'production' }}");
    for (const job of ["test", "deploy"]) expect(deploy.jobs[job]!.steps![0]).toEqual({ uses: "actions/checkout@v6", with: { ref: "${{ inputs.tag }}" } });
  });

  it("configures release-please for one node package tagged vX.Y.Z, starting at 1.0.0 by default", () => {
    const config = JSON.parse(api.get("release-please-config.json")!);
    expect(config.packages).toEqual({
      ".": {
        "release-type": "node",
        "package-name": "@acme/api-worker",
        "changelog-path": "CHANGELOG.md",
        "include-v-in-tag": true,
        "include-component-in-tag": false,
        "bump-minor-pre-major": true,
      },
    });
    // no history given: nothing to start after
    expect(config["bootstrap-sha"]).toBeUndefined();
    expect(JSON.parse(api.get(".release-please-manifest.json")!)).toEqual({ ".": "1.0.0" });
    expect(JSON.parse(api.get("package.json")!).version).toBe("1.0.0");
    expect(api.get("CHANGELOG.md")).toContain("\n## [1.0.0] - 2026-11-26\n");
  });

  it("starts at the manifest's version: package.json, release-please's manifest and the CHANGELOG", async () => {
    const manifest = structuredClone(router.manifest);
    manifest.workers.api!.version = "0.4.0-beta.1";
    const files = await render(manifest, router.tree, "api");
    expect(JSON.parse(files.get("package.json")!).version).toBe("0.4.0-beta.1");
    expect(JSON.parse(files.get(".release-please-manifest.json")!)).toEqual({ ".": "0.4.0-beta.1" });
    expect(files.get("CHANGELOG.md")).toContain("\n## [0.4.0-beta.1] - 2026-11-26\n");
    // the entry has no version of its own: /health reports package.json's
    expect(files.get("src/index.js")).toContain('import { version as PACKAGE_VERSION } from "../package.json";');
    expect(files.get("src/index.js")).not.toMatch(/const VERSION|0\.4\.0|1\.0\.0/);
  });

  it("a worker with a package.json of its own starts from its version and name, unless the manifest says otherwise", async () => {
    const { manifest, tree } = await initialised(DIRECTORIES);
    const api = await render(manifest, tree, "api");
    expect(api.has("package.json")).toBe(false); // the monorepo's
    expect(JSON.parse(api.get(".release-please-manifest.json")!)).toEqual({ ".": "2.3.1" });
    expect(JSON.parse(api.get("release-please-config.json")!).packages["."]["package-name"]).toBe("@acme/api");
    const jobs = await render(manifest, tree, "jobs");
    expect(JSON.parse(jobs.get(".release-please-manifest.json")!)).toEqual({ ".": "1.0.0" });
    manifest.workers.api!.version = "3.0.0";
    expect(JSON.parse((await render(manifest, tree, "api")).get(".release-please-manifest.json")!)).toEqual({ ".": "3.0.0" });
  });

  it("refuses a version that is not semantic, naming the worker", async () => {
    const file = join(router.dir, "fleet.jsonc");
    const text = await readFile(file, "utf8");
    const raw = parseJsonc(text) as { workers: Record<string, Record<string, unknown>> };
    raw.workers.api!.version = "v1.2";
    raw.workers.billing!.version = "2.0.0";
    await writeFile(file, JSON.stringify(raw, null, 2));
    const plan = await runFleet(["plan", "--cwd", router.dir]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/fleet\.jsonc:\d+:\d+ workers\.api\.version: must be a semantic version such as 1\.0\.0/);
    expect(plan.stderr).not.toContain("billing");
    await writeFile(file, text);
  });
});
