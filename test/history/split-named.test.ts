// Splitting some workers by name keeps the split cache whole: the next split of the fleet still
// reads only the new commits (a `fleet sync <worker>` in between must not cost a full re-read).
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

describe("a split of named workers", () => {
  it("answers for those workers only, and the next split of the whole fleet is still incremental", async () => {
    const dir = join(await tempDir("fleet-split-named-"), "monorepo");
    const example = await generateExample(dir, { layout: "router", commits: 40 });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const all = JSON.parse((await runFleet(["split", "--all", "--json", "--cwd", dir])).stdout) as { workers: { id: string }[] };
    const file = join(dir, example.truth.services.find((s) => s.id === "beacon")!.file!);
    const commit = async (n: number) => {
      await appendFile(file, `// ${n}\n`);
      await git(["commit", "-qam", `fix(beacon): ${n}`], { cwd: dir, env: IDENTITY });
    };

    await commit(1);
    const named = JSON.parse((await runFleet(["split", "beacon", "--json", "--cwd", dir])).stdout) as { incremental: boolean; commitsRead: number; workers: { id: string }[] };
    expect(named).toMatchObject({ incremental: true, commitsRead: 1 });
    expect(named.workers.map((w) => w.id)).toEqual(["beacon"]);

    await commit(2);
    const fleet = JSON.parse((await runFleet(["split", "--all", "--json", "--cwd", dir])).stdout) as { incremental: boolean; commitsRead: number; workers: { id: string; fromStart?: string }[] };
    expect(fleet).toMatchObject({ incremental: true, commitsRead: 1 });
    expect(fleet.workers.map((w) => w.id)).toEqual(all.workers.map((w) => w.id));
    expect(fleet.workers.filter((w) => w.fromStart)).toEqual([]);
    expect(await readFile(file, "utf8")).toMatch(/\/\/ 2\n$/);
  });
});
