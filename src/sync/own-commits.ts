// The worker repository's own commits since its last sync — a hotfix made there while the monorepo
// is still the source of truth — and which of them the monorepo already holds. Read from trailers
// only, with no state of fleet's: a commit fleet made carries Fleet-Source (sync), Fleet-Scaffold
// (create) or Fleet-Update (update); a commit that came back to the monorepo is named, there, by
// the Fleet-Back trailer of its copy, which the split carries along with the message.
import { git, gitText } from "../git/git.js";
import { SCAFFOLD_TRAILER } from "../repos/scaffold-commit.js";
import { UPDATE_TRAILER } from "../update/template-merge.js";
import { SOURCE_TRAILER, SPLIT_TRAILER, type WorkerState } from "./worker-state.js";

/** Names, in a monorepo commit, the worker repository commit it came from: `<repository>@<commit>`. */
export const BACK_TRAILER = "Fleet-Back";

export interface OwnCommit {
  commit: string;
  parent: string;
  /** Its files as the worker repository names them, changed (M), added (A) or deleted (D). */
  changes: { status: "A" | "M" | "D"; path: string }[];
}

/**
 * Commits on the worker repository's main since its last sync that fleet did not make, oldest
 * first; merges are left out (their sides are listed), and so is a commit with no parent.
 */
export async function ownCommitsSince(repo: string, state: WorkerState): Promise<OwnCommit[]> {
  if (!state.tip || !state.lastSync) return [];
  const fleetTrailers = [SOURCE_TRAILER, SPLIT_TRAILER, SCAFFOLD_TRAILER, UPDATE_TRAILER, BACK_TRAILER];
  const format = `--format=%x01%H %P%x00${fleetTrailers.map((key) => `%(trailers:key=${key},valueonly,separator=%x2C)`).join("")}%x00`;
  // one git process: each commit's header line, then its changes (--name-status, -z)
  const { stdout } = await git(
    ["log", "--reverse", "--topo-order", "--no-merges", "-z", "--name-status", "--no-renames", format, `${state.lastSync.commit}..${state.tip}`],
    { cwd: repo },
  );
  const out: OwnCommit[] = [];
  for (const record of stdout.split("\x01").slice(1)) {
    const [head = "", trailers = "", ...rest] = record.split("\0");
    const [commit, parent] = head.split(" ");
    if (!commit || !parent || trailers.trim()) continue;
    const changes: OwnCommit["changes"] = [];
    const fields = rest.map((f) => f.replace(/^\n/, "")).filter((f) => f !== "");
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i]!.charAt(0);
      if (status === "A" || status === "M" || status === "D") changes.push({ status, path: fields[i + 1]! });
      else if (status === "T") changes.push({ status: "M", path: fields[i + 1]! });
    }
    out.push({ commit, parent, changes });
  }
  return out;
}

/**
 * The worker repository commits the monorepo holds copies of in the split range `from..to`, by the
 * Fleet-Back trailers of those copies (only those naming `repository`): copy in the split → original.
 */
export async function returnedIn(repo: string, range: { from: string | null; to: string }, repository: string): Promise<Map<string, string>> {
  const revs = range.from ? [range.to, `^${range.from}`] : [range.to];
  const format = `--format=%H%x00%(trailers:key=${BACK_TRAILER},valueonly,separator=%x2C)%x01`;
  const { stdout } = await git(["log", `--grep=^${BACK_TRAILER}: `, format, ...revs, "--"], { cwd: repo });
  const out = new Map<string, string>();
  for (const record of stdout.split("\x01")) {
    const [copy, values] = record.trim().split("\0");
    if (!copy || !values) continue;
    for (const value of values.split(",").map((v) => v.trim())) {
      const at = value.lastIndexOf("@");
      if (at > 0 && value.slice(0, at) === repository) out.set(copy, value.slice(at + 1));
    }
  }
  return out;
}

/** Whether a package.json change is its `version` alone (a release's bump: the repository's own). */
export async function versionOnlyChange(repo: string, before: string, after: string, path = "package.json"): Promise<boolean> {
  const read = async (rev: string) => {
    const r = await git(["cat-file", "blob", `${rev}:${path}`], { cwd: repo, okCodes: [128] });
    if (r.code !== 0) return undefined;
    try {
      return JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const [a, b] = await Promise.all([read(before), read(after)]);
  if (!a || !b || a.version === b.version) return false;
  return JSON.stringify({ ...a, version: null }) === JSON.stringify({ ...b, version: null });
}

/** The files of a commit's tree (all of them, by path). */
export async function treeFileSet(repo: string, commit: string): Promise<Set<string>> {
  const { stdout } = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], { cwd: repo });
  return new Set(stdout.split("\0").filter(Boolean));
}

/**
 * Whether the monorepo owns a worker repository path: a file of the split, or a new file in a
 * folder that directly holds one (a new module beside the worker's code). A new file at the top
 * level, and every file fleet's scaffold wrote (`scaffold`: the generated entry, the workflows, the
 * generated test…), is the repository's own.
 */
export function ownedBy(split: ReadonlySet<string>, scaffold: ReadonlySet<string> = new Set()): (path: string) => boolean {
  const folders = new Set<string>();
  for (const file of split) if (file.includes("/")) folders.add(file.slice(0, file.lastIndexOf("/")));
  return (path) => {
    if (split.has(path)) return true;
    if (scaffold.has(path)) return false;
    const slash = path.lastIndexOf("/");
    return slash > 0 && folders.has(path.slice(0, slash));
  };
}

/** The files of the newest scaffold commit fleet wrote on `tip`'s history (none: a repository fleet did not create). */
export async function scaffoldFiles(repo: string, tip: string): Promise<Set<string>> {
  const commit = await gitText(["log", "-n1", `--grep=^${SCAFFOLD_TRAILER}: `, "--format=%H", tip], { cwd: repo });
  return commit ? treeFileSet(repo, commit) : new Set();
}

/** The newest sync merge's second parent: the commit the worker repository holds for the split it merged. */
export async function mergedSplitCommit(repo: string, tip: string, split: string): Promise<string> {
  // the split itself when the repository holds it (no hotfix came back before): nothing was remapped
  if ((await git(["merge-base", "--is-ancestor", split, tip], { cwd: repo, okCodes: [1] })).code === 0) return split;
  const line = await gitText(["log", "--first-parent", "--min-parents=2", "-n1", `--grep=^${SPLIT_TRAILER}: `, "--format=%P", tip], { cwd: repo });
  const parents = line.trim().split(" ");
  return parents.length < 2 ? split : parents[1]!;
}

/**
 * The repository's own commits since its last sync that change files the monorepo owns and have
 * not come back to it (what `fleet sync --back` would bring), read where its main is (`cwd`) with
 * the split's files and the copies' trailers from the monorepo. None when main is the last sync.
 */
export async function waitingToComeBack(
  cwd: string,
  monorepo: string,
  at: { id: string; repository: string; tip: string; lastSync: { commit: string; split: string } },
): Promise<string[]> {
  if (at.tip === at.lastSync.commit) return [];
  const own = await ownCommitsSince(cwd, { tip: at.tip, lastSync: at.lastSync });
  if (own.length === 0) return [];
  const split = `refs/fleet/split/${at.id}`;
  const [files, returned] = await Promise.all([
    Promise.all([treeFileSet(monorepo, at.lastSync.split), treeFileSet(monorepo, split)]).then(
      ([before, now]) => new Set([...before, ...now]),
      () => null, // this clone never split the worker: every change of the repository's own counts
    ),
    returnedIn(monorepo, { from: at.lastSync.split, to: split }, at.repository).catch(() => new Map<string, string>()),
  ]);
  const owned = files ? ownedBy(files, await scaffoldFiles(cwd, at.tip)) : () => true;
  const back = new Set(returned.values());
  const waiting: string[] = [];
  for (const commit of own) {
    if (back.has(commit.commit)) continue;
    const changes = commit.changes.filter((c) => owned(c.path));
    if (changes.length === 0) continue;
    if (changes.every((c) => c.path === "package.json") && (await versionOnlyChange(cwd, commit.parent, commit.commit))) continue;
    waiting.push(commit.commit);
  }
  return waiting;
}
