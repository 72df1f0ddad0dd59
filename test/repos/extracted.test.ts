// The repositories fleet carves out of the router example: their history, a second run, drift.
// That every extracted worker builds alone, answers /health and passes its integration test is
// checked for every worker of both layouts in the slow suite (test/slow/extracted-all.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { carvedFleet, cloneWorker } from "./extracted.fixture.js";

describe("extracted workers of the router example", () => {
  let fleet: Awaited<ReturnType<typeof carvedFleet>>;
  beforeAll(async () => {
    fleet = await carvedFleet("router");
  }, 300_000);

  it("creates and syncs every repository", () => {
    expect(fleet.create.code).toBe(0);
    expect(fleet.sync.code).toBe(0);
    expect(fleet.sync.stderr).toMatch(/36 merged/);
  });

  it("shows the worker's own history in git log, with sync merges on the first-parent line", async () => {
    const clone = await cloneWorker(fleet.dir, "chittyos-registry-worker");
    const firstParent = (await gitText(["log", "--first-parent", "--format=%s", "main"], { cwd: clone })).split("\n");
    expect(firstParent[0]).toMatch(/^Sync registry from /);
    expect(firstParent.at(-1)).toBe("Scaffold registry as its own repository");
    const history = await gitText(["log", "--format=%an|%s", "main"], { cwd: clone });
    expect(history).toMatch(/\|feat\(registry\)|\|fix\(registry\)|\|perf\(registry\)|\|refactor\(registry\)/);
    const authors = new Set(history.split("\n").map((l) => l.split("|")[0]));
    expect(authors.size).toBeGreaterThan(2);
    // the original commit of the service file is there with its author date
    const added = await gitText(["log", "--diff-filter=A", "--format=%ad", "--date=short", "--", "src/services/registry.js"], { cwd: clone });
    expect(added).toMatch(/^202[45]-/);
  });

  it("a second create and sync change nothing and say so", async () => {
    const { runFleet } = await import("../helpers/run.js");
    const create = await runFleet(["create", "--all", "--cwd", fleet.dir]);
    expect(create.code).toBe(0);
    expect(create.stderr).toContain("nothing to do: all 36 repositories are up to date");
    const sync = await runFleet(["sync", "--all", "--cwd", fleet.dir]);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toContain("nothing to do");
  });

  it("reports an edited repo-owned file as drift and leaves it alone", async () => {
    const clone = await cloneWorker(fleet.dir, "chittyos-canon-worker");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${clone}/README.md`, "# Canon\n\nOur own words.\n");
    const env = { GIT_AUTHOR_NAME: "W", GIT_AUTHOR_EMAIL: "w@chitty.cc", GIT_COMMITTER_NAME: "W", GIT_COMMITTER_EMAIL: "w@chitty.cc" };
    await git(["commit", "-qam", "docs: our README"], { cwd: clone, env });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const { runFleet } = await import("../helpers/run.js");
    const create = await runFleet(["create", "canon", "--cwd", fleet.dir]);
    expect(create.code).toBe(0);
    expect(create.stderr).toContain("chittyos-canon-worker: repo-owned files edited since fleet generated them (left alone): README.md");
    const tip = await gitText(["rev-parse", "main"], { cwd: clone });
    await git(["fetch", "-q", "origin"], { cwd: clone });
    expect(await gitText(["rev-parse", "origin/main"], { cwd: clone })).toBe(tip);
  });
});
