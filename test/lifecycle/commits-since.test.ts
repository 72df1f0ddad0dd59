// How far a worker repository is behind: the counter skips `rev-list` for workers whose paths no
// commit since the last sync changed, and must answer exactly what `rev-list --count` answers —
// through merges, an evil merge (a change made in the merge itself), and folders.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitsCounter } from "../../src/checklist/observe.js";
import { CatFile } from "../../src/git/cat-file.js";
import { git, gitText } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

async function commit(dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-qm", message, "--allow-empty"], { cwd: dir, env: IDENTITY });
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}

describe("commits since a worker's last sync", () => {
  it("answer what rev-list --count answers, for every worker's paths", async () => {
    const dir = await tempDir("fleet-commits-since-");
    await git(["init", "-q", "-b", "main"], { cwd: dir });
    const base = await commit(dir, { "a/x.js": "1", "b/y.js": "1", "c/z.js": "1", "shared.js": "1" }, "base");
    await git(["checkout", "-q", "-b", "side"], { cwd: dir });
    await commit(dir, { "c/z.js": "2" }, "side: c");
    await git(["checkout", "-q", "main"], { cwd: dir });
    await commit(dir, { "shared.js": "2" }, "main: shared");
    // an evil merge: a/x.js changes in the merge commit only
    await git(["merge", "-q", "--no-commit", "--no-ff", "side"], { cwd: dir, env: IDENTITY });
    await writeFile(join(dir, "a/x.js"), "evil");
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "-qm", "merge side"], { cwd: dir, env: IDENTITY });
    const tip = await gitText(["rev-parse", "HEAD"], { cwd: dir });

    const reader = new CatFile(dir);
    try {
      const counter = commitsCounter(dir, tip, reader);
      const cases = [["a"], ["a/x.js"], ["b"], ["b/y.js"], ["c"], ["shared.js"], ["b", "shared.js"], ["b/"], ["a/*.js"]];
      for (const since of [base, tip]) {
        for (const paths of cases) {
          const expected = Number(await gitText(["rev-list", "--count", tip, `^${since}`, "--", ...paths], { cwd: dir }));
          expect(await counter(since, paths), `${paths.join(",")} since ${since === base ? "base" : "tip"}`).toBe(expected);
        }
      }
      expect(await counter(base, ["a"])).toBeGreaterThan(0); // the evil merge counts
      expect(await counter("0".repeat(40), ["a"])).toBeNull();
    } finally {
      reader.close();
    }
  });
});
