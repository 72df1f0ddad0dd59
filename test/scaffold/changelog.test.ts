// CHANGELOG.md from a worker's split history, on small real histories: conventional commits
// grouped by type as release-please names the sections (breaking changes first, the rest under
// Other), a history without them grouped by day (newest first), merges left out, and a long
// history cut to its newest commits with the rest counted.
import { describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { renderChangelog } from "../../src/scaffold/changelog.js";
import { workerHistory } from "../../src/scaffold/history.js";
import { fixtureRepo } from "../helpers/fixture.js";

const INPUT = { name: "Ledger", monorepoName: "acme-platform", org: "acme", repo: "acme-ledger-worker", version: "2.1.0" };

/** A repository whose commits are `commits` (subject, optional body, day), then refs/fleet/split/ledger at its tip. */
async function history(commits: { message: string; day: string }[]): Promise<string> {
  const dir = await fixtureRepo({});
  for (const [i, { message, day }] of commits.entries()) {
    const date = `${day}T12:00:0${i % 10}Z`;
    const env = { GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@acme.dev", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@acme.dev", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await git(["commit", "-q", "--allow-empty", "-m", message], { cwd: dir, env });
  }
  await git(["update-ref", "refs/fleet/split/ledger", "HEAD"], { cwd: dir });
  return dir;
}

const short = async (dir: string, rev: string) => (await gitText(["rev-parse", rev], { cwd: dir })).slice(0, 7);

describe("the CHANGELOG of a worker repository", () => {
  it("groups conventional commits by type, breaking changes first, and lists the rest under Other", async () => {
    const dir = await history([
      { message: "feat(ledger): add entries", day: "2025-01-02" },
      { message: "fix: round totals", day: "2025-01-03" },
      { message: "Tidy the README", day: "2025-01-04" },
      { message: "feat(api)!: drop v1 routes", day: "2025-01-05" },
      { message: "perf: cache balances\n\nBREAKING CHANGE: balances are cached for a minute", day: "2025-01-06" },
      { message: "wip(ledger): try a thing", day: "2025-01-07" },
      { message: "feat: export CSV", day: "2025-01-08" },
    ]);
    const found = (await workerHistory(dir, "ledger"))!;
    expect(found).toMatchObject({ tip: await gitText(["rev-parse", "HEAD"], { cwd: dir }), omitted: 0 });
    const text = renderChangelog(INPUT, "2026-11-26", found);
    const link = async (n: number) => `([${await short(dir, `HEAD~${n}`)}](https://github.com/acme/acme-ledger-worker/commit/${await gitText(["rev-parse", `HEAD~${n}`], { cwd: dir })}))`;
    expect(text).toBe(
      [
        "# Changelog",
        "",
        "## [2.1.0] - 2026-11-26",
        "",
        "Ledger as its own repository, with its history carried over from acme-platform.",
        "",
        "### ⚠ BREAKING CHANGES",
        "",
        `* cache balances ${await link(2)}`,
        `* **api:** drop v1 routes ${await link(3)}`,
        "",
        "### Features",
        "",
        `* export CSV ${await link(0)}`,
        `* **ledger:** add entries ${await link(6)}`,
        "",
        "### Bug Fixes",
        "",
        `* round totals ${await link(5)}`,
        "",
        "### Other",
        "",
        `* **ledger:** try a thing ${await link(1)}`,
        `* Tidy the README ${await link(4)}`,
        "",
      ].join("\n"),
    );
    // release-please adds each release above the first one it finds (`## [` or `## 1`)
    expect(text.search(/\n###? v?[0-9[]/)).toBe(text.indexOf("\n## [2.1.0]"));
  });

  it("groups a history without conventional commits by day, newest first, and leaves merges out", async () => {
    const dir = await history([
      { message: "Add the ledger", day: "2025-03-01" },
      { message: "Fix totals", day: "2025-03-01" },
      { message: "feat: one conventional commit among many", day: "2025-03-02" },
      { message: "Speed up reads", day: "2025-03-04" },
    ]);
    const env = { GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@acme.dev", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@acme.dev" };
    await git(["checkout", "-q", "-b", "side", "HEAD~1"], { cwd: dir });
    await git(["commit", "-q", "--allow-empty", "-m", "Side work"], { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: "2025-03-03T10:00:00Z", GIT_COMMITTER_DATE: "2025-03-03T10:00:00Z" } });
    await git(["checkout", "-q", "main"], { cwd: dir });
    await git(["merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side"], { cwd: dir, env });
    await git(["update-ref", "refs/fleet/split/ledger", "HEAD"], { cwd: dir });
    const text = renderChangelog(INPUT, "2026-11-26", (await workerHistory(dir, "ledger"))!);
    const headings = text.split("\n").filter((l) => l.startsWith("### "));
    expect(headings).toEqual(["### 2025-03-04", "### 2025-03-03", "### 2025-03-02", "### 2025-03-01"]);
    expect(text).toContain(`### 2025-03-01\n\n* Fix totals ([${await short(dir, "main~3")}]`);
    expect(text).toContain("* Add the ledger ([");
    expect(text).toContain("* Side work ([");
    expect(text).not.toContain("Merge branch");
  });

  it("lists the newest commits of a long history and counts the older ones", async () => {
    const dir = await history(Array.from({ length: 12 }, (_, i) => ({ message: `fix: change ${i}`, day: `2025-04-${String(i + 10)}` })));
    const found = (await workerHistory(dir, "ledger", 5))!;
    expect(found.commits.map((c) => c.subject)).toEqual(["fix: change 11", "fix: change 10", "fix: change 9", "fix: change 8", "fix: change 7"]);
    expect(found.omitted).toBe(7);
    const text = renderChangelog(INPUT, "2026-11-26", found);
    expect(text.split("\n").filter((l) => l.startsWith("* "))).toHaveLength(5);
    expect(text).toContain("7 older commits are not listed here; `git log` shows the whole history.");
  });

  it("without a split (not split yet), is the first release alone", async () => {
    const dir = await fixtureRepo({});
    expect(await workerHistory(dir, "ledger")).toBeUndefined();
    const text = renderChangelog(INPUT, "2026-11-26");
    expect(text).toBe("# Changelog\n\n## [2.1.0] - 2026-11-26\n\nLedger as its own repository, with its history carried over from acme-platform.\n");
  });
});
