// A pull request proposing a branch fleet pushed (`fleet/update`): the open one of that head is
// reused — its text brought up to date when it changed — else one is opened. One read, and at
// most one write, per repository.
import type { Octokit } from "@octokit/rest";
import type { ProposedChange } from "./forge.js";

export async function proposePullRequest(
  octokit: Octokit,
  owner: string,
  repo: string,
  change: ProposedChange,
): Promise<{ number: number; url: string; reused: boolean }> {
  const { data: open } = await octokit.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${change.head}`, base: change.base, per_page: 10 });
  const existing = open.find((pull) => pull.head.ref === change.head);
  if (existing) {
    if (existing.title !== change.title || (existing.body ?? "") !== change.body)
      await octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title: change.title, body: change.body });
    return { number: existing.number, url: existing.html_url, reused: true };
  }
  const { data: created } = await octokit.rest.pulls.create({ owner, repo, head: change.head, base: change.base, title: change.title, body: change.body });
  return { number: created.number, url: created.html_url, reused: false };
}
