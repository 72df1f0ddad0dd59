// The files release-please writes (CHANGELOG.md, .release-please-manifest.json) are the
// repository's after creation: fleet update adds them only to a repository that never had them
// (one created before the release flow existed), never changes them, and a release that moved
// them (and package.json's version) leaves the scaffold current.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { git, gitText } from "../../src/git/git.js";
import { commitIdentities } from "../../src/git/identity.js";
import { writeCommit } from "../../src/git/write-commit.js";
import { parseManifest } from "../../src/manifest/load.js";
import { scaffoldCommit } from "../../src/repos/scaffold-commit.js";
import { scaffoldInput, type ScaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { renderingFor, renderingsWithDates, repositoryRendering, scaffoldDrift } from "../../src/update/scaffold-drift.js";
import { mergeTemplate } from "../../src/update/template-merge.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

const RELEASE_FILES = [".github/workflows/release.yml", ".release-please-manifest.json", "release-please-config.json"];
const SPLIT_TIP = "0123456789abcdef0123456789abcdef01234567";

describe("the files a release writes, in fleet update and the template column", () => {
  let dir: string;
  let input: ScaffoldInput;
  let identity: { author: string; committer: string };
  let rendered: Map<string, string>;
  beforeAll(async () => {
    dir = await fixtureRepo(ROUTER_FILES);
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
    input = await scaffoldInput(manifest, "api", await SourceTree.open(dir), "acme-platform");
    identity = await commitIdentities(dir);
    rendered = renderScaffold(input, { date: "2026-01-05", bootstrapSha: SPLIT_TIP }).files;
  });

  const merged = async (main: string) => {
    const renderings = await renderingsWithDates(dir, main);
    await git(["update-ref", "refs/test/main", main], { cwd: dir });
    const rendering = renderingFor(input, await repositoryRendering(dir, renderings));
    const merge = await mergeTemplate(dir, "api", { main, base: renderings[0]!.commit, mainRef: "refs/test/main", renderingRef: "refs/test/rendering" }, rendering, identity);
    const files = (await gitText(["diff", "--name-only", main, merge.tree], { cwd: dir })).split("\n").filter(Boolean);
    return { merge, files, show: (path: string) => gitText(["show", `${merge.tree}:${path}`], { cwd: dir }) };
  };

  it("a repository made before the release flow gets its files, its CHANGELOG kept", async () => {
    const old = new Map([...rendered].filter(([path]) => !RELEASE_FILES.includes(path)));
    old.set("CHANGELOG.md", "# Changelog\n\n## 1.0.0 — 2025-06-01\n\n- Initial release.\n");
    const main = await scaffoldCommit(dir, "api", old);
    expect(await scaffoldDrift(dir, main, input)).toEqual({ state: "behind", files: RELEASE_FILES });
    const { files, show, merge } = await merged(main);
    expect(merge.conflicts).toEqual([]);
    expect(files).toEqual(RELEASE_FILES);
    expect(JSON.parse(await show(".release-please-manifest.json"))).toEqual({ ".": "1.0.0" });
    expect(await show("CHANGELOG.md")).toContain("- Initial release.");
    // no split tip in its renderings to start release-please from
    expect(JSON.parse(await show("release-please-config.json"))["bootstrap-sha"]).toBeUndefined();
  });

  it("after a release, the scaffold is current and an update changes none of the release's files; the bootstrap SHA stays", async () => {
    const created = await scaffoldCommit(dir, "api", rendered);
    const pkg = JSON.parse(rendered.get("package.json")!);
    const released = await writeCommit(dir, {
      ref: "refs/test/release",
      ...identity,
      message: "chore(main): release 1.1.0\n",
      from: created,
      files: [
        ["CHANGELOG.md", rendered.get("CHANGELOG.md")!.replace("# Changelog\n", "# Changelog\n\n## [1.1.0] (2026-02-01)\n\n### Bug Fixes\n\n* a fix\n")],
        [".release-please-manifest.json", '{\n  ".": "1.1.0"\n}\n'],
        ["package.json", `${JSON.stringify({ ...pkg, version: "1.1.0" }, null, 2)}\n`],
      ],
    });
    expect(await scaffoldDrift(dir, released, input)).toEqual({ state: "current", files: [] });
    const { merge } = await merged(released);
    expect(merge.changesMain).toBe(false);
    expect(JSON.parse(await gitText(["show", `${merge.rendering}:release-please-config.json`], { cwd: dir }))["bootstrap-sha"]).toBe(SPLIT_TIP);
  });
});
