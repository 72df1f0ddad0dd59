// The Node.js check that runs before anything else: fleet needs what wrangler and Vitest need.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem, requiredNodeVersion, satisfiesNode } from "../../src/cli/node-version.js";

describe("the Node.js fleet needs", () => {
  it("is package.json's engines.node", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    expect(`>=${requiredNodeVersion()}`).toBe(pkg.engines.node.replace(/\s/g, ""));
  });

  it("compares versions part by part", () => {
    expect(satisfiesNode("v20.20.2", "22.12")).toBe(false);
    expect(satisfiesNode("v22.11.9", "22.12")).toBe(false);
    expect(satisfiesNode("v22.12.0", "22.12")).toBe(true);
    expect(satisfiesNode("v22.9.0", "22.12")).toBe(false); // 9 < 12 as numbers, not as text
    expect(satisfiesNode("v24.0.0", "22.12")).toBe(true);
    expect(satisfiesNode("v100.0.0", "22.12")).toBe(true);
    expect(satisfiesNode("v23.0.0-nightly2024", "22.12")).toBe(true);
  });

  it("names the version found, the one needed and how to get it; nothing when the version will do", () => {
    const message = nodeVersionProblem("v20.20.2", "22.12")!;
    expect(message).toMatch(/^error: fleet needs Node\.js 22\.12 or newer; this is Node\.js 20\.20\.2/);
    expect(message).toContain("nvm install 24");
    expect(nodeVersionProblem(process.version)).toBeUndefined();
  });
});
