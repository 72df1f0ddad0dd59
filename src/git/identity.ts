import { git } from "./git.js";

/** git needs an identity for the commits fleet makes; where none is configured, fleet signs as itself. */
export async function identityFallback(repo: string): Promise<Record<string, string>> {
  const ok = (await git(["var", "GIT_COMMITTER_IDENT"], { cwd: repo, okCodes: [128] })).code === 0;
  return ok
    ? {}
    : { GIT_AUTHOR_NAME: "worker-fleet", GIT_AUTHOR_EMAIL: "fleet@localhost", GIT_COMMITTER_NAME: "worker-fleet", GIT_COMMITTER_EMAIL: "fleet@localhost" };
}

/**
 * Who authors and commits a commit fleet writes itself (fast-import needs them spelled out): git's
 * own answer — config, GIT_AUTHOR_* and GIT_COMMITTER_* variables and dates — else fleet's name.
 */
export async function commitIdentities(repo: string): Promise<{ author: string; committer: string }> {
  const ident = async (what: "GIT_AUTHOR_IDENT" | "GIT_COMMITTER_IDENT") => {
    const r = await git(["var", what], { cwd: repo, okCodes: [128] });
    return r.code === 0 ? r.stdout.trim() : undefined;
  };
  const [author, committer] = await Promise.all([ident("GIT_AUTHOR_IDENT"), ident("GIT_COMMITTER_IDENT")]);
  const fallback = () => `worker-fleet <fleet@localhost> ${Math.floor(Date.now() / 1000)} +0000`;
  return { author: author ?? fallback(), committer: committer ?? fallback() };
}
