// fleet sync --back: a worker repository's own commits (a hotfix made there) brought to the
// monorepo on the branch fleet/back/<worker>, for the team to review and merge. The next
// `fleet sync` recognises them by their Fleet-Back trailers and does not bring them back again.
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { git, gitText } from "../git/git.js";
import { commitIdentities } from "../git/identity.js";
import { splitFilters } from "../plan/split-filters.js";
import { BackConflict, planBack, type BackCommit } from "../sync/back.js";
import { BACK_TRAILER, returnedIn } from "../sync/own-commits.js";
import { forgeRemote } from "../sync/remote.js";
import { readWorkerState } from "../sync/worker-state.js";
import { openSession, whileLocked, type FleetOptions } from "./session.js";
import { splitIn } from "./split.js";

export interface SyncBackCall extends FleetOptions {
  worker: string;
  /** Say what would come back; write no branch. */
  dryRun?: boolean;
}

export interface SyncBackResult {
  worker: string;
  repository: string;
  branch: string;
  /** The monorepo commit the branch starts from. */
  base: string;
  /** The branch's tip (what it is, or would be, after this run); null when nothing comes back. */
  tip: string | null;
  /** written: the branch was made or moved; unchanged: it already holds these commits; nothing: no commit comes back. */
  status: "written" | "unchanged" | "nothing" | "dry-run";
  commits: BackCommit[];
}

export async function syncBack(options: SyncBackCall): Promise<SyncBackResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet sync --back (library)", async () => {
    const manifest = await session.manifest();
    const id = options.worker;
    const worker = manifest.workers[id];
    if (!worker) throw new UserError(`fleet.jsonc has no worker "${id}"`, { hint: `workers: ${Object.keys(manifest.workers).sort().join(", ")}` });
    if (worker.external) throw new UserError(`${id} is external: its repository is not fed from the monorepo, so nothing goes back`);
    const split = await splitIn(session, [id]);
    const splitCommit = split.workers.find((w) => w.id === id)?.commit;
    if (!splitCommit) throw new UserError(`${id} has no split: none of its paths exist in the monorepo's history`);
    const base = await gitText(["rev-parse", `refs/heads/${split.branch}`], { cwd: session.cwd });
    const filter = (await splitFilters(session.cwd, manifest, base)).filters[id]!;
    const forge = forgeFor(manifest, session.cwd, session.env, session.log);
    const remote = await forgeRemote(forge, manifest, [id]);
    if (!remote.exists(id)) throw new UserError(`${id} has no repository at ${remote.url(id)}`, { hint: remote.createHint(id) });
    const state = await readWorkerState(session.cwd, remote.url(id), id, remote.gitEnv(), remote.main(id));
    if (!state.lastSync)
      throw new UserError(`${remote.name(id)} was never synced: fleet cannot tell its own commits from the monorepo's`, { hint: `fleet sync ${id}` });
    const repository = remote.name(id);
    // copies already in the monorepo's branch (merged, not yet synced): not brought back twice
    const returned = new Set((await returnedIn(session.cwd, { from: state.lastSync.split, to: splitCommit }, repository)).values());
    const branch = `fleet/back/${id}`;
    const identity = (await commitIdentities(session.cwd)).committer;
    const committer = /^(.*) <([^>]*)>/.exec(identity) ?? ["", "worker-fleet", "fleet@localhost"];
    let plan;
    try {
      plan = await planBack(session.cwd, {
        id,
        repository,
        state,
        split: splitCommit,
        filter,
        base,
        returned,
        committer: { name: committer[1]!, email: committer[2]! },
      });
    } catch (error) {
      if (!(error instanceof BackConflict)) throw error;
      throw new UserError(`nothing was written: ${error.message}`, {
        hint: `bring the monorepo's change to ${repository} first (fleet sync ${id} once the monorepo is merged), or make the fix in the monorepo by hand`,
      });
    }
    const result = { worker: id, repository, branch, base, tip: plan.tip, commits: plan.commits };
    if (!plan.tip) return { ...result, status: "nothing" };
    if (options.dryRun) return { ...result, status: "dry-run" };
    const ref = `refs/heads/${branch}`;
    const existing = (await git(["rev-parse", "-q", "--verify", ref], { cwd: session.cwd, okCodes: [1] })).stdout.trim();
    if (existing === plan.tip) return { ...result, status: "unchanged" };
    if (existing) {
      // the branch is fleet's to rewrite only while it holds nothing but copies fleet made
      const foreign = (
        await gitText(["log", "--format=%h %s", `--invert-grep`, `--grep=^${BACK_TRAILER}: `, existing, `^${base}`], { cwd: session.cwd })
      ).trim();
      if (foreign)
        throw new UserError(`${branch} has commits fleet did not make: ${foreign.split("\n").join("; ")}`, {
          hint: `merge or delete ${branch} first (git branch -D ${branch}), then run fleet sync --back ${id} again`,
        });
      const head = (await git(["symbolic-ref", "-q", "HEAD"], { cwd: session.cwd, okCodes: [1] })).stdout.trim();
      if (head === ref) throw new UserError(`${branch} is checked out here`, { hint: `switch to another branch, then run fleet sync --back ${id} again` });
    }
    await git(["update-ref", "-m", `fleet sync --back ${id}`, ref, plan.tip, existing || ""], { cwd: session.cwd });
    return { ...result, status: "written" };
  });
}
