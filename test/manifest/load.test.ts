import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";
import { UserError } from "../../src/errors.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { git } from "../../src/git/git.js";

const GOOD = `// a comment
{
  "org": "chittyos",
  "zone": "chitty.cc",
  "monorepo": { "layout": "router" },
  "workers": {
    "registry": {
      "domain": "registry.chitty.cc",
      "source": { "file": "src/services/registry.js", "export": "handleRegistry" },
    },
    "beacon": {
      "domain": "beacon.chitty.cc",
      "phase": 2,
      "dependsOn": ["registry"],
      "source": { "file": "src/services/beacon.js", "export": "handleBeacon", "style": "context" }
    },
    "id": { "domain": "id.chitty.cc", "external": "https://github.com/chittyos/chittyid" }
  }
}
`;

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, "fleet.jsonc");
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).problems;
  }
  throw new Error("expected the manifest to be rejected");
}

describe("manifest", () => {
  it("accepts comments and trailing commas, and fills in defaults", () => {
    const manifest = parseManifest(GOOD);
    expect(manifest.repoName).toBe("chittyos-{service}-worker");
    expect(manifest.providers).toEqual({ forge: "local", cloud: "local", registry: "local" });
    expect(manifest.workers.registry!.phase).toBe(1);
    expect(manifest.workers.registry!.dependsOn).toEqual([]);
    expect(manifest.workers.beacon!.source!.style).toBe("context");
  });

  const cases: [string, string, RegExp][] = [
    ["invalid JSONC", GOOD.replace('"zone": "chitty.cc",', '"zone": "chitty.cc" "x": 1,'), /fleet\.jsonc:4:\d+ comma expected/],
    ["an unknown key", GOOD.replace('"phase": 2,', '"phase": 2, "colour": "red",'), /fleet\.jsonc:13:\d+ workers\.beacon\.colour: unknown key "colour"/],
    ["an id with path traversal", GOOD.replace('"registry": {', '"../x": {').replace('["registry"]', '["../x"]'), /fleet\.jsonc:7:5 workers\["\.\.\/x"\]: invalid key "\.\.\/x": worker ids are/],
    ["a duplicate domain", GOOD.replace('"beacon.chitty.cc"', '"registry.chitty.cc"'), /fleet\.jsonc:12:\d+ workers\.beacon\.domain: domain registry\.chitty\.cc is already used by worker "registry"/],
    ["an unknown dependency", GOOD.replace('["registry"]', '["registy"]'), /fleet\.jsonc:14:\d+ workers\.beacon\.dependsOn\[0\]: unknown worker "registy" in dependsOn \(did you mean "registry"\?\)/],
    ["a pattern without {service}", GOOD.replace('"org": "chittyos",', '"org": "chittyos", "repoName": "worker",'), /repoName: must contain \{service\}/],
    ["a phase of zero", GOOD.replace('"phase": 2', '"phase": 0'), /workers\.beacon\.phase: Too small/],
    ["a source path escaping the repository", GOOD.replace("src/services/beacon.js", "../../etc/passwd"), /workers\.beacon\.source\.file: must be a relative path/],
    ["an unknown worker in calls", GOOD.replace('"phase": 2,', '"phase": 2, "calls": ["registy"],'), /workers\.beacon\.calls\[0\]: unknown worker "registy" in calls \(did you mean "registry"\?\)/],
    ["an alias another worker holds", GOOD.replace('"phase": 2,', '"phase": 2, "aliases": ["registry.chitty.cc"],'), /workers\.beacon\.aliases\[0\]: domain registry\.chitty\.cc is already used by worker "registry"/],
    ["a path route that is not a path", GOOD.replace('"phase": 2,', '"phase": 2, "paths": ["pass"],'), /workers\.beacon\.paths\[0\]: must be a path prefix such as \/pass/],
    ["a health path that is not a path", GOOD.replace('"phase": 2,', '"phase": 2, "health": { "path": "health" },'), /workers\.beacon\.health\.path: must be a path such as \/health/],
    ["a health status that is not one", GOOD.replace('"phase": 2,', '"phase": 2, "health": { "statuses": ["20x"] },'), /workers\.beacon\.health\.statuses\[0\]: must be a status code such as 200 or a class such as 2xx/],
    ["npm overrides that are not a map", GOOD.replace('"org": "chittyos",', '"org": "chittyos", "npm": { "overrides": ["vite"] },'), /npm\.overrides: /],
    ["a source with both file and config", GOOD.replace('"export": "handleRegistry"', '"export": "handleRegistry", "config": "wrangler-x.toml"'), /source needs exactly one of "dir".*"file".*"config"/],
  ];
  for (const [what, text, expected] of cases) {
    it(`rejects ${what} with its location`, () => {
      expect(problemsOf(text).join("\n")).toMatch(expected);
    });
  }

  it("reports every problem at once, not just the first", () => {
    const text = GOOD.replace('"phase": 2,', '"phase": 2, "colour": "red",').replace('["registry"]', '["nope"]').replace('"org": "chittyos"', '"org": "chitty os"');
    const problems = problemsOf(text);
    expect(problems.some((p) => p.includes("colour"))).toBe(true);
    expect(problems.some((p) => p.includes('unknown worker "nope"'))).toBe(true);
    expect(problems.some((p) => p.includes("org:"))).toBe(true);
  });

  it("still checks the entry of a worker whose id is invalid", () => {
    const problems = problemsOf(GOOD.replace('"beacon": {', '"Beacon!": {').replace('"phase": 2,', '"phase": 2, "colour": "red",'));
    expect(problems.join("\n")).toMatch(/workers\["Beacon!"\]: invalid key/);
    expect(problems.join("\n")).toMatch(/workers\["Beacon!"\]\.colour: unknown key "colour"/);
  });
});

describe("a bad manifest on the command line", () => {
  for (const [what, text] of [
    ["invalid JSONC", "{ org: "],
    ["an unknown key", GOOD.replace('"phase": 2,', '"phase": 2, "colour": "red",')],
    ["an id with path traversal", GOOD.replace('"registry": {', '"../x": {').replace('["registry"]', '["../x"]')],
    ["a duplicate domain", GOOD.replace('"beacon.chitty.cc"', '"registry.chitty.cc"')],
    ["an unknown dependency", GOOD.replace('["registry"]', '["registy"]')],
  ] as const) {
    it(`${what}: exit 2, a located message, no stack, nothing written`, async () => {
      const dir = await tempDir();
      await git(["init", "-q"], { cwd: dir });
      await writeFile(join(dir, "fleet.jsonc"), text);
      const before = await readdir(dir);
      for (const command of ["plan", "init"]) {
        const result = await runFleet([command, "--cwd", dir]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^error: fleet\.jsonc (is not valid JSONC|has \d+ problems?)/);
        expect(result.stderr).toMatch(/fleet\.jsonc:\d+:\d+ /);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(await readdir(dir)).toEqual(before);
        expect(await readFile(join(dir, "fleet.jsonc"), "utf8")).toBe(text);
      }
    });
  }
});
