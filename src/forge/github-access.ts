// Who may do what in a worker repository on GitHub: teams (`/repos/{o}/{r}/teams`, granted through
// the organisation's team endpoints), direct collaborators and the invitations not yet accepted
// (which count as granted: GitHub turns them into collaborators when accepted), and fleet's
// ruleset on main. The GitHub forge delegates here; its writes are paced like every other.
import type { Octokit } from "@octokit/rest";
import { UserError } from "../errors.js";
import type { Grant, MainRuleset, Permission } from "./forge.js";

/** The name fleet's ruleset has in every worker repository (one that has it is fleet's to keep). */
export const RULESET_NAME = "worker-fleet: main";

/**
 * Who may push past the ruleset. Fleet's token needs Administration write on a repository to
 * apply access at all, so the identity behind it holds the repository's admin role there:
 * letting that role through (RepositoryRole, the built-in admin role's id is 5) keeps fleet's
 * sync pushing to main whether the token is a person's or a machine user's, classic or
 * fine-grained, without fleet knowing any id. OrganizationAdmin would let only organisation
 * owners through; User needs a user id, which an installation token has not; Integration is
 * the one that fits a GitHub App (with the app's id), which this does not cover. Whoever else
 * has the admin role may push past it too: grant admin sparingly.
 */
const BYPASS_ACTORS = [{ actor_type: "RepositoryRole" as const, actor_id: 5, bypass_mode: "always" as const }];

/** GitHub's role names for collaborators (role_name, invitations) as permissions. */
const ROLE: Record<string, Permission> = { read: "pull", pull: "pull", triage: "triage", write: "push", push: "push", maintain: "maintain", admin: "admin" };

type Client = Pick<Octokit, "rest" | "paginate">;

export class GitHubAccess {
  /** Pending invitations seen by the last read, per repository and login (to withdraw or change one). */
  private readonly invitations = new Map<string, number>();
  private self?: Promise<string | undefined>;

  constructor(
    private readonly octokit: Client,
    private readonly org: string,
  ) {}

  async grants(repo: string): Promise<Grant[]> {
    const owner = this.org;
    const [teams, users, invitations, self] = await Promise.all([
      this.read(repo, "teams", () => this.octokit.paginate(this.octokit.rest.repos.listTeams, { owner, repo, per_page: 100 })),
      this.read(repo, "users", () => this.octokit.paginate(this.octokit.rest.repos.listCollaborators, { owner, repo, affiliation: "direct", per_page: 100 })),
      this.read(repo, "users", () => this.octokit.paginate(this.octokit.rest.repos.listInvitations, { owner, repo, per_page: 100 })),
      this.identity(),
    ]);
    const out: Grant[] = teams.map((t) => ({ kind: "team", name: t.slug, permission: ROLE[t.permission] ?? "pull" }));
    // the token's own identity is left out: GitHub makes a repository's creator its admin, and
    // fleet must keep that access to go on managing the repository
    for (const u of users) if (u.login !== self) out.push({ kind: "user", name: u.login, permission: ROLE[u.role_name] ?? "pull" });
    for (const i of invitations) {
      if (!i.invitee || i.expired) continue;
      this.invitations.set(`${repo}/${i.invitee.login.toLowerCase()}`, i.id);
      if (!out.some((g) => g.kind === "user" && g.name.toLowerCase() === i.invitee!.login.toLowerCase()))
        out.push({ kind: "user", name: i.invitee.login, permission: ROLE[i.permissions] ?? "pull", pending: true });
    }
    return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  }

  async grant(repo: string, grant: Grant): Promise<void> {
    const owner = this.org;
    try {
      if (grant.kind === "team")
        await this.octokit.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: owner, team_slug: grant.name, owner, repo, permission: grant.permission });
      else {
        const invitation = this.invitations.get(`${repo}/${grant.name.toLowerCase()}`);
        // an invitation not yet accepted is changed where it is; anyone else is added (or invited)
        if (invitation !== undefined)
          await this.octokit.rest.repos.updateInvitation({ owner, repo, invitation_id: invitation, permissions: toRole(grant.permission) });
        else await this.octokit.rest.repos.addCollaborator({ owner, repo, username: grant.name, permission: grant.permission });
      }
    } catch (error) {
      throw explainAccess(error, `give ${grant.kind} ${grant.name} ${grant.permission} on ${repo}`, grant.kind);
    }
  }

  async revoke(repo: string, who: Pick<Grant, "kind" | "name">): Promise<void> {
    const owner = this.org;
    try {
      if (who.kind === "team") await this.octokit.rest.teams.removeRepoInOrg({ org: owner, team_slug: who.name, owner, repo });
      else {
        const invitation = this.invitations.get(`${repo}/${who.name.toLowerCase()}`);
        if (invitation !== undefined) {
          await this.octokit.rest.repos.deleteInvitation({ owner, repo, invitation_id: invitation });
          this.invitations.delete(`${repo}/${who.name.toLowerCase()}`);
        } else await this.octokit.rest.repos.removeCollaborator({ owner, repo, username: who.name });
      }
    } catch (error) {
      throw explainAccess(error, `take ${who.kind} ${who.name}'s access to ${repo} away`, who.kind);
    }
  }

  async mainRuleset(repo: string): Promise<MainRuleset> {
    const found = await this.fleetRuleset(repo);
    if (!found) return "missing";
    const { data } = await this.octokit.rest.repos.getRepoRuleset({ owner: this.org, repo, ruleset_id: found }).catch((error: unknown) => {
      throw explainAccess(error, `read the ruleset of ${repo}`, "ruleset");
    });
    const pr = data.rules?.find((r) => r.type === "pull_request");
    const matches =
      data.target === "branch" &&
      data.enforcement === "active" &&
      (data.conditions as { ref_name?: { include?: string[] } } | null | undefined)?.ref_name?.include?.includes("refs/heads/main") === true &&
      pr !== undefined &&
      (pr as { parameters?: { require_code_owner_review?: boolean } }).parameters?.require_code_owner_review === true &&
      BYPASS_ACTORS.every((want) => data.bypass_actors?.some((a) => a.actor_type === want.actor_type && a.actor_id === want.actor_id));
    return matches ? "matches" : "differs";
  }

  async protectMain(repo: string): Promise<void> {
    const found = await this.fleetRuleset(repo);
    const body = {
      owner: this.org,
      repo,
      name: RULESET_NAME,
      target: "branch" as const,
      enforcement: "active" as const,
      bypass_actors: BYPASS_ACTORS,
      conditions: { ref_name: { include: ["refs/heads/main"], exclude: [] } },
      rules: [
        {
          type: "pull_request" as const,
          parameters: {
            dismiss_stale_reviews_on_push: true,
            require_code_owner_review: true,
            require_last_push_approval: false,
            required_approving_review_count: 1,
            required_review_thread_resolution: false,
          },
        },
      ],
    };
    try {
      if (found === undefined) await this.octokit.rest.repos.createRepoRuleset(body);
      else await this.octokit.rest.repos.updateRepoRuleset({ ...body, ruleset_id: found });
    } catch (error) {
      throw explainAccess(error, `protect main of ${repo}`, "ruleset");
    }
  }

  private async fleetRuleset(repo: string): Promise<number | undefined> {
    const all = await this.read(repo, "ruleset", () =>
      this.octokit.paginate(this.octokit.rest.repos.getRepoRulesets, { owner: this.org, repo, includes_parents: false, per_page: 100 }),
    );
    return all.find((r) => r.name === RULESET_NAME && r.source_type !== "Organization")?.id;
  }

  /** The token's login (undefined for a token that is not a user's, such as a GitHub App's). */
  private identity(): Promise<string | undefined> {
    return (this.self ??= this.octokit.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      () => undefined,
    ));
  }

  private async read<T>(repo: string, what: "teams" | "users" | "ruleset", call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw explainAccess(error, `read the ${what === "ruleset" ? "rulesets" : what === "teams" ? "teams" : "collaborators"} of ${repo}`, what);
    }
  }
}

function toRole(permission: Permission): "read" | "triage" | "write" | "maintain" | "admin" {
  return permission === "pull" ? "read" : permission === "push" ? "write" : permission;
}

/**
 * GitHub answers 403, or 404 where it hides what the token may not see, when a permission is
 * missing; 422 when it refuses the change itself (a team of another organisation, a user who
 * does not exist, a ruleset it will not take).
 */
export function explainAccess(error: unknown, what: string, about: "team" | "user" | "teams" | "users" | "ruleset"): Error {
  const code = status(error);
  const teams = about === "team" || about === "teams";
  const permission = teams
    ? "the Administration repository permission (read and write) and the Members organisation permission (read)"
    : "the Administration repository permission (read and write)";
  if (code === 401)
    return new UserError(`GitHub refused the token while trying to ${what} (HTTP 401)`, {
      hint: "set GH_TOKEN (or GITHUB_TOKEN) to a valid token",
      cause: error,
    });
  if (code === 403 || code === 404) {
    const missing = code === 404 ? (teams ? "the team does not exist, or " : "") + "GitHub hides what the token may not see" : "GitHub did not allow it";
    return new UserError(`cannot ${what} (HTTP ${code}: ${missing})`, { hint: `the token needs ${permission}`, cause: error });
  }
  if (code === 422) return new UserError(`GitHub rejected the request to ${what} (HTTP 422): ${(error as Error).message}`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function status(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error ? Number((error as { status: unknown }).status) : undefined;
}
