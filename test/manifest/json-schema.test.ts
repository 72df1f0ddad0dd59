import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { manifestJsonSchema } from "../../src/manifest/schema.js";

describe("the manifest's JSON Schema", () => {
  it("is the one committed in schema/fleet.schema.json (run `npm run schema` after changing the schema)", async () => {
    const committed = JSON.parse(await readFile(new URL("../../schema/fleet.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(manifestJsonSchema());
  });

  it("describes the fields editors complete", () => {
    const schema = manifestJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["org", "repoName", "zone", "topics", "secrets", "monorepo", "providers", "workers"]));
    expect(schema.required).toEqual(expect.arrayContaining(["org", "zone", "monorepo", "workers"]));
    expect(schema.required).not.toContain("repoName");
  });
});
