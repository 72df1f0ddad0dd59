// The GitHub stand-in's pull requests: list a repository's (by state, head `owner:branch` and
// base), open one, change its title and body. A head branch must exist in the repository's git
// (as GitHub answers 422 otherwise). Every request was checked against GitHub's OpenAPI
// description before it gets here; answers are filled from the description's schemas.
import { spawnSync } from "node:child_process";

export interface StandInPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
}

type Fill = (operationId: string, status: number, fields: Record<string, unknown>) => unknown;
type Answer = { status: number; body?: unknown };

export function operatePulls(
  pulls: StandInPull[],
  where: { org: string; repo: string; gitDir: string },
  operationId: string,
  params: Record<string, string>,
  query: Record<string, string>,
  body: Record<string, any>,
  fill: Fill,
): Answer | undefined {
  const object = (op: string, status: number, pull: StandInPull) =>
    fill(op, status, {
      number: pull.number,
      id: 5000 + pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      html_url: `https://github.com/${where.org}/${where.repo}/pull/${pull.number}`,
      head: { ...((fill(op, status, {}) as { head?: object }).head ?? {}), ref: pull.head, label: `${where.org}:${pull.head}` },
      base: { ...((fill(op, status, {}) as { base?: object }).base ?? {}), ref: pull.base, label: `${where.org}:${pull.base}` },
    });
  switch (operationId) {
    case "pulls/list": {
      const head = query.head?.includes(":") ? query.head.split(":") : undefined;
      const found = pulls.filter(
        (p) =>
          (query.state ?? "open") === "all" ||
          (p.state === (query.state ?? "open") && (!head || (head[0] === where.org && head[1] === p.head)) && (!query.base || query.base === p.base)),
      );
      // a listed pull request has the fields of one read alone (pulls/get) that the list's schema asks for
      return { status: 200, body: found.map((p) => object("pulls/get", 200, p)) };
    }
    case "pulls/create": {
      const exists = (branch: string) => spawnSync("git", ["rev-parse", "-q", "--verify", `refs/heads/${branch}`], { cwd: where.gitDir }).status === 0;
      if (!exists(body.head) || !exists(body.base))
        return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] } };
      if (pulls.some((p) => p.state === "open" && p.head === body.head && p.base === body.base))
        return { status: 422, body: { message: `A pull request already exists for ${where.org}:${body.head}.` } };
      const pull: StandInPull = { number: pulls.length + 1, title: body.title, body: body.body ?? "", head: body.head, base: body.base, state: "open" };
      pulls.push(pull);
      return { status: 201, body: object("pulls/create", 201, pull) };
    }
    case "pulls/update": {
      const pull = pulls.find((p) => p.number === Number(params.pull_number));
      if (!pull) return undefined;
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.body === "string") pull.body = body.body;
      return { status: 200, body: object("pulls/update", 200, pull) };
    }
    default:
      return undefined;
  }
}
