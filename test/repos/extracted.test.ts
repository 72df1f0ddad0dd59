// The repositories fleet carves out of the router example: their history, a second run, drift.
// That every extracted worker builds alone, answers /health and passes its integration test is
// checked for every worker of both layouts in the slow suite (test/slow/extracted-all.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { carvedFleet, cloneWorker } from "./extracted.fixture.js";

/** A CI runner's git identity (the sync merge commits need one). */
const IDENTITY_OF_CI = { GIT_AUTHOR_NAME: "CI", GIT_AUTHOR_EMAIL: "ci@chitty.cc", GIT_COMMITTER_NAME: "CI", GIT_COMMITTER_EMAIL: "ci@chitty.cc" };

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

  it("a fresh clone of the monorepo (no record of earlier syncs) after one commit touching one worker: sync --changed merges that worker only", async () => {
    const { appendFile, mkdir, symlink, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { runFleet } = await import("../helpers/run.js");
    const { tempDir } = await import("../helpers/tmp.js");
    const env = { GIT_AUTHOR_NAME: "W", GIT_AUTHOR_EMAIL: "w@chitty.cc", GIT_COMMITTER_NAME: "W", GIT_COMMITTER_EMAIL: "w@chitty.cc" };
    // the manifest is committed, as a team keeps it; CI checks out the whole history
    await git(["add", "fleet.jsonc"], { cwd: fleet.dir });
    await git(["commit", "-qm", "chore: fleet manifest"], { cwd: fleet.dir, env });
    const fresh = join(await tempDir("fleet-fresh-"), "monorepo");
    await git(["clone", "-q", "--no-local", fleet.dir, fresh], { cwd: fleet.dir });
    // the same forge as the first clone (as GitHub would be)
    await mkdir(join(fresh, ".fleet"));
    await symlink(join(fleet.dir, ".fleet", "forge"), join(fresh, ".fleet", "forge"));
    await appendFile(join(fresh, ".git", "info", "exclude"), ".fleet/\n");
    expect(await gitText(["for-each-ref", "refs/fleet/"], { cwd: fresh })).toBe("");

    const forge = join(fleet.dir, ".fleet", "forge", "chittyos");
    const tips = async () => Object.fromEntries(await Promise.all(fleet.example.truth.services.map(async (s) => [s.id, await gitText(["rev-parse", "main"], { cwd: join(forge, `chittyos-${s.id}-worker.git`) })] as const)));
    const before = await tips();
    const touched = fleet.example.truth.services.find((s) => s.id === "beacon")!;
    await writeFile(join(fresh, touched.file!), `${await (await import("node:fs/promises")).readFile(join(fresh, touched.file!), "utf8")}// measured twice\n`);
    await git(["commit", "-qam", "fix(beacon): a comment"], { cwd: fresh, env });

    const sync = await runFleet(["sync", "--changed", "--json", "--cwd", fresh], IDENTITY_OF_CI);
    expect(sync.code, sync.stderr).toBe(0);
    const outcomes = JSON.parse(sync.stdout).workers as { id: string; status: string }[];
    expect(outcomes.filter((o) => o.status !== "up-to-date").map((o) => [o.id, o.status])).toEqual([["beacon", "merged"]]);
    const after = await tips();
    expect(Object.keys(before).filter((id) => before[id] !== after[id])).toEqual(["beacon"]);
    const message = await gitText(["log", "-1", "--format=%B", "main"], { cwd: join(forge, "chittyos-beacon-worker.git") });
    expect(message).toContain(`Fleet-Source: ${fleet.dir}@${await gitText(["rev-parse", "HEAD"], { cwd: fresh })}`);

    // the next push touches nothing: nothing to do, no repository changes
    const again = await runFleet(["sync", "--changed", "--json", "--cwd", fresh], IDENTITY_OF_CI);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).workers).toEqual([]);
    expect(await tips()).toEqual(after);
  });
});
