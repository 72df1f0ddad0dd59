// CHANGELOG.md of a worker repository: its starting version as the first release, listing the
// worker's own history. Conventional commits are grouped by type under release-please's section
// names (breaking changes first), so the releases release-please adds above read the same; a
// history that does not use them is grouped by day, newest first. Afterwards the file is the
// repository's own: release-please writes each release above this one.
import type { HistoryCommit, WorkerHistory } from "./history.js";
import type { ScaffoldInput } from "./input.js";

/** `type(scope)!: subject`, as conventionalcommits.org writes it. */
const CONVENTIONAL = /^(\w+)(?:\(([^()]*)\))?(!)?: (.+)$/;

/** release-please's default section of each type, in its order; other types go to "Other". */
const SECTIONS: [string, string][] = [
  ["feat", "Features"],
  ["fix", "Bug Fixes"],
  ["perf", "Performance Improvements"],
  ["revert", "Reverts"],
  ["refactor", "Code Refactoring"],
  ["docs", "Documentation"],
  ["test", "Tests"],
  ["build", "Build System"],
  ["ci", "Continuous Integration"],
  ["style", "Styles"],
  ["chore", "Miscellaneous Chores"],
];

export interface ConventionalCommit {
  type: string;
  scope?: string;
  breaking: boolean;
  subject: string;
}

/** The commit's conventional form, or undefined when its subject is not one. */
export function parseConventional(commit: Pick<HistoryCommit, "subject" | "body">): ConventionalCommit | undefined {
  const match = CONVENTIONAL.exec(commit.subject.trim());
  if (!match) return undefined;
  const [, type, scope, bang, subject] = match;
  const breaking = bang === "!" || /^BREAKING[ -]CHANGE: /m.test(commit.body);
  return { type: type!.toLowerCase(), ...(scope ? { scope } : {}), breaking, subject: subject! };
}

/** Whether the history is written in conventional commits: most of its commits are. */
export function usesConventionalCommits(commits: readonly HistoryCommit[]): boolean {
  const conventional = commits.filter((c) => parseConventional(c)).length;
  return commits.length > 0 && conventional * 2 >= commits.length;
}

export function renderChangelog(
  input: Pick<ScaffoldInput, "name" | "monorepoName" | "org" | "repo" | "version">,
  date: string,
  history?: WorkerHistory,
): string {
  const link = (hash: string) => `([${hash.slice(0, 7)}](https://github.com/${input.org}/${input.repo}/commit/${hash}))`;
  const lines = ["# Changelog", "", `## [${input.version}] - ${date}`, ""];
  lines.push(`${input.name} as its own repository, with its history carried over from ${input.monorepoName}.`, "");
  const commits = history?.commits ?? [];
  if (commits.length && usesConventionalCommits(commits)) {
    const parsed = commits.map((c) => ({ commit: c, cc: parseConventional(c) }));
    const entry = ({ commit, cc }: (typeof parsed)[number]) =>
      cc ? `* ${cc.scope ? `**${cc.scope}:** ` : ""}${cc.subject} ${link(commit.hash)}` : `* ${commit.subject} ${link(commit.hash)}`;
    const section = (title: string, items: typeof parsed) => (items.length ? [`### ${title}`, "", ...items.map(entry), ""] : []);
    lines.push(
      ...section(
        "⚠ BREAKING CHANGES",
        parsed.filter((p) => p.cc?.breaking),
      ),
    );
    const known = new Set(SECTIONS.map(([type]) => type));
    for (const [type, title] of SECTIONS)
      lines.push(
        ...section(
          title,
          parsed.filter((p) => p.cc?.type === type && !p.cc.breaking),
        ),
      );
    lines.push(
      ...section(
        "Other",
        parsed.filter((p) => !p.cc || (!known.has(p.cc.type) && !p.cc.breaking)),
      ),
    );
  } else if (commits.length) {
    const days = new Map<string, HistoryCommit[]>();
    for (const commit of commits) days.set(commit.date, [...(days.get(commit.date) ?? []), commit]);
    for (const day of [...days.keys()].sort().reverse()) lines.push(`### ${day}`, "", ...days.get(day)!.map((c) => `* ${c.subject} ${link(c.hash)}`), "");
  }
  if (history?.omitted)
    lines.push(`${history.omitted} older commit${history.omitted === 1 ? " is" : "s are"} not listed here; \`git log\` shows the whole history.`, "");
  return lines.join("\n");
}
