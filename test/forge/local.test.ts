import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalForge } from "../../src/forge/local.js";
import { git } from "../../src/git/git.js";
import { tempDir } from "../helpers/tmp.js";
import { forgeContract } from "./contract.js";

describe("the local forge", () => {
  let last: LocalForge;
  forgeContract(
    "local",
    async () => (last = new LocalForge(await tempDir(), "acme")),
    {
      async loosenRuleset(repo) {
        const file = join(last.root, `${repo}.git`, "fleet-forge.json");
        const meta = JSON.parse(await readFile(file, "utf8"));
        meta.ruleset.requireCodeOwnerReview = false;
        await writeFile(file, JSON.stringify(meta));
      },
    },
  );

  it("keeps bare repositories under .fleet/forge/<org>, and never a secret value on disk", async () => {
    const root = await tempDir();
    const forge = new LocalForge(root, "acme");
    await forge.create({ name: "acme-x-worker", description: "X", topics: [] });
    await forge.setSecret("acme-x-worker", "TOKEN", "value-that-must-not-leak");
    const dir = join(root, ".fleet", "forge", "acme", "acme-x-worker.git");
    expect((await git(["rev-parse", "--is-bare-repository"], { cwd: dir })).stdout.trim()).toBe("true");
    for (const file of await readdir(dir, { recursive: true })) {
      const text = await readFile(join(dir, file)).catch(() => Buffer.alloc(0));
      expect(text.includes("value-that-must-not-leak"), file).toBe(false);
    }
  });

  it("treats a repository it did not create as not managed, and refuses to change it", async () => {
    const root = await tempDir();
    const forge = new LocalForge(root, "acme");
    await git(["init", "-q", "--bare", join(root, ".fleet", "forge", "acme", "acme-y-worker.git")], { cwd: root });
    expect(await forge.get("acme-y-worker")).toMatchObject({ managedByFleet: false });
    await expect(forge.update("acme-y-worker", { description: "mine now" })).rejects.toThrow(/not created by fleet/);
  });
});
