import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { gitText } from "../../src/git/git.js";
import { generateExample, type GeneratedExample } from "../../src/example/index.js";
import { HEX_WORD, listFiles, tempDir } from "./scan.js";

const git = (cwd: string, ...args: string[]) => gitText(args, { cwd });

describe("generateExample", () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let first: GeneratedExample;
  beforeAll(async () => {
    root = await tempDir("example");
    first = await generateExample(join(root.dir, "a"), { commits: 300 });
  });
  afterAll(() => root.cleanup());

  it("gives the same commit ids for the same options, and others for another seed", async () => {
    const again = await generateExample(join(root.dir, "b"), { commits: 300 });
    const reseeded = await generateExample(join(root.dir, "c"), { commits: 300, seed: 2 });
    expect(again.head).toBe(first.head);
    expect(reseeded.head).not.toBe(first.head);
    expect(again.truth).toEqual(first.truth);
  });

  it("writes exactly the requested number of commits, with merges and renames", async () => {
    expect(first.commits).toBe(300);
    expect(await git(first.dir, "rev-list", "--count", "main")).toBe("300");
    const merges = (await git(first.dir, "rev-list", "--merges", "main")).split("\n").filter(Boolean);
    expect(merges.length).toBeGreaterThan(3);
    for (const merge of merges.slice(0, 5)) {
      expect((await git(first.dir, "rev-list", "--parents", "-n1", merge)).split(" ")).toHaveLength(3);
    }
    const renames = await git(first.dir, "log", "--diff-filter=R", "-M", "--name-status", "--format=");
    for (const id of ["canon", "beacon", "docs"]) expect(renames).toContain(`src/handlers/${id}.js\tsrc/services/${id}.js`);
    expect(renames).toContain("src/lib/paging.js\tsrc/lib/pagination.js");
  });

  it("merges side branches that touched other files than main meanwhile", async () => {
    const merges = (await git(first.dir, "rev-list", "--merges", "main")).split("\n").filter(Boolean);
    for (const merge of merges) {
      const [, main, side] = (await git(first.dir, "rev-list", "--parents", "-n1", merge)).split(" ");
      const base = await git(first.dir, "merge-base", main!, side!);
      const changed = async (from: string, to: string) => (await git(first.dir, "diff", "--name-only", from, to)).split("\n").filter(Boolean);
      const onSide = await changed(base, side!);
      const onMain = await changed(base, main!);
      expect(onSide.filter((path) => onMain.includes(path)), merge).toEqual([]);
      expect(await changed(main!, merge), merge).toEqual(onSide);
    }
  });

  it("leaves a clean work tree on main, with no helper refs and no hex-looking messages", async () => {
    expect(await git(first.dir, "status", "--porcelain")).toBe("");
    expect(await git(first.dir, "symbolic-ref", "HEAD")).toBe("refs/heads/main");
    expect(await git(first.dir, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
    const messages = (await git(first.dir, "log", "--format=%B%x00")).split("\0");
    expect(messages.filter((message) => HEX_WORD.test(message))).toEqual([]);
    const subjects = messages.map((message) => message.trim().split("\n")[0]!).filter(Boolean);
    const conventional = /^(feat|fix|refactor|perf|test|docs|chore|ci)(\([a-z0-9-]+\))?: [a-z][A-Za-z0-9 ./'-]*$|^Merge (branch '[a-z0-9/-]+'|pull request #\d+ from chittyos\/[a-z0-9/-]+)$/;
    expect(subjects.filter((subject) => !conventional.test(subject))).toEqual([]);
    const zones = new Set((await git(first.dir, "log", "--format=%ad", "--date=format:%z")).split("\n"));
    expect([...zones].sort()).toEqual(["+0000", "+0100", "+0530", "-0800"]);
    const dates = (await git(first.dir, "log", "--format=%ct", "--reverse", "--topo-order", "--first-parent")).split("\n").map(Number);
    expect(new Date(dates[0]! * 1000).toISOString()).toBe("2024-01-02T09:00:00.000Z");
  });

  it("ends with the same files however long the history is", async () => {
    const short = await generateExample(join(root.dir, "short"), { commits: 12 });
    const tiny = await generateExample(join(root.dir, "tiny"), { commits: 1 });
    expect(short.commits).toBe(12);
    expect(tiny.commits).toBe(1);
    expect(listFiles(short.dir)).toEqual(listFiles(first.dir));
    expect(listFiles(tiny.dir)).toEqual(listFiles(first.dir));
  });

  it("refuses a folder that is not empty, and impossible lengths", async () => {
    const busy = join(root.dir, "busy");
    await mkdir(busy);
    await writeFile(join(busy, "notes.txt"), "keep me\n");
    await expect(generateExample(busy, { commits: 300 })).rejects.toBeInstanceOf(UserError);
    await expect(generateExample(join(root.dir, "d"), { commits: 0 })).rejects.toBeInstanceOf(UserError);
    await expect(generateExample(join(root.dir, "e"), { commits: 100_001 })).rejects.toBeInstanceOf(UserError);
  });

  it("reports progress up to the total", async () => {
    const seen: number[] = [];
    await generateExample(join(root.dir, "progress"), { commits: 300, layout: "directories", onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(300);
  });
});
