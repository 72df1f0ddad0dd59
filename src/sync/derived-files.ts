// Files of a worker repository that sync derives from the monorepo's rather than copying them:
// the worker's own package.json gets what the repository's CI needs (a test script, the test
// tools, the fleet's overrides; see npm/package-overlay.ts), and package-lock.json is resolved
// for it when that package.json changed (else the repository's lockfile stays). Recomputed at
// every sync from the monorepo's current file, so the monorepo's edits and fleet's additions are
// both kept without a three-way merge.
import { fileAt, git } from "../git/git.js";
import { lockfileFor } from "../npm/lockfile.js";
import { overlayPackageJson } from "../npm/package-overlay.js";
import { rewriteWorkspaceRanges, type Workspace } from "../npm/workspace.js";
import { testSetupOf } from "../scaffold/test-setup.js";

export interface Derived {
  files: Map<string, string>;
  /** Why the lockfile could not be brought up to date (the sync goes on without it). */
  lockProblem?: string;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface DeriveOptions {
  overrides?: Record<string, unknown>;
  /** The monorepo's package workspace: catalog and workspace ranges become what npm installs. */
  workspace?: Workspace;
  /** For a worker whose package.json is not in its split: the monorepo's ranges of what it imports. */
  dependencies?: Record<string, string>;
  env: NodeJS.ProcessEnv;
}

export async function derivedFiles(repo: string, split: string, tip: string | undefined, options: DeriveOptions): Promise<Derived> {
  const files = new Map<string, string>();
  const own = await fileAt(repo, split, "package.json");
  if (own === undefined) return options.dependencies ? withMonorepoRanges(repo, tip, options.dependencies, options.env) : { files };
  if (!parses(own)) return { files }; // the monorepo's file as it is: its CI will say what is wrong
  // who runs its tests, from the files it brings (its own config files sit at the split's root)
  const { stdout: names } = await git(["ls-tree", "--name-only", split], { cwd: repo });
  const tests = await testSetupOf(names.split("\n").filter(Boolean), (path) => fileAt(repo, split, path));
  const workspace = options.workspace;
  const resolved = workspace ? rewriteWorkspaceRanges(own, workspace, "") : own;
  const overlaid = withVersionOf(
    await fileAt(repo, tip, "package.json"),
    overlayPackageJson(resolved, { tests: tests.runner, ...(options.overrides ? { overrides: options.overrides } : {}) }),
  );
  files.set("package.json", overlaid);
  // the workspace packages carried with the worker (kept at their monorepo paths): their
  // package.json files get the same treatment, and npm needs them to resolve the lockfile
  const carried = new Map<string, string>();
  if (workspace) {
    const { stdout: all } = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", split], { cwd: repo });
    const inSplit = new Set(all.split("\0"));
    for (const pkg of workspace.packages.values()) {
      const path = `${pkg.dir}/package.json`;
      if (!inSplit.has(path)) continue;
      const text = await fileAt(repo, split, path);
      if (text === undefined || !parses(text)) continue;
      const rewritten = rewriteWorkspaceRanges(text, workspace, pkg.dir);
      carried.set(path, rewritten);
      if (rewritten !== text) files.set(path, rewritten);
    }
  }
  const before = await fileAt(repo, tip, "package.json");
  const lock = await fileAt(repo, tip, "package-lock.json");
  const carriedBefore = await Promise.all([...carried].map(async ([path, text]) => (await fileAt(repo, tip, path)) === text));
  if (before === overlaid && lock !== undefined && carriedBefore.every(Boolean)) {
    files.set("package-lock.json", lock);
    return { files };
  }
  try {
    files.set("package-lock.json", await lockfileFor(overlaid, options.env, carried));
    return { files };
  } catch (error) {
    // a package npm cannot reach from here (a private scope, the registry down) must not hold
    // back the worker's code: the merge goes on, the lockfile stays as it was, and the result says why
    return { files, lockProblem: (error as Error).message.split("\n")[0]! };
  }
}

/**
 * After the repository's first sync its version is its own (its releases bump it): the monorepo's
 * package.json comes with the repository's version in place of its own.
 */
function withVersionOf(repositoryFile: string | undefined, derived: string): string {
  if (repositoryFile === undefined || !parses(repositoryFile)) return derived;
  const version = (JSON.parse(repositoryFile) as { version?: unknown }).version;
  const pkg = JSON.parse(derived) as Record<string, unknown>;
  if (typeof version !== "string" || pkg.version === version) return derived;
  // in place, so that the file keeps its layout
  const field = `"version": ${JSON.stringify(pkg.version)}`;
  if (typeof pkg.version === "string" && derived.includes(field)) return derived.replace(field, `"version": ${JSON.stringify(version)}`);
  return `${JSON.stringify({ ...pkg, version }, null, 2)}\n`;
}

/**
 * A router worker's package.json is the repository's (fleet wrote it at create; the team may have
 * added to it): it keeps all of that and takes the monorepo's range of each package the code
 * imports. The lockfile is resolved again when that changed anything.
 */
async function withMonorepoRanges(repo: string, tip: string | undefined, dependencies: Record<string, string>, env: NodeJS.ProcessEnv): Promise<Derived> {
  const files = new Map<string, string>();
  const before = await fileAt(repo, tip, "package.json");
  if (before === undefined || !parses(before)) return { files };
  const pkg = JSON.parse(before) as { dependencies?: Record<string, string> };
  const next = { ...(pkg.dependencies ?? {}), ...dependencies };
  if (Object.entries(dependencies).every(([name, range]) => pkg.dependencies?.[name] === range)) return { files };
  const text = `${JSON.stringify({ ...pkg, dependencies: Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1))) }, null, 2)}\n`;
  files.set("package.json", text);
  try {
    files.set("package-lock.json", await lockfileFor(text, env, new Map()));
    return { files };
  } catch (error) {
    return { files, lockProblem: (error as Error).message.split("\n")[0]! };
  }
}
