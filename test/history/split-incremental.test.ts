// The cache only accelerates: an incremental split, a split with the cache deleted, and
// filter-repo all give the same commits.
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { gitText } from "../../src/git/git.js";
import { cacheRoot, splitFleet } from "../../src/history/split.js";
import { filterRepoTip } from "../helpers/oracle.js";
import { HAND_TARGETS, trickyHistory } from "./tricky-history.js";

describe("incremental split", () => {
  it("reads only the new commits and gives what a full split and filter-repo give", async () => {
    let first: Awaited<ReturnType<typeof splitFleet>> | undefined;
    const repo = await trickyHistory(async (r) => {
      first = await splitFleet(r.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    });
    expect(first!.incremental).toBe(false);
    const total = Number(await gitText(["rev-list", "--count", "main"], { cwd: repo.dir }));

    const second = await splitFleet(repo.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    expect(second.incremental).toBe(true);
    expect(second.commitsRead).toBe(total - first!.commitsRead);
    for (const target of HAND_TARGETS) {
      const got = second.workers.find((w) => w.id === target.id)!;
      expect(got.commit ?? undefined, target.id).toBe(await filterRepoTip(repo.dir, "main", target.filter));
      if (got.commit) expect(got.commits, target.id).toBe(Number(await gitText(["rev-list", "--count", got.commit], { cwd: repo.dir })));
    }

    const again = await splitFleet(repo.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    expect(again).toMatchObject({ incremental: true, commitsRead: 0 });
    expect(again.workers.map((w) => w.commit)).toEqual(second.workers.map((w) => w.commit));

    await rm(await cacheRoot(repo.dir), { recursive: true });
    const fresh = await splitFleet(repo.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    expect(fresh.incremental).toBe(false);
    expect(fresh.workers.every((w) => w.fromStart === "cache missing" || w.commit === null)).toBe(true);
    expect(fresh.workers.map((w) => [w.id, w.commit, w.commits])).toEqual(second.workers.map((w) => [w.id, w.commit, w.commits]));
  });

  it("starts a worker over when its paths change, and says so", async () => {
    const repo = await trickyHistory();
    await splitFleet(repo.dir, HAND_TARGETS, { branch: "main", sweepEvery: 1 });
    const changed = HAND_TARGETS.map((t) => (t.id === "docs" ? { id: "docs", filter: { paths: ["docs/guide.md"] } } : t));
    const run = await splitFleet(repo.dir, changed, { branch: "main", sweepEvery: 1 });
    expect(run.incremental).toBe(false);
    expect(run.workers.find((w) => w.id === "docs")!.fromStart).toBe("paths changed");
    expect(run.workers.find((w) => w.id === "docs")!.commit ?? undefined).toBe(await filterRepoTip(repo.dir, "main", { paths: ["docs/guide.md"] }));
  });
});
