// .github/CODEOWNERS in the scaffold: the manifest's owners (a worker's own list over the
// fleet's), and no file where nobody owns the code.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { scaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { ROUTER_FILES } from "../discovery/router-fixture.js";
import { setManifest } from "../forge/github-fixture.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

describe("the scaffold's CODEOWNERS", () => {
  let dir: string;
  let tree: SourceTree;
  const render = async (manifest: Manifest, id: string) => renderScaffold(await scaffoldInput(manifest, id, tree, "acme-platform"), { date: "2026-11-26" }).files;
  const manifest = async () => parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));

  beforeAll(async () => {
    dir = await fixtureRepo(ROUTER_FILES);
    await runFleet(["init", "--cwd", dir]);
    tree = await SourceTree.open(dir);
  });

  it("is not written when the manifest names no owners", async () => {
    expect([...(await render(await manifest(), "api")).keys()]).not.toContain(".github/CODEOWNERS");
  });

  it("names the fleet's owners, or the worker's own instead", async () => {
    await setManifest(dir, ["owners"], ["@acme/platform"]);
    await setManifest(dir, ["workers", "api", "owners"], ["@ana", "@acme/api-team"]);
    const m = await manifest();
    expect((await render(m, "billing")).get(".github/CODEOWNERS")).toMatch(/^# Code owners of acme-billing-worker: .*\n\* @acme\/platform\n$/);
    expect((await render(m, "api")).get(".github/CODEOWNERS")!.split("\n").at(-2)).toBe("* @ana @acme/api-team");
  });
});
