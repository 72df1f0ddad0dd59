// Refs read from a repository's files answer what `git for-each-ref` answers: loose and packed
// refs, a loose ref winning over a packed one, a ref being written (its .lock) left out.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { refsFromFiles } from "../../src/git/ref-files.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

async function forEachRef(dir: string, prefixes: string[]): Promise<Map<string, string>> {
  const out = await gitText(["for-each-ref", "--format=%(refname) %(objectname)", ...prefixes], { cwd: dir });
  return new Map(out.split("\n").filter(Boolean).map((line) => line.split(" ") as [string, string]));
}

describe("refs from files", () => {
  it("match git for-each-ref with loose, packed and overridden refs", async () => {
    const dir = await tempDir("fleet-ref-files-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      await writeFile(join(dir, "f"), `${n}\n`);
      await git(["add", "f"], { cwd: dir });
      await git(["commit", "-qm", `c${n}`], { cwd: dir, env: IDENTITY });
      ids.push(await gitText(["rev-parse", "HEAD"], { cwd: dir }));
    }
    const prefixes = ["refs/fleet/split", "refs/fleet/split-work"];
    const update = (lines: string[]) => git(["update-ref", "--stdin"], { cwd: dir, input: lines.join("\n") + "\n" });
    await update([`update refs/fleet/split/a ${ids[0]}`, `update refs/fleet/split/b ${ids[0]}`, `update refs/fleet/split-work/a ${ids[1]}`, `update refs/fleet/other ${ids[1]}`]);
    await git(["pack-refs", "--all"], { cwd: dir });
    await update([`update refs/fleet/split/b ${ids[2]}`, `update refs/fleet/split/c ${ids[1]}`]); // b: loose over packed
    await writeFile(join(dir, ".git", "refs", "fleet", "split", "d.lock"), `${ids[2]}\n`);

    const found = refsFromFiles(join(dir, ".git"), prefixes);
    expect(found).toEqual(await forEachRef(dir, prefixes));
    expect(found!.get("refs/fleet/split/b")).toBe(ids[2]);
    expect(found!.has("refs/fleet/other")).toBe(false);
  });

  it("leave what they do not read to git", async () => {
    const dir = await tempDir("fleet-ref-files-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    await git(["symbolic-ref", "refs/fleet/split/alias", "refs/heads/main"], { cwd: dir });
    expect(refsFromFiles(join(dir, ".git"), ["refs/fleet/split"])).toBeUndefined();
  });
});
