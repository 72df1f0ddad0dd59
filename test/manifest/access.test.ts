// Access in the manifest: the fleet's teams, users, owners and protect, a worker's entries over
// them, and the shapes the schema refuses.
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { accessOf } from "../../src/manifest/access.js";
import { parseManifest } from "../../src/manifest/load.js";

const manifest = (extra: object, worker: object = {}) =>
  JSON.stringify({
    org: "acme",
    zone: "acme.dev",
    monorepo: { layout: "directories" },
    ...extra,
    workers: { api: { source: { dir: "workers/api" }, ...worker }, web: { source: { dir: "workers/web" } } },
  });

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, "fleet.jsonc");
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).problems;
  }
  throw new Error("expected the manifest to be rejected");
}

describe("access in the manifest", () => {
  it("gives each worker the fleet's access with its own entries added and winning", () => {
    const m = parseManifest(
      manifest(
        { access: { teams: { platform: "push", sre: "maintain" }, users: { ana: "pull" } }, owners: ["@acme/platform"], protect: true },
        { access: { teams: { platform: "admin" }, users: { bo: "triage" } }, owners: ["@ana"], protect: false },
      ),
    );
    expect(accessOf(m, "api")).toEqual({ teams: { platform: "admin", sre: "maintain" }, users: { ana: "pull", bo: "triage" }, owners: ["@ana"], protect: false });
    expect(accessOf(m, "web")).toEqual({ teams: { platform: "push", sre: "maintain" }, users: { ana: "pull" }, owners: ["@acme/platform"], protect: true });
  });

  it("has no access by default", () => {
    expect(accessOf(parseManifest(manifest({})), "api")).toEqual({ teams: {}, users: {}, owners: [], protect: false });
  });

  it("refuses unknown levels, owners in another form, and teams of another organisation, each with its place", () => {
    const problems = problemsOf(
      manifest({ access: { teams: { platform: "write" } }, owners: ["acme/platform", "@other/web"] }, { owners: ["@Acme/core", "@x/y/z"] }),
    );
    expect(problems.join("\n")).toMatch(/access\.teams\.platform.*(pull|invalid)/i);
    expect(problems.join("\n")).toMatch(/owners\[0\].*@org\/team-slug or @login/);
    expect(problems.join("\n")).toMatch(/owners\[1\].*team of other, not of acme/);
    expect(problems.join("\n")).toMatch(/workers\.api\.owners\[1\].*@org\/team-slug or @login/);
    expect(problems.join("\n")).not.toMatch(/@Acme\/core|@x\/y\/z is a team/);
  });
});
