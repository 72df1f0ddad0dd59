// `fleet sync --back`: the worker repository's own commits since its last sync, as commits of the
// monorepo on the branch fleet/back/<worker>. Each is cherry-picked three ways in the monorepo's
// object store, without a work tree: the files it changed, mapped back to where the worker lives in
// the monorepo, are merged onto the branch so far (base: the files before the commit, theirs: after,
// ours: the monorepo's). Files the monorepo does not own (the scaffold's, the release's version)
// stay in the worker repository and are listed. One commit that does not apply refuses all: the
// branch is written only when every commit is.
import { git, gitText } from "../git/git.js";
import { writeCommit } from "../git/write-commit.js";
import { pathMapper, type SplitFilter } from "../history/path-filter.js";
import { BACK_TRAILER, ownCommitsSince, ownedBy, scaffoldFiles, treeFileSet, versionOnlyChange, type OwnCommit } from "./own-commits.js";
import type { WorkerState } from "./worker-state.js";

export const BACK_BRANCH_PREFIX = "fleet/back/";

export interface BackCommit {
  /** The worker repository's commit. */
  commit: string;
  author: string;
  date: string;
  subject: string;
  /**
   * comes-back: it is on the branch; stays: it changed only the repository's own files;
   * already-there: the monorepo has it (came back before, or the same change was made there).
   */
  result: "comes-back" | "stays" | "already-there";
  /** The monorepo commit made for it. */
  copy?: string;
  /** Its files that come back, as the worker repository names them → as the monorepo does. */
  paths: { from: string; to: string }[];
  /** Its files that stay in the worker repository, and why. */
  leftOut: { path: string; why: string }[];
}

export interface BackPlan {
  branch: string;
  /** The monorepo commit the branch starts from (the tip of the branch fleet splits). */
  base: string;
  commits: BackCommit[];
  /** The branch's tip with every commit that comes back; null when none does. */
  tip: string | null;
}

/** A commit that does not apply to the monorepo as it is: nothing is written. */
export class BackConflict extends Error {
  constructor(
    readonly commit: string,
    readonly subject: string,
    readonly files: string[],
  ) {
    super(`${commit.slice(0, 12)} ("${subject}") does not apply to the monorepo: ${files.join(", ")} changed there too`);
    this.name = "BackConflict";
  }
}

export interface BackInput {
  id: string;
  /** The worker repository's name, as the trailer names it. */
  repository: string;
  state: WorkerState;
  /** The worker's split now, and its filter (how monorepo paths map into the repository). */
  split: string;
  filter: SplitFilter;
  /** The monorepo commit to start from. */
  base: string;
  /** Worker repository commits already in the monorepo (originals named by Fleet-Back trailers). */
  returned: ReadonlySet<string>;
  /** Who commits the copies (authors stay the originals'). */
  committer: { name: string; email: string };
}

export async function planBack(repo: string, input: BackInput): Promise<BackPlan> {
  const { state } = input;
  const own = await ownCommitsSince(repo, state);
  const split = new Set([...(await treeFileSet(repo, input.split)), ...(await treeFileSet(repo, state.lastSync!.split))]);
  const owned = ownedBy(split, await scaffoldFiles(repo, state.tip!));
  const toMonorepo = monorepoPaths(input.filter, await treeFileSet(repo, input.base));
  const commits: BackCommit[] = [];
  let current = input.base;
  for (const commit of own) {
    const about = await describe(repo, commit.commit);
    const entry: BackCommit = { commit: commit.commit, ...about.summary, result: "stays", paths: [], leftOut: [] };
    commits.push(entry);
    if (input.returned.has(commit.commit)) {
      entry.result = "already-there";
      continue;
    }
    for (const change of commit.changes) {
      const to = owned(change.path) ? toMonorepo(change.path) : undefined;
      if (to === undefined) entry.leftOut.push({ path: change.path, why: "the repository's own" });
      else if (change.path === "package.json" && (await versionOnlyChange(repo, commit.parent, commit.commit)))
        entry.leftOut.push({ path: change.path, why: "its version: the repository's own (its releases set it)" });
      else entry.paths.push({ from: change.path, to });
    }
    if (entry.paths.length === 0) continue;
    const tree = await cherryPick(repo, current, commit, entry);
    if (tree === (await gitText(["rev-parse", `${current}^{tree}`], { cwd: repo }))) {
      entry.result = "already-there";
      continue;
    }
    current = await commitCopy(repo, {
      tree,
      parent: current,
      about,
      trailer: `${BACK_TRAILER}: ${input.repository}@${commit.commit}`,
      committer: input.committer,
    });
    entry.result = "comes-back";
    entry.copy = current;
  }
  return { branch: `${BACK_BRANCH_PREFIX}${input.id}`, base: input.base, commits, tip: current === input.base ? null : current };
}

/**
 * Where each worker repository path lives in the monorepo: the inverse of the split's filter. A
 * path the monorepo has wins; a new file goes where its folder is, else into the worker's own folder.
 */
export function monorepoPaths(filter: SplitFilter, monorepoFiles: ReadonlySet<string>): (path: string) => string | undefined {
  const forward = pathMapper(filter);
  const folderOf = (p: string) => p.slice(0, Math.max(p.lastIndexOf("/"), 0));
  const folders = new Set<string>();
  for (const file of monorepoFiles) for (let i = file.indexOf("/"); i > 0; i = file.indexOf("/", i + 1)) folders.add(file.slice(0, i));
  return (path) => {
    const candidates: string[] = [];
    if ("subdirectory" in filter) candidates.push(`${filter.subdirectory.replace(/\/$/, "")}/${path}`);
    else {
      for (const [from, to] of [...(filter.renames ?? [])].reverse()) if (to === "" || path.startsWith(to)) candidates.push(from + path.slice(to.length));
      candidates.push(path);
    }
    const valid = [...new Set(candidates)].filter((c) => forward(c) === path);
    // a new module beside the worker's code that no filter path names yet (the router layout's
    // filter lists files): it goes where its folder is, and the split takes it once it is imported
    return (
      valid.find((c) => monorepoFiles.has(c)) ?? valid.find((c) => folders.has(folderOf(c))) ?? valid[0] ?? candidates.find((c) => folders.has(folderOf(c)))
    );
  };
}

interface About {
  summary: { author: string; date: string; subject: string };
  env: Record<string, string>;
  message: string;
}

async function describe(repo: string, commit: string): Promise<About> {
  const [name, email, date, committerDate, subject, ...body] = (
    await gitText(["show", "-s", "--date=raw", "--format=%an%x00%ae%x00%ad%x00%cd%x00%s%x00%B", commit], { cwd: repo })
  ).split("\0");
  return {
    summary: { author: `${name} <${email}>`, date: new Date(Number(date!.split(" ")[0]) * 1000).toISOString(), subject: subject! },
    // the author and dates stay the original's: making the same copy twice gives the same commit
    env: { GIT_AUTHOR_NAME: name!, GIT_AUTHOR_EMAIL: email!, GIT_AUTHOR_DATE: date!, GIT_COMMITTER_DATE: committerDate! },
    message: body.join("\0"),
  };
}

/** The blob (mode and id) of each path in `commit`, or undefined where it has none. */
async function blobsAt(repo: string, commit: string, paths: string[]): Promise<Map<string, { mode: string; id: string }>> {
  const { stdout } = await git(["ls-tree", "-z", "--full-tree", commit, "--", ...paths], { cwd: repo });
  const out = new Map<string, { mode: string; id: string }>();
  for (const line of stdout.split("\0")) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (match) out.set(match[3]!, { mode: match[1]!, id: match[2]! });
  }
  return out;
}

const SYNTHETIC = "worker-fleet <fleet@localhost> 946684800 +0000";

/**
 * The commit's change to its owned paths merged onto `onto` three ways: base = `onto` with those
 * paths as before the commit, theirs = as after it, ours = `onto`. git merge-tree finds the base as
 * the two sides' common parent. Returns the merged tree; a conflict throws BackConflict.
 */
async function cherryPick(repo: string, onto: string, commit: OwnCommit, entry: BackCommit): Promise<string> {
  const from = entry.paths.map((p) => p.from);
  const [before, after] = await Promise.all([blobsAt(repo, commit.parent, from), blobsAt(repo, commit.commit, from)]);
  const side = (blobs: Map<string, { mode: string; id: string }>) => ({
    deletes: entry.paths.filter((p) => !blobs.has(p.from)).map((p) => p.to),
    entries: entry.paths.filter((p) => blobs.has(p.from)).map((p) => ({ ...blobs.get(p.from)!, path: p.to })),
  });
  const common = { author: SYNTHETIC, committer: SYNTHETIC, message: "fleet sync --back\n" };
  const base = await writeCommit(repo, { ref: "refs/fleet/back-pick/base", ...common, from: onto, ...side(before) });
  const ours = await gitText(["commit-tree", `${onto}^{tree}`, "-p", base, "-m", "ours"], { cwd: repo, env: syntheticEnv() });
  const theirs = await writeCommit(repo, { ref: "refs/fleet/back-pick/theirs", ...common, from: base, ...side(after) });
  const merged = await git(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs], { cwd: repo, okCodes: [1] });
  const [tree, ...conflicted] = merged.stdout.split("\n").filter(Boolean);
  if (merged.code === 1) throw new BackConflict(commit.commit, entry.subject, [...new Set(conflicted)]);
  return tree!;
}

function syntheticEnv(): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: "worker-fleet",
    GIT_AUTHOR_EMAIL: "fleet@localhost",
    GIT_AUTHOR_DATE: "946684800 +0000",
    GIT_COMMITTER_NAME: "worker-fleet",
    GIT_COMMITTER_EMAIL: "fleet@localhost",
    GIT_COMMITTER_DATE: "946684800 +0000",
  };
}

async function commitCopy(
  repo: string,
  copy: { tree: string; parent: string; about: About; trailer: string; committer: { name: string; email: string } },
): Promise<string> {
  const message = await gitText(["interpret-trailers", "--trailer", copy.trailer], { cwd: repo, input: copy.about.message.replace(/\s*$/, "\n") });
  return gitText(["commit-tree", copy.tree, "-p", copy.parent, "-F", "-"], {
    cwd: repo,
    input: `${message}\n`,
    env: { ...copy.about.env, GIT_COMMITTER_NAME: copy.committer.name, GIT_COMMITTER_EMAIL: copy.committer.email },
  });
}
