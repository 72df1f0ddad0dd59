// Files of several repositories read through one shared reader answer what each repository's own
// `git show` answers, and a missing file is undefined, not another repository's file.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { SharedObjectReader } from "../../src/git/shared-object-reader.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

describe("a shared object reader", () => {
  it("reads each bare repository's files through a few processes", async () => {
    const root = await tempDir("fleet-shared-reader-");
    await git(["init", "-q", "-b", "main", "monorepo"], { cwd: root });
    const repos: { bare: string; tip: string; text: string }[] = [];
    for (let n = 0; n < 15; n++) {
      const work = join(root, `work-${n}`);
      await git(["init", "-q", "-b", "main", work], { cwd: root });
      const text = `repository ${n}\n`;
      await writeFile(join(work, "README.md"), text);
      if (n % 2 === 0) await writeFile(join(work, "only-even.txt"), "even\n");
      await git(["add", "-A"], { cwd: work });
      await git(["commit", "-qm", `r${n}`], { cwd: work, env: IDENTITY });
      const bare = join(root, `r${n}.git`);
      await git(["clone", "-q", "--bare", work, bare], { cwd: root });
      repos.push({ bare, tip: await gitText(["rev-parse", "HEAD"], { cwd: work }), text });
    }
    const shared = new SharedObjectReader(join(root, "monorepo"));
    try {
      const readers = repos.map((r) => shared.add(r.bare));
      const texts = await Promise.all(readers.map((read, i) => read(`${repos[i]!.tip}:README.md`)));
      expect(texts).toEqual(repos.map((r) => r.text));
      expect(await readers[1]!(`${repos[1]!.tip}:only-even.txt`)).toBeUndefined();
      expect(await readers[2]!(`${repos[2]!.tip}:only-even.txt`)).toBe("even\n");
    } finally {
      shared.close();
    }
  });
});
