import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";

describe("fleet's command line", () => {
  it("prints its version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    const result = await runFleet(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("lists its commands", async () => {
    const result = await runFleet(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["init", "plan", "demo"]) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("suggests the command meant by a typo, exit 2", async () => {
    const result = await runFleet(["plna"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "plna"');
    expect(result.stderr).toContain("`fleet plan`");
  });

  it("rejects an unknown option, exit 2, without a stack", async () => {
    const result = await runFleet(["plan", "--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--frobnicate' \(in `fleet plan`\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a --cwd that is not a folder", async () => {
    const result = await runFleet(["plan", "--cwd", "/nonexistent/folder"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a directory");
  });

  it("shows a command's own help", async () => {
    const result = await runFleet(["init", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: fleet init");
    expect(result.stdout).toContain("--layout LAYOUT");
  });

  it("asks for fleet init when there is no manifest", async () => {
    const result = await runFleet(["plan", "--cwd", "."]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no manifest at fleet.jsonc");
    expect(result.stderr).toContain("fleet init");
  });
});
