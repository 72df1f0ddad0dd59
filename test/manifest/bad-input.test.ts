// Bad input: broken manifests (a sample here, the thousand in test/slow/broken-manifests.test.ts)
// and a few broken monorepos. Every one exits 2 with a message naming the problem, no stack
// trace, and nothing written.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git } from "../../src/git/git.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { brokenManifests } from "./broken-manifests.js";
import { badInputMonorepo, snapshot, tryBrokenManifests } from "./broken-manifest-trial.js";

describe("bad input", () => {
  let dir: string;
  let valid: string;
  beforeAll(async () => {
    ({ dir, valid } = await badInputMonorepo());
  });

  it("every 13th of the thousand broken manifests (all of them in the slow suite): exit 2, the problem named, no stack, nothing written", async () => {
    const cases = brokenManifests(valid);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    // every 13th case, both commands in turn (the slow suite tries every case)
    const sample = cases.filter((_, i) => i % 13 === 0);
    const before = await snapshot(dir);
    expect(await tryBrokenManifests(dir, sample)).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
  }, 600_000);

  it("broken monorepos: no router, a router or wrangler config that does not parse, a shallow clone, an empty repository, no repository", async () => {
    const root = await tempDir("fleet-bad-repos-");
    const variant = async (name: string, change: (d: string) => Promise<void>) => {
      const d = join(root, name);
      await git(["clone", "-q", "--no-local", dir, d], { cwd: root });
      await change(d);
      return d;
    };
    const commit = (d: string) => git(["commit", "-qam", "break it"], { cwd: d, env: IDENTITY });
    const cases: { name: string; dir: string; args: string[]; message: RegExp }[] = [
      { name: "no router", dir: await variant("no-router", async (d) => void (await git(["rm", "-q", "src/platform-worker.js"], { cwd: d }), await commit(d))), args: ["init", "--org", "chittyos"], message: /found no workers/ },
      { name: "router does not parse", dir: await variant("bad-router", async (d) => (await writeFile(join(d, "src/platform-worker.js"), "export default {{{\n"), void (await commit(d)))), args: ["init", "--org", "chittyos"], message: /src\/platform-worker\.js:1:\d+: Unexpected token/ },
      { name: "wrangler config does not parse", dir: await variant("bad-toml", async (d) => (await writeFile(join(d, "wrangler.toml"), "name = = 1\n"), void (await commit(d)))), args: ["init", "--org", "chittyos"], message: /wrangler\.toml is not valid TOML/ },
      { name: "shallow clone", dir: await (async () => { const d = join(root, "shallow"); await git(["clone", "-q", "--depth", "2", `file://${dir}`, d], { cwd: root }); await writeFile(join(d, "fleet.jsonc"), valid); return d; })(), args: ["split", "--all"], message: /shallow clone/ },
      { name: "empty repository", dir: await (async () => { const d = join(root, "empty"); await git(["init", "-q", d], { cwd: root }); await writeFile(join(d, "fleet.jsonc"), valid); return d; })(), args: ["split", "--all"], message: /has no commits yet/ },
      { name: "no repository", dir: await (async () => { const d = join(root, "plain"); await (await import("node:fs/promises")).mkdir(d); await writeFile(join(d, "fleet.jsonc"), valid); return d; })(), args: ["split", "--all"], message: /is not a git repository/ },
    ];
    for (const c of cases) {
      const before = await snapshot(c.dir);
      const r = await runFleet([...c.args, "--cwd", c.dir]);
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, c.name).toMatch(c.message);
      expect(r.stderr, c.name).not.toMatch(/\n\s+at |internal error/);
      expect(await snapshot(c.dir), c.name).toEqual(before);
    }
  }, 120_000);

  it("the lifecycle commands refuse bad arguments the same way", async () => {
    await writeFile(join(dir, "fleet.jsonc"), valid);
    expect((await runFleet(["plan", "--cwd", dir])).code).toBe(0); // remembers the valid manifest (.git/fleet), as any command would
    const before = await snapshot(dir);
    for (const args of [
      ["status", "projct-initiation"],
      ["status", "--html", join(dir, "no-such-folder", "status.html")],
      ["status", "--timeout", "soon"],
      ["migrate"],
      ["migrate", "--phase", "first"],
      ["migrate", "registry", "--secrets-file", join(dir, "no-such.env")],
      ["cutover"],
      ["cutover", "id"],
      ["cutover", "registy"],
      ["ci", "extra"],
      ["rollback", "regsitry"],
    ]) {
      const r = await runFleet([...args, "--cwd", dir]);
      expect(r.code, `fleet ${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^error: .+/m);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at |internal error/);
    }
    expect(await snapshot(dir)).toEqual(before);
  }, 120_000);
});
