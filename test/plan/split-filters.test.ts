// The workers' paths are remembered with the files they were computed from: a later commit keeps
// them only when it adds or removes no file and changes no file read for its text, nor the facts
// (imports, env reads) of a module read for its facts. Every answer, kept or computed, is checked
// against a computation from scratch on the same commit.
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { init } from "../../src/api/init.js";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { splitFilters } from "../../src/plan/split-filters.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

let dir: string;
let manifest: Manifest;

async function commit(message: string, change: () => Promise<void>): Promise<string> {
  await change();
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-qm", message], { cwd: dir, env: IDENTITY });
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}

/** The filters at `tip` as remembered, and as computed with nothing remembered. */
async function rememberedAndFresh(tip: string) {
  const remembered = await splitFilters(dir, manifest, tip);
  const fleet = join(dir, ".git", "fleet");
  const saved = await readFile(join(fleet, "filters.json"), "utf8");
  await rm(join(fleet, "filters.json"));
  const fresh = await splitFilters(dir, manifest, tip);
  await writeFile(join(fleet, "filters.json"), saved);
  expect(fresh.computed).toBe(true);
  return { remembered, fresh };
}

describe("remembered worker paths", () => {
  beforeAll(async () => {
    dir = join(await tempDir("fleet-split-filters-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 30 });
    await init({ cwd: dir });
    await git(["add", "fleet.jsonc"], { cwd: dir });
    await git(["commit", "-qm", "chore: fleet manifest"], { cwd: dir, env: IDENTITY });
    manifest = await loadManifest(join(dir, "fleet.jsonc"), dir);
    await mkdir(join(dir, ".git", "fleet"), { recursive: true });
    expect((await splitFilters(dir, manifest, await gitText(["rev-parse", "HEAD"], { cwd: dir }))).computed).toBe(true);
  });

  it("are kept when a shared module changes without changing its imports", async () => {
    const tip = await commit("fix: wording", () => appendFile(join(dir, "src/lib/response.js"), "// clearer wording\n"));
    const { remembered, fresh } = await rememberedAndFresh(tip);
    expect(remembered.computed).toBe(false);
    expect(remembered.filters).toEqual(fresh.filters);
  });

  it("are kept when a file nothing reads changes", async () => {
    const tip = await commit("docs: readme", () => appendFile(join(dir, "README.md"), "\nMore words.\n"));
    const { remembered, fresh } = await rememberedAndFresh(tip);
    expect(remembered.computed).toBe(false);
    expect(remembered.filters).toEqual(fresh.filters);
  });

  it("are computed again when a shared module imports another file", async () => {
    const before = (await splitFilters(dir, manifest, await gitText(["rev-parse", "HEAD"], { cwd: dir }))).filters;
    const users = Object.entries(before).filter(([, f]) => "paths" in f && f.paths.includes("src/lib/response.js") && !f.paths.includes("src/lib/pagination.js"));
    expect(users.length).toBeGreaterThan(0);
    const tip = await commit("feat: paged responses", async () => {
      const file = join(dir, "src/lib/response.js");
      await writeFile(file, `import { pageParams } from "./pagination.js";\n${await readFile(file, "utf8")}\nexport const paged = pageParams;\n`);
    });
    const { remembered, fresh } = await rememberedAndFresh(tip);
    expect(remembered.computed).toBe(true);
    expect(remembered.filters).toEqual(fresh.filters);
    for (const [id] of users) expect((remembered.filters[id] as { paths: string[] }).paths, id).toContain("src/lib/pagination.js");
  });

  it("are computed again when a file is added, or a file read for its text changes", async () => {
    const added = await commit("docs: notes", () => writeFile(join(dir, "NOTES.md"), "notes\n"));
    const first = await rememberedAndFresh(added);
    expect(first.remembered.computed).toBe(true);
    expect(first.remembered.filters).toEqual(first.fresh.filters);

    const config = await commit("chore: platform config", () => appendFile(join(dir, "wrangler.toml"), "\n# tidy\n"));
    const second = await rememberedAndFresh(config);
    expect(second.remembered.computed).toBe(true);
    expect(second.remembered.filters).toEqual(second.fresh.filters);
  });
});
