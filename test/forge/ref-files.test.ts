// A branch read from a repository's files agrees with git: loose, packed, missing, unknown.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { branchFromFiles } from "../../src/git/ref-files.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

describe("a branch read from the repository's files", () => {
  it("is git's answer whether the ref is loose or packed, null when there is none, undefined when it cannot tell", async () => {
    const dir = await tempDir("fleet-ref-files-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    const gitDir = join(dir, ".git");
    expect(await branchFromFiles(gitDir, "main")).toBeNull();
    await git(["commit", "-q", "--allow-empty", "-m", "one"], { cwd: dir, env: IDENTITY });
    expect(await branchFromFiles(gitDir, "main")).toBe(await gitText(["rev-parse", "main"], { cwd: dir }));
    await git(["branch", "other"], { cwd: dir });
    await git(["pack-refs", "--all"], { cwd: dir });
    await git(["commit", "-q", "--allow-empty", "-m", "two"], { cwd: dir, env: IDENTITY }); // main loose again, other packed
    expect(await branchFromFiles(gitDir, "main")).toBe(await gitText(["rev-parse", "main"], { cwd: dir }));
    expect(await branchFromFiles(gitDir, "other")).toBe(await gitText(["rev-parse", "other"], { cwd: dir }));
    expect(await branchFromFiles(gitDir, "gone")).toBeNull();
    await mkdir(join(gitDir, "refs", "heads", "odd"), { recursive: true });
    await writeFile(join(gitDir, "refs", "heads", "sym"), "ref: refs/heads/main\n");
    expect(await branchFromFiles(gitDir, "sym")).toBeUndefined();
    expect(await branchFromFiles(gitDir, "odd")).toBeUndefined(); // a folder, not a ref
  });
});
