// The GitHub stand-in's access operations: the organisation's teams and people, each repository's
// teams, direct collaborators, invitations and rulesets, answered as GitHub answers them (an
// organisation member is added at once, anyone else invited; the repository's creator is its
// admin). Every request has been checked against GitHub's OpenAPI description before it gets here.
import { example, responseSchema, resolveRef } from "./openapi-check.js";

export type Role = "read" | "triage" | "write" | "maintain" | "admin";

export interface RepoAccess {
  teams: Map<string, string>;
  /** login → role name, as GitHub reports role_name */
  collaborators: Map<string, Role>;
  invitations: Map<number, { login: string; role: Role }>;
  rulesets: Map<number, Record<string, any>>;
}

export interface OrgPeople {
  /** Team slugs of the organisation. */
  teams: Set<string>;
  /** Logins of the organisation's members (added directly); other known users are invited. */
  members: Set<string>;
  /** Every login GitHub knows here. */
  users: Set<string>;
  /** Whom the token belongs to. */
  self: string;
}

type Answer = { status: number; body?: unknown };
const NOT_FOUND: Answer = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
const ROLE_OF: Record<string, Role> = { pull: "read", read: "read", triage: "triage", push: "write", write: "write", maintain: "maintain", admin: "admin" };
const PERMISSION_OF: Record<Role, string> = { read: "pull", triage: "triage", write: "push", maintain: "maintain", admin: "admin" };
let ids = 5000;

export function newRepoAccess(creator: string): RepoAccess {
  return { teams: new Map(), collaborators: new Map([[creator, "admin"]]), invitations: new Map(), rulesets: new Map() };
}

function item(operationId: string, status: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...(example(resolveRef(responseSchema(operationId, status)?.items)) as object), ...fields };
}

function fill(operationId: string, status: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...(example(responseSchema(operationId, status)) as object), ...fields };
}

function flags(role: Role) {
  const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}

/** The answer to an access operation, or undefined when `operationId` is not one. */
export function operateAccess(
  people: OrgPeople,
  org: string,
  repo: { name: string; access: RepoAccess } | undefined,
  operationId: string,
  params: Record<string, string>,
  body: Record<string, any> | undefined,
): Answer | undefined {
  const user = (login: string) => ({
    ...(example({ $ref: "#/components/schemas/simple-user" }) as object),
    login,
    id: login.length * 1000 + login.charCodeAt(0),
    node_id: `U_${login}`,
    type: "User",
  });
  const access = repo?.access;
  switch (operationId) {
    case "users/get-authenticated":
      return { status: 200, body: fill(operationId, 200, { ...user(people.self), user_view_type: "private" }) };
    case "repos/list-teams":
      if (!access) return NOT_FOUND;
      return {
        status: 200,
        body: [...access.teams].map(([slug, permission], i) =>
          item(operationId, 200, { id: i + 1, slug, name: slug, permission, permissions: flags(ROLE_OF[permission]!), parent: null }),
        ),
      };
    case "teams/add-or-update-repo-permissions-in-org":
      if (!access || params.owner !== org || !people.teams.has(params.team_slug!)) return NOT_FOUND;
      access.teams.set(params.team_slug!, body?.permission ?? "pull");
      return { status: 204 };
    case "teams/remove-repo-in-org":
      if (!access || !people.teams.has(params.team_slug!)) return NOT_FOUND;
      access.teams.delete(params.team_slug!);
      return { status: 204 };
    case "repos/list-collaborators":
      if (!access) return NOT_FOUND;
      return {
        status: 200,
        body: [...access.collaborators].map(([login, role]) => item(operationId, 200, { ...user(login), role_name: role, permissions: flags(role) })),
      };
    case "repos/list-invitations":
      if (!access) return NOT_FOUND;
      return { status: 200, body: [...access.invitations].map(([id, i]) => invitation(operationId, 200, id, i, user)) };
    case "repos/add-collaborator": {
      if (!access) return NOT_FOUND;
      const login = params.username!;
      if (!people.users.has(login)) return { status: 422, body: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest" } };
      const role = ROLE_OF[body?.permission ?? "push"]!;
      if (people.members.has(login) || access.collaborators.has(login)) {
        access.collaborators.set(login, role);
        return { status: 204 };
      }
      const existing = [...access.invitations].find(([, i]) => i.login === login);
      const id = existing?.[0] ?? ids++;
      access.invitations.set(id, { login, role });
      return { status: 201, body: invitation(operationId, 201, id, { login, role }, user) };
    }
    case "repos/remove-collaborator":
      if (!access) return NOT_FOUND;
      access.collaborators.delete(params.username!);
      for (const [id, i] of access.invitations) if (i.login === params.username) access.invitations.delete(id);
      return { status: 204 };
    case "repos/update-invitation": {
      const found = access?.invitations.get(Number(params.invitation_id));
      if (!found) return NOT_FOUND;
      if (body?.permissions) found.role = body.permissions;
      return { status: 200, body: invitation(operationId, 200, Number(params.invitation_id), found, user) };
    }
    case "repos/delete-invitation":
      if (!access?.invitations.delete(Number(params.invitation_id))) return NOT_FOUND;
      return { status: 204 };
    case "repos/get-repo-rulesets":
      if (!access) return NOT_FOUND;
      return { status: 200, body: [...access.rulesets.values()].map((r) => summary(r)) };
    case "repos/get-repo-ruleset": {
      const found = access?.rulesets.get(Number(params.ruleset_id));
      return found ? { status: 200, body: found } : NOT_FOUND;
    }
    case "repos/create-repo-ruleset":
    case "repos/update-repo-ruleset": {
      if (!access || !repo) return NOT_FOUND;
      const id = operationId === "repos/create-repo-ruleset" ? ids++ : Number(params.ruleset_id);
      if (operationId === "repos/update-repo-ruleset" && !access.rulesets.has(id)) return NOT_FOUND;
      const status = operationId === "repos/create-repo-ruleset" ? 201 : 200;
      const { name, target, enforcement, bypass_actors, conditions, rules } = body ?? {};
      const ruleset = fill(operationId, status, {
        id,
        name,
        target,
        enforcement,
        bypass_actors: bypass_actors ?? [],
        conditions,
        rules: rules ?? [],
        source_type: "Repository",
        source: `${org}/${repo.name}`,
      });
      access.rulesets.set(id, ruleset);
      return { status, body: ruleset };
    }
    default:
      return undefined;
  }
}

function invitation(operationId: string, status: number, id: number, i: { login: string; role: Role }, user: (login: string) => object) {
  const base = status === 200 && operationId === "repos/list-invitations" ? item(operationId, 200, {}) : fill(operationId, status, {});
  return { ...base, id, node_id: `I_${id}`, permissions: i.role, invitee: user(i.login), expired: false };
}

function summary(r: Record<string, any>) {
  const { id, name, target, source_type, source, enforcement, node_id, _links, created_at, updated_at } = r;
  return Object.fromEntries(Object.entries({ id, name, target, source_type, source, enforcement, node_id, _links, created_at, updated_at }).filter(([, v]) => v !== undefined));
}
