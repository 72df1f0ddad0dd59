// Slow suite: every one of the thousand broken manifests (the default suite tries a sample) exits
// 2 with the problem named, no stack trace, nothing written.
import { describe, expect, it } from "vitest";
import { brokenManifests } from "../manifest/broken-manifests.js";
import { badInputMonorepo, snapshot, tryBrokenManifests } from "../manifest/broken-manifest-trial.js";

describe("a thousand broken manifests", () => {
  it("each one: exit 2, the problem named, no stack, nothing written", async () => {
    const { dir, valid } = await badInputMonorepo();
    const cases = brokenManifests(valid);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const before = await snapshot(dir);
    expect(await tryBrokenManifests(dir, cases)).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
  }, 1_200_000);
});
