// Sync merges a worker's split into its repository, like `git subtree merge`: one merge commit
// on main (first parent the previous tip, second the new split tip), whose tree is the previous
// tree with the monorepo-owned paths replaced by the split's. Plan first, then carry it out.
import { createHash } from "node:crypto";
import { boundedMap } from "../concurrency/bounded.js";
import { crashPoint } from "../fs/crash-points.js";
import { fileAt, git, gitText } from "../git/git.js";
import { commitIdentities } from "../git/identity.js";
import { treeEntries, writeCommit } from "../git/write-commit.js";
import type { WorkerRemote } from "./remote.js";
import { mergedSplitCommit, ownCommitsSince, returnedIn, versionOnlyChange } from "./own-commits.js";
import { remapSplit } from "./remap.js";
import { readWorkerState, SOURCE_TRAILER, SPLIT_TRAILER, type WorkerState } from "./worker-state.js";
import { derivedFiles } from "./derived-files.js";
import type { Workspace } from "../npm/workspace.js";
import { WRANGLER_FILES } from "../discovery/file-kinds.js";

export type SyncAction =
  | { kind: "up-to-date"; id: string; split: string; carried?: { path: string; content: string }; dependencies?: Record<string, string>; remembered?: boolean }
  | {
      kind: "merge";
      id: string;
      split: string;
      state: WorkerState;
      ownedBefore: string[];
      /** The split's files as `ls-tree -r -z` gives them (mode, type, id, path), for the merge. */
      splitEntries: string;
      commits: number;
      /** The split commits that are copies of the repository's own (came back through the monorepo): copy → original. */
      returned: Map<string, string>;
      /** What the repository holds for the last split it merged (itself, unless a hotfix came back before). */
      boundary: string | null;
      carried?: { path: string; content: string };
      dependencies?: Record<string, string>;
    }
  | {
      kind: "refused";
      id: string;
      split: string;
      paths: string[];
      /** The repository's own commits that changed those paths and have not come back to the monorepo. */
      waiting: string[];
      /** Refused for another reason than those paths: what it is, and the way forward. */
      reason?: string;
    }
  | { kind: "no-split"; id: string }
  | { kind: "no-repository"; id: string; hint: string }
  | { kind: "unreachable"; id: string; reason: string };

export interface SyncSource {
  /** How the monorepo is named in trailers: its origin URL without credentials, or its folder name. */
  name: string;
  /** The monorepo commit the splits were made from. */
  commit: string;
}

export interface SyncOutcome {
  id: string;
  status: "merged" | "up-to-date" | "refused" | "failed" | "skipped";
  commit?: string;
  detail?: string;
}

/** Decides, per worker, what a sync would do. Reads the worker repositories; changes none. */
export interface SyncTarget {
  id: string;
  split: string | null;
  /** A file derived from the monorepo beside the split (the router's carried context wrapper). */
  carried?: { path: string; content: string };
  /**
   * The npm packages the worker's code imports, at the monorepo's ranges, for a worker whose
   * package.json is not in its split (a router's service module): the repository's package.json
   * keeps everything else and takes these.
   */
  dependencies?: Record<string, string>;
}

/** How many worker repositories are read, or merged into and pushed, at once. */
export const SYNC_CONCURRENCY = 8;

export async function planSync(repo: string, remote: WorkerRemote, targets: SyncTarget[]): Promise<SyncAction[]> {
  return boundedMap(targets, SYNC_CONCURRENCY, async ({ id, split, carried, dependencies }): Promise<SyncAction> => {
    if (!split) return { kind: "no-split", id };
    try {
      return await planOne(repo, remote, id, split, carried, dependencies);
    } catch (error) {
      // a worker repository that cannot be read now (network, forge down) does not stop the others
      return { kind: "unreachable", id, reason: firstLine(error) };
    }
  });
}

async function planOne(
  repo: string,
  remote: WorkerRemote,
  id: string,
  split: string,
  carried?: SyncTarget["carried"],
  dependencies?: SyncTarget["dependencies"],
): Promise<SyncAction> {
  if (!remote.exists(id)) return { kind: "no-repository", id, hint: remote.createHint(id) };
  const state = await readWorkerState(repo, remote.url(id), id, remote.gitEnv(), remote.main(id));
  // a change to the router's context wrapper alone leaves the split as it was, but not the worker
  const carriedStale = carried !== undefined && state.tip !== null && (await fileAt(repo, state.tip, carried.path)) !== carried.content;
  // ... and so does a new range in the monorepo's package.json for a package the worker imports
  const dependenciesStale = dependencies !== undefined && state.tip !== null && (await dependenciesDiffer(repo, state.tip, dependencies));
  const upToDate = state.lastSync?.split === split && !carriedStale && !dependenciesStale;
  const nothing: SyncAction = { kind: "up-to-date", id, split, ...(carried ? { carried } : {}), ...(dependencies ? { dependencies } : {}) };
  // nothing new from the monorepo, and nothing new in the repository since fleet's last sync
  if (upToDate && state.tip === state.lastSync?.commit) return nothing;
  const ownedBefore = state.lastSync ? await treeFiles(repo, state.lastSync.split) : [];
  const splitEntries = (await git(["ls-tree", "-r", "-z", "--full-tree", split], { cwd: repo })).stdout;
  const ownedAfter = splitEntries
    .split("\0")
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf("\t") + 1));
  // the carried file is the monorepo's like the split's paths: an edit made in the repository is refused, not overwritten
  // (before the first sync the scaffold wrote it: that is fleet's own copy)
  const owned = new Set([...ownedBefore, ...ownedAfter, ...(carried && state.lastSync ? [carried.path] : [])]);
  let touched = state.tip ? await changedByRepository(repo, state, owned, split) : [];
  // a release's version bump of package.json is the repository's own (sync keeps its version)
  if (touched.includes("package.json") && state.lastSync && (await versionOnlyChange(repo, state.lastSync.commit, state.tip!)))
    touched = touched.filter((p) => p !== "package.json");
  // copies of the repository's own commits in the split: a hotfix that went back (fleet sync --back) and was merged
  const returned = state.lastSync ? await returnedIn(repo, { from: state.lastSync.split, to: split }, remote.name(id)) : new Map<string, string>();
  if (touched.length > 0) {
    // the paths were changed here: fine when every commit of the repository's that changed them is back in the monorepo
    const isOwned = (path: string) => owned.has(path) && touched.includes(path);
    const back = new Set(returned.values());
    const waiting: string[] = [];
    for (const own of await ownCommitsSince(repo, state)) {
      if (back.has(own.commit) || !own.changes.some((c) => isOwned(c.path))) continue;
      const onlyVersion = own.changes.every((c) => !isOwned(c.path) || c.path === "package.json") && (await versionOnlyChange(repo, own.parent, own.commit));
      if (!onlyVersion) waiting.push(own.commit);
    }
    if (waiting.length > 0 || (back.size === 0 && !upToDate)) {
      // forgotten here, so that the next sync reads the repository again rather than trusting what this clone remembers
      await git(["update-ref", "-d", `refs/fleet/synced/${id}`], { cwd: repo });
      return { kind: "refused", id, split, paths: touched, waiting };
    }
  }
  if (upToDate) return nothing;
  // a folder worker whose repository holds its folder at the root, as fleet made it before the
  // worker carried files from outside its folder: the split now keeps the monorepo's paths, and a
  // merge would take away the config and package.json its scaffold runs from
  const rootConfig = (paths: readonly string[]) => paths.some((p) => (WRANGLER_FILES as readonly string[]).includes(p));
  if (dependencies && rootConfig(ownedBefore) && !rootConfig(ownedAfter)) return { kind: "refused", id, split, paths: [], waiting: [], reason: LAYOUT_CHANGED };
  const boundary = state.lastSync && state.tip ? await mergedSplitCommit(repo, state.tip, state.lastSync.split) : null;
  const range = state.lastSync ? [split, `^${state.lastSync.split}`] : [split];
  const commits = Number(await gitText(["rev-list", "--count", ...range], { cwd: repo })) - returned.size;
  return {
    kind: "merge",
    id,
    split,
    state,
    ownedBefore,
    splitEntries,
    commits,
    returned,
    boundary,
    ...(carried ? { carried } : {}),
    ...(dependencies ? { dependencies } : {}),
  };
}

/** Whether the repository's package.json (at `tip`) lists any of `dependencies` at another range. */
async function dependenciesDiffer(repo: string, tip: string, dependencies: Record<string, string>): Promise<boolean> {
  const text = await fileAt(repo, tip, "package.json");
  if (text === undefined) return false; // no package.json of fleet's to keep in step (sync does not make one)
  let listed: Record<string, string> = {};
  try {
    listed = (JSON.parse(text) as { dependencies?: Record<string, string> }).dependencies ?? {};
  } catch {
    return false; // the repository's own broken file: its CI says so; sync does not rewrite it
  }
  return Object.entries(dependencies).some(([name, range]) => listed[name] !== range);
}

/** git's id of a blob with this content (what `git hash-object` says), without a process. */
/** The record of a router worker's npm ranges fleet last synced (refs/fleet/dependencies/<id>): a sorted JSON object. */
export function dependenciesRecord(dependencies: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : 1))));
}

export function blobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Monorepo-owned paths the worker repository changed since its last sync (or, before the first
 * sync, holds with other content): syncing would overwrite them, so sync refuses.
 */
async function changedByRepository(repo: string, state: WorkerState, owned: Set<string>, split: string): Promise<string[]> {
  if (state.lastSync) {
    const { stdout } = await git(["diff-tree", "-r", "-z", "--no-renames", "--name-only", state.lastSync.commit, state.tip!], { cwd: repo });
    return stdout
      .split("\0")
      .filter((p) => p && owned.has(p))
      .sort();
  }
  const { stdout } = await git(["diff-tree", "-r", "-z", "--no-renames", "--name-only", split, state.tip!], { cwd: repo });
  const theirs = new Set(await treeFiles(repo, state.tip!));
  return stdout
    .split("\0")
    .filter((p) => p && owned.has(p) && theirs.has(p))
    .sort();
}

async function treeFiles(repo: string, commit: string): Promise<string[]> {
  const { stdout } = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], { cwd: repo });
  return stdout.split("\0").filter(Boolean);
}

export interface ExecuteOptions {
  source: SyncSource;
  /** Push to the worker repository (default); without, the merge is kept at refs/fleet/sync/<id>. */
  push: boolean;
  /** The manifest's npm overrides, for the worker's derived package.json. */
  npmOverrides?: Record<string, unknown>;
  /** Environment for npm (its cache, the registry). */
  env?: NodeJS.ProcessEnv;
  /** The monorepo's package workspace at the synced commit (catalog and workspace ranges). */
  workspace?: Workspace;
}

/** Carries out a plan: the merge commit, then a fast-forward-only push; several workers at once. */
export async function executeSync(repo: string, remote: WorkerRemote, actions: SyncAction[], options: ExecuteOptions): Promise<SyncOutcome[]> {
  // who signs the merge commits: asked of git once for the run
  const identities = actions.some((a) => a.kind === "merge") ? await commitIdentities(repo) : undefined;
  return boundedMap(actions, SYNC_CONCURRENCY, (action) => executeOne(repo, remote, action, options, identities!));
}

async function executeOne(
  repo: string,
  remote: WorkerRemote,
  action: SyncAction,
  options: ExecuteOptions,
  identities: { author: string; committer: string },
): Promise<SyncOutcome> {
  switch (action.kind) {
    case "up-to-date":
      // found up to date by reading the repository: remembered, so that the next run need not read it
      if (!action.remembered) await remember(repo, action.id, action).catch(() => undefined);
      return { id: action.id, status: "up-to-date", commit: action.split };
    case "no-split":
      return { id: action.id, status: "skipped", detail: "no split: none of its paths exist in the monorepo's history" };
    case "no-repository":
      return { id: action.id, status: "failed", detail: `no repository at ${remote.url(action.id)}; ${action.hint}` };
    case "unreachable":
      return { id: action.id, status: "failed", detail: `could not read the worker repository: ${action.reason}; run fleet sync again` };
    case "refused":
      return { id: action.id, status: "refused", detail: refusal(action) };
    case "merge":
      try {
        const { commit, lockProblem, kept } = await mergeCommit(repo, action, options, identities);
        crashPoint("sync:after-merge-commit");
        if (options.push) {
          await git(["push", "--quiet", "--", remote.url(action.id), `${commit}:refs/heads/main`], { cwd: repo, env: remote.gitEnv() });
        } else {
          await git(["update-ref", `refs/fleet/sync/${action.id}`, commit], { cwd: repo });
        }
        crashPoint("sync:after-push");
        // only what the repository now holds is remembered: a merge kept here unpushed (--no-push)
        // is still to be pushed, by the next sync
        if (options.push) await remember(repo, action.id, { ...action, main: commit });
        const back = action.returned.size ? `, ${plural(action.returned.size, "commit")} of its own back from the monorepo` : "";
        const commits = `${plural(kept, "new commit")}${back}`;
        return { id: action.id, status: "merged", commit, detail: lockProblem ? `${commits}; package-lock.json not updated: ${lockProblem}` : commits };
      } catch (error) {
        return { id: action.id, status: "failed", detail: firstLine(error) };
      }
  }
}

/**
 * Remembers, in one ref transaction, what the worker repository now holds from this monorepo:
 * the split merged (refs/fleet/synced/), the carried file's blob (refs/fleet/carried/), a router
 * worker's npm ranges (refs/fleet/dependencies/), and its main as fleet pushed it
 * (refs/fleet/worker/). `fleet sync` trusts them only while the repository's main is unchanged.
 */
async function remember(
  repo: string,
  id: string,
  what: { split: string; carried?: { content: string }; dependencies?: Record<string, string>; main?: string },
): Promise<void> {
  const lines = [`update refs/fleet/synced/${id} ${what.split}`];
  if (what.carried)
    lines.push(
      `update refs/fleet/carried/${id} ${await gitText(["hash-object", "-w", "--stdin", "--no-filters"], { cwd: repo, input: what.carried.content })}`,
    );
  if (what.dependencies)
    lines.push(
      `update refs/fleet/dependencies/${id} ${await gitText(["hash-object", "-w", "--stdin"], { cwd: repo, input: dependenciesRecord(what.dependencies) })}`,
    );
  if (what.main) lines.push(`update refs/fleet/worker/${id} ${what.main}`);
  await git(["update-ref", "--stdin"], { cwd: repo, input: `${lines.join("\n")}\n` });
}

async function mergeCommit(
  repo: string,
  action: Extract<SyncAction, { kind: "merge" }>,
  options: ExecuteOptions,
  { author, committer }: { author: string; committer: string },
): Promise<{ commit: string; lockProblem?: string; kept: number }> {
  const source = options.source;
  const { files: derived, lockProblem } = await derivedFiles(repo, action.split, action.state.tip ?? undefined, {
    ...(options.npmOverrides ? { overrides: options.npmOverrides } : {}),
    ...(options.workspace ? { workspace: options.workspace } : {}),
    ...(action.dependencies ? { dependencies: action.dependencies } : {}),
    env: options.env ?? process.env,
  });
  if (action.carried) derived.set(action.carried.path, action.carried.content);
  // the split's new commits on what the repository holds, less the copies of its own hotfixes
  const lastSplit = action.state.lastSync?.split ?? null;
  const remapped = await remapSplit(repo, { from: lastSplit, boundary: action.boundary, to: action.split, commits: action.commits }, action.returned);
  const message = [
    `Sync ${action.id} from ${source.name}`,
    "",
    remapped.kept > 0 ? `Brings ${plural(remapped.kept, "commit")} of the monorepo's history of this worker.` : await whatItBrings(repo, action, derived),
    ...(action.returned.size > 0
      ? ["", `The monorepo now holds ${plural(action.returned.size, "commit")} made here (Fleet-Back): the repository keeps its own, once.`]
      : []),
    "",
    `${SOURCE_TRAILER}: ${source.name}@${source.commit}`,
    `${SPLIT_TRAILER}: ${action.split}`,
    "",
  ].join("\n");
  // The merge starts from the repository's tip (its tree), takes out the paths the monorepo owned
  // before, puts in the split's files and the derived files over them. The split already merged
  // (only the carried file changed) makes a plain commit on the tip.
  const tip = action.state.tip;
  const commit = await writeCommit(repo, {
    ref: `refs/fleet/merging/${action.id}`,
    author,
    committer,
    message,
    from: tip ?? action.split,
    // a merge even when only copies came (the second parent an ancestor of main): it records where the repository stands in the split
    ...(tip && action.state.lastSync?.split !== action.split ? { merge: remapped.commit } : {}),
    deletes: action.ownedBefore,
    entries: treeEntries(action.splitEntries),
    files: derived,
  });
  return { commit, kept: remapped.kept, ...(lockProblem ? { lockProblem } : {}) };
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

const LAYOUT_CHANGED =
  "its repository holds the worker's folder at its root, but the worker now carries files from outside its folder and its split keeps the " +
  "monorepo's paths (fleet plan lists them): a merge would move its files away from the config and package.json its scaffold runs. " +
  "Give it a new repository: rename or delete the old one on the forge, then fleet create and fleet sync it";

/** Why a worker was refused, and the way forward. */
export function refusal(action: Extract<SyncAction, { kind: "refused" }>): string {
  if (action.reason) return action.reason;
  const paths = `the worker repository changed monorepo-owned paths since its last sync: ${action.paths.join(", ")}`;
  if (action.waiting.length === 0) return paths;
  const them = action.waiting.length === 1 ? "it" : "them";
  const how = `bring ${them} to the monorepo with \`fleet sync --back ${action.id}\`, merge that branch, then sync`;
  return `${paths} (in ${plural(action.waiting.length, "commit")} of its own: ${how})`;
}

/** A sync that brings no commit of the split: what it brings instead, said plainly. */
async function whatItBrings(repo: string, action: Extract<SyncAction, { kind: "merge" }>, derived: Map<string, string>): Promise<string> {
  const tip = action.state.tip ?? undefined;
  const brings: string[] = [];
  if (action.carried && (await fileAt(repo, tip, action.carried.path)) !== action.carried.content)
    brings.push(`${action.carried.path} as the monorepo's router has it now`);
  if (action.dependencies && derived.has("package.json") && (await fileAt(repo, tip, "package.json")) !== derived.get("package.json"))
    brings.push("the npm ranges of the monorepo's package.json for the packages this worker imports");
  return brings.length ? `Brings ${brings.join(", and ")}.` : "Brings what the monorepo derives for this worker now.";
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").find((l) => l.trim()) ?? text;
}

/** The monorepo's name for trailers: origin's URL without credentials, else its folder name. */
export async function sourceName(repo: string): Promise<string> {
  const url = (await git(["config", "--get", "remote.origin.url"], { cwd: repo, okCodes: [1] })).stdout.trim();
  if (url) return url.replace(/\/\/[^/@]*@/, "//");
  const top = await gitText(["rev-parse", "--show-toplevel"], { cwd: repo });
  return top.split("/").pop() || "monorepo";
}
