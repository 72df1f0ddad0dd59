// Before create or sync writes anything: every file each worker needs is one its split carries.
// A worker that needs what fleet cannot carry (outside the monorepo, not in git) would get a
// repository that does not build, so the whole command refuses (exit 2, nothing written for any
// worker), naming each worker's files; the hint names the workers that could go ahead.
import { UserError } from "../errors.js";
import { sourceBranch } from "../git/branch.js";
import { branchCommit, gitDirs } from "../git/repository.js";
import { splitFilters } from "../plan/split-filters.js";
import type { Session } from "./session.js";

/** Throws a UserError when a worker among `ids` needs a path its split cannot carry. */
export async function refuseUncarriable(session: Session, ids: readonly string[], command: "create" | "sync"): Promise<void> {
  if (ids.length === 0) return;
  const manifest = await session.manifest();
  const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
  const tip = await branchCommit(session.cwd, (await gitDirs(session.cwd))!, branch);
  if (!tip) return;
  // the same computation the split makes next (remembered for this commit, so it is not made twice)
  const { uncarriable } = await splitFilters(session.cwd, manifest, tip);
  const refused = ids.filter((id) => uncarriable[id]?.length);
  if (refused.length === 0) return;
  const others = ids.filter((id) => !refused.includes(id));
  const problems = refused.flatMap((id) => uncarriable[id]!.map((u) => `${id}: ${u.path} (${u.for}): ${u.reason}`));
  const what = refused.length === 1 ? `worker ${refused[0]} needs` : `workers ${refused.join(", ")} need`;
  const fix = "commit what is generated, bring what lies outside the monorepo into it, or stop needing it (fleet plan lists each worker's files)";
  throw new UserError(`fleet ${command} refused: ${what} files fleet cannot carry into a repository, which would then not build; nothing was written`, {
    problems,
    hint: others.length ? `${fix}; the other workers can go ahead now: fleet ${command} ${others.join(" ")}` : fix,
  });
}
