import { git } from "./git.js";

/** git needs an identity for the commits fleet makes; where none is configured, fleet signs as itself. */
export async function identityFallback(repo: string): Promise<Record<string, string>> {
  const ok = (await git(["var", "GIT_COMMITTER_IDENT"], { cwd: repo, okCodes: [128] })).code === 0;
  return ok ? {} : { GIT_AUTHOR_NAME: "worker-fleet", GIT_AUTHOR_EMAIL: "fleet@localhost", GIT_COMMITTER_NAME: "worker-fleet", GIT_COMMITTER_EMAIL: "fleet@localhost" };
}
