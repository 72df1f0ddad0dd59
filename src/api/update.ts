// `fleet update`: the scaffold as fleet renders it now (current manifest, current fleet), merged
// three ways into each worker repository's main and proposed on the branch `fleet/update` —
// never pushed to main. The team's edits are kept; where both sides changed the same lines, the
// file keeps conflict markers and is named. Per worker, resumable: a repository already up to
// date, or whose `fleet/update` already holds this update, gets nothing.
import { SourceTree } from "../discovery/source-tree.js";
import { UserError } from "../errors.js";
import type { Forge } from "../forge/forge.js";
import { forgeFor } from "../forge/select.js";
import { sourceBranch } from "../git/branch.js";
import { git, gitText } from "../git/git.js";
import { commitIdentities, identityFallback } from "../git/identity.js";
import { repoNameFor } from "../manifest/names.js";
import { scaffoldInput, type ScaffoldInput } from "../scaffold/input.js";
import { sourceName } from "../sync/sync.js";
import { boundedMap } from "../concurrency/bounded.js";
import { renderingFor, renderingsWithDates, repositoryRendering } from "../update/scaffold-drift.js";
import { mergeTemplate, UPDATE_BRANCH, UPDATE_TRAILER, updateCommit } from "../update/template-merge.js";
import { openSession, whileLocked, workersOf, type FleetOptions } from "./session.js";

/** Repositories updated at once (each is a few git processes and one push). */
const UPDATE_CONCURRENCY = 4;

export interface UpdateCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest; external ones are left out). */
  workers?: string[];
  /** Work out each repository's update and its diff; push nothing. */
  dryRun?: boolean;
  onStart?: (forge: string, total: number) => void;
  onProgress?: (done: number) => void;
}

export type UpdateStatus =
  /** main already has the current template */
  | "up-to-date"
  /** `fleet/update` already holds this update (nothing pushed) */
  | "proposed-already"
  /** pushed to `fleet/update` */
  | "proposed"
  /** pushed to `fleet/update` with conflict markers in `conflicts` */
  | "conflicted"
  /** dry run: what would be pushed */
  | "would-update"
  | "would-conflict"
  /** nothing fleet can update: no repository, an empty one, or a `fleet/update` someone else committed to */
  | "skipped"
  | "failed";

export interface UpdateResult {
  id: string;
  repo: string;
  status: UpdateStatus;
  /** Files the update changes in main (added, changed, deleted). */
  files: string[];
  /** Files left with conflict markers. */
  conflicts: string[];
  /** The commit `fleet/update` points at (proposed, conflicted, proposed-already). */
  commit?: string;
  /** The pull request proposing it, where the forge has them. */
  pullRequest?: { number: number; url: string; reused: boolean };
  /** Dry run: the patch the update would make to main. */
  diff?: string;
  detail?: string;
}

export interface UpdateSummary {
  forge: string;
  external: string[];
  repositories: UpdateResult[];
}

/** Renders every named worker's scaffold now and proposes it to its repository on `fleet/update`. */
export async function update(options: UpdateCall = {}): Promise<UpdateSummary> {
  const session = openSession(options);
  return whileLocked(session, "fleet update (library)", async () => {
    const manifest = await session.manifest();
    const selected = workersOf(manifest, options.workers);
    const external = selected.filter((id) => manifest.workers[id]!.external);
    const ids = selected.filter((id) => !manifest.workers[id]!.external);
    const forge = forgeFor(manifest, session.cwd, session.env, session.log);
    const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
    const [tree, monorepoName, heads, identity, env] = await Promise.all([
      SourceTree.atCommit(session.cwd, `refs/heads/${branch}`),
      sourceName(session.cwd),
      forge.heads(ids.map((id) => repoNameFor(manifest, id))),
      commitIdentities(session.cwd),
      identityFallback(session.cwd),
    ]);
    options.onStart?.(forge.label, ids.length);
    let done = 0;
    let stop: UserError | undefined;
    try {
      const repositories = await boundedMap(ids, UPDATE_CONCURRENCY, async (id): Promise<UpdateResult | undefined> => {
        const repo = repoNameFor(manifest, id);
        if (stop) return undefined;
        try {
          const head = heads.get(repo);
          if (!head)
            return { id, repo, status: "skipped", files: [], conflicts: [], detail: `no repository in the ${forge.label}: run \`fleet create ${id}\`` };
          if (!head.main) return { id, repo, status: "skipped", files: [], conflicts: [], detail: `the repository is empty: run \`fleet create ${id}\`` };
          const input = await scaffoldInput(manifest, id, tree, monorepoName);
          return await updateOne({ monorepo: session.cwd, forge, url: head.url, identity, env, dryRun: Boolean(options.dryRun) }, id, repo, input);
        } catch (error) {
          if (error instanceof UserError) {
            stop ??= error;
            return undefined;
          }
          return { id, repo, status: "failed", files: [], conflicts: [], detail: (error as Error).message.split("\n")[0]! };
        } finally {
          options.onProgress?.(++done);
        }
      });
      if (stop) throw stop;
      return { forge: forge.label, external, repositories: repositories.filter((r): r is UpdateResult => r !== undefined) };
    } finally {
      tree.close();
    }
  });
}

interface UpdateContext {
  monorepo: string;
  forge: Forge;
  url: string;
  identity: { author: string; committer: string };
  env: Record<string, string>;
  dryRun: boolean;
}

async function updateOne(ctx: UpdateContext, id: string, repo: string, input: ScaffoldInput): Promise<UpdateResult> {
  const { monorepo, forge, url } = ctx;
  const mainRef = `refs/fleet/worker/${id}`;
  const proposedRef = `refs/fleet/update/${id}`;
  const listed = await gitText(["ls-remote", "--", url, "refs/heads/main", `refs/heads/${UPDATE_BRANCH}`], { cwd: monorepo, env: forge.gitEnv() });
  const remote = new Map(listed.split("\n").flatMap((line) => (line ? [line.split("\t").reverse() as [string, string]] : [])));
  const main = remote.get("refs/heads/main");
  if (!main) return { id, repo, status: "skipped", files: [], conflicts: [], detail: `the repository is empty: run \`fleet create ${id}\`` };
  const proposed = remote.get(`refs/heads/${UPDATE_BRANCH}`);
  const refspecs = [`+refs/heads/main:${mainRef}`, ...(proposed ? [`+refs/heads/${UPDATE_BRANCH}:${proposedRef}`] : [])];
  await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--", url, ...refspecs], { cwd: monorepo, env: forge.gitEnv() });
  const renderings = await renderingsWithDates(monorepo, main);
  if (renderings.length === 0)
    return { id, repo, status: "skipped", files: [], conflicts: [], detail: "main has no scaffold commit of fleet's (Fleet-Scaffold trailer) to merge from" };
  // the CHANGELOG's first release is the day fleet created the repository, in every rendering
  const rendered = renderingFor(input, await repositoryRendering(monorepo, renderings));
  const merge = await mergeTemplate(
    monorepo,
    id,
    { main, base: renderings[0]!.commit, mainRef, renderingRef: `refs/fleet/template/${id}` },
    rendered,
    ctx.identity,
  );
  const result: UpdateResult = { id, repo, status: "up-to-date", files: [], conflicts: merge.conflicts };
  if (!merge.templateChanged || !merge.changesMain) return result;
  result.files = (await gitText(["diff", "--name-only", "-z", main, merge.tree], { cwd: monorepo })).split("\0").filter(Boolean);
  if (ctx.dryRun) {
    result.status = merge.conflicts.length ? "would-conflict" : "would-update";
    result.diff = await gitText(["diff", "--stat", "--patch", main, merge.tree], { cwd: monorepo });
    return result;
  }
  if (proposed) {
    const [trailer, parent, tree] = (
      await gitText(["log", "-1", `--format=%(trailers:key=${UPDATE_TRAILER},valueonly)%x00%P%x00%T`, proposed], { cwd: monorepo })
    ).split("\0");
    if (!trailer?.trim())
      return {
        ...result,
        status: "skipped",
        detail: `${UPDATE_BRANCH} has commits fleet did not make: merge or delete the branch, then run \`fleet update ${id}\` again`,
      };
    if (parent?.split(" ")[0] === main && tree?.trim() === merge.tree) {
      result.status = "proposed-already";
      result.commit = proposed;
      await propose(ctx, id, repo, result);
      return result;
    }
  }
  const commit = await updateCommit(monorepo, id, main, merge, ctx.env);
  // replaces only the branch as this run read it: a push to it since then is not overwritten
  await git(["push", "--quiet", `--force-with-lease=refs/heads/${UPDATE_BRANCH}:${proposed ?? ""}`, "--", url, `${commit}:refs/heads/${UPDATE_BRANCH}`], {
    cwd: monorepo,
    env: forge.gitEnv(),
  });
  result.status = merge.conflicts.length ? "conflicted" : "proposed";
  result.commit = commit;
  await propose(ctx, id, repo, result);
  return result;
}

/** Opens (or finds the open) pull request of `fleet/update` into main, where the forge has them. */
async function propose(ctx: UpdateContext, id: string, repo: string, result: UpdateResult): Promise<void> {
  if (!ctx.forge.proposeChange) return;
  const body = [
    `The scaffold of ${id} as fleet renders it now, merged three ways with this repository's own edits.`,
    "",
    result.conflicts.length ? `**Conflicts** (both sides changed the same lines): ${result.conflicts.map((f) => `\`${f}\``).join(", ")}.` : "No conflicts.",
    "",
    `Files: ${result.files.map((f) => `\`${f}\``).join(", ")}`,
  ].join("\n");
  result.pullRequest = await ctx.forge.proposeChange(repo, { head: UPDATE_BRANCH, base: "main", title: `Update the scaffold of ${id} (fleet update)`, body });
}
