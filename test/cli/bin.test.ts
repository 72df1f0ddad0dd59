// A few runs of the built binary, as a user runs it (requires `npm run build`, which
// `npm test` does first).
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";

const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;

function fleet(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CI: "1" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the fleet binary", () => {
  it("prints its version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    expect(fleet(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("runs init and plan on the example, without colour codes (the whole demo is in the slow suite)", async () => {
    const dir = join(await tempDir(), "demo");
    expect(fleet(["example", dir, "--commits", "300"]).code).toBe(0);
    const init = fleet(["init", "--cwd", dir]);
    expect(init.code, init.stderr).toBe(0);
    const result = fleet(["plan", "--cwd", dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ *#  worker +domain +phase/m);
    expect(result.stdout).toMatch(/project-initiation +initiate\.chitty\.cc/);
    expect(init.stdout + init.stderr + result.stdout + result.stderr).not.toMatch(/\x1b\[/);
    expect(await readFile(join(dir, "fleet.jsonc"), "utf8")).toContain('"project-initiation"');
  });

  it("refuses to generate into a folder that has files, and leaves them alone", async () => {
    const dir = await tempDir();
    const first = fleet(["example", dir, "--commits", "5"]);
    expect(first.code).toBe(0);
    const again = fleet(["example", dir, "--commits", "5"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .+ is not empty$/m);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const bad = fleet(["example", join(dir, "x"), "--commits", "many"]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--commits must be a whole number from 1 to 100000, not "many"') });
  });
});
