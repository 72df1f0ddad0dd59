// A package.json that does not parse is the user's to fix: exit 2, file:line:column, no stack,
// nothing written — wherever discovery meets it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import { directoriesTsCorpus } from "./directories-ts.js";
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
});
