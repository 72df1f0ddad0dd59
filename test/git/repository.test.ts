// Where a work tree's git directories are, read from its files at the top of a main or linked
// work tree, answers what `git rev-parse` answers; elsewhere git is asked.
import { mkdir, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { gitDirs } from "../../src/git/repository.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

async function asGitSays(cwd: string) {
  const [gitDir, commonDir, topLevel] = (
    await gitText(["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--show-toplevel"], { cwd })
  ).split("\n");
  return { gitDir: await realpath(gitDir!), commonDir: await realpath(commonDir!), topLevel: await realpath(topLevel!) };
}

async function real(dirs: { gitDir: string; commonDir: string; topLevel: string } | undefined) {
  return dirs && { gitDir: await realpath(dirs.gitDir), commonDir: await realpath(dirs.commonDir), topLevel: await realpath(dirs.topLevel) };
}

describe("a work tree's git directories", () => {
  it("are what git says, in a main work tree, a linked one and a subfolder", async () => {
    const root = await tempDir("fleet-git-dirs-");
    const main = join(root, "main");
    await git(["init", "-q", "-b", "main", main], { cwd: root });
    await writeFile(join(main, "f"), "1\n");
    await git(["add", "f"], { cwd: main });
    await git(["commit", "-qm", "one"], { cwd: main, env: IDENTITY });
    const linked = join(root, "linked");
    await git(["worktree", "add", "-q", "-b", "other", linked], { cwd: main });
    const sub = join(main, "sub");
    await mkdir(sub);
    for (const cwd of [main, linked, sub]) expect(await real(await gitDirs(cwd)), cwd).toEqual(await asGitSays(cwd));
    expect((await gitDirs(linked))!.commonDir).not.toBe((await gitDirs(linked))!.gitDir);
  });

  it("are undefined outside a work tree", async () => {
    const root = await tempDir("fleet-git-dirs-");
    await git(["init", "-q", "--bare", "bare.git"], { cwd: root });
    expect(await gitDirs(join(root, "bare.git"))).toBeUndefined();
    await mkdir(join(root, "plain"));
    expect(await gitDirs(join(root, "plain"))).toBeUndefined();
  });
});
