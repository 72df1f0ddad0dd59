// A package.json (or pnpm-workspace.yaml) that does not parse is the user's to fix: exit 2, file:line:column, no stack,
// nothing written — wherever discovery meets it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import { directoriesTsCorpus } from "./directories-ts.js";
import { turborepoCorpus } from "./turborepo.js";
import { corpusRepo } from "./repo.js";

const BROKEN = '{\n  "name": "@acme/x",\n  "dependencies": { "hono": "^4" ,, }\n}\n';

describe("a package.json that does not parse", () => {
  for (const where of ["package.json", "workers/alpha/package.json"]) {
    it(`at ${where}: fleet init exits 2 naming ${where}:3:35, writes nothing`, async () => {
      const { files } = directoriesTsCorpus(30);
      const dir = await corpusRepo({ ...files, [where]: BROKEN });
      const result = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`error: ${where}:3:35: not valid JSON`);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(existsSync(join(dir, "fleet.jsonc"))).toBe(false);
    });
  }

  it("pnpm-workspace.yaml that does not parse: fleet init exits 2 naming it with line and column, writes nothing", async () => {
    const { files } = turborepoCorpus();
    const dir = await corpusRepo({ ...files, "pnpm-workspace.yaml": "packages:\n  - apps/*\ncatalog:\n  agents: [0.2.35\n" });
    const result = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/error: pnpm-workspace\.yaml:\d+:\d+: not valid YAML/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(dir, "fleet.jsonc"))).toBe(false);
  });
});
