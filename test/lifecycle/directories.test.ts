// The checklist on a directories-layout monorepo: a worker's files sit at its repository's root,
// and there is no platform router to hand a hostname over from.
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { NO_SECRETS, statusOf } from "./fixture.js";

describe("the checklist of a directories-layout worker", () => {
  let dir: string;
  let id: string;
  beforeAll(async () => {
    dir = join(await tempDir("fleet-dirs-"), "monorepo");
    const example = await generateExample(dir, { layout: "directories", commits: 60 });
    await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    id = example.truth.services.find((s) => s.id === "registry")!.id;
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, id, "--cwd", dir], NO_SECRETS);
      expect(result.code, result.stderr).toBe(0);
    }
  }, 120_000);

  it("finds the worker's own tests at the repository's root, and has no cutover step", async () => {
    const steps = await statusOf(dir, id);
    expect(steps.repository!.state).toBe("done");
    expect(steps.code!.state, steps.code!.evidence).toBe("done");
    expect(steps.tests!.state, steps.tests!.evidence).toBe("done");
    expect(steps.tests!.evidence).toMatch(/test\/integration\.test\.js/);
    expect(steps.actions!.state).toBe("done");
    expect(steps.deployed!.state).toBe("missing");
    expect(steps.migrated).toMatchObject({ state: "n/a", evidence: expect.stringContaining("directories layout") });
    const cutover = await runFleet(["cutover", id, "--cwd", dir], NO_SECRETS);
    expect(cutover.code).toBe(2);
    expect(cutover.stderr).toContain("this monorepo uses the directories layout");
  });
});
