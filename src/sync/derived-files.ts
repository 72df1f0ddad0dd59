// Files of a worker repository that sync derives from the monorepo's rather than copying them:
// the worker's own package.json gets what the repository's CI needs (a test script, the test
// tools, the fleet's overrides; see npm/package-overlay.ts), and package-lock.json is resolved
// for it when that package.json changed (else the repository's lockfile stays). Recomputed at
// every sync from the monorepo's current file, so the monorepo's edits and fleet's additions are
// both kept without a three-way merge.
import { git } from "../git/git.js";
import { lockfileFor } from "../npm/lockfile.js";
import { overlayPackageJson } from "../npm/package-overlay.js";

async function blobText(repo: string, commit: string | undefined, path: string): Promise<string | undefined> {
  if (!commit) return undefined;
  const shown = await git(["cat-file", "-p", `${commit}:${path}`], { cwd: repo, okCodes: [128] });
  return shown.code === 0 ? shown.stdout : undefined;
}

export interface Derived {
  files: Map<string, string>;
  /** Why the lockfile could not be brought up to date (the sync goes on without it). */
  lockProblem?: string;
}

export async function derivedFiles(repo: string, split: string, tip: string | undefined, overrides: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv): Promise<Derived> {
  const files = new Map<string, string>();
  const own = await blobText(repo, split, "package.json");
  if (own === undefined) return { files };
  let parsedOk = true;
  try {
    JSON.parse(own);
  } catch {
    parsedOk = false;
  }
  if (!parsedOk) return { files }; // the monorepo's file as it is: its CI will say what is wrong
  const { stdout: names } = await git(["ls-tree", "--name-only", split], { cwd: repo });
  const ownVitest = names.split("\n").some((n) => /^vitest\.config\.[cm]?[jt]s$/.test(n));
  const overlaid = overlayPackageJson(own, { fleetTests: !ownVitest, ...(overrides ? { overrides } : {}) });
  files.set("package.json", overlaid);
  const before = await blobText(repo, tip, "package.json");
  const lock = await blobText(repo, tip, "package-lock.json");
  if (before === overlaid && lock !== undefined) {
    files.set("package-lock.json", lock);
    return { files };
  }
  try {
    files.set("package-lock.json", await lockfileFor(overlaid, env));
    return { files };
  } catch (error) {
    // a package npm cannot reach from here (a private scope, the registry down) must not hold
    // back the worker's code: the merge goes on, the lockfile stays as it was, and the result says why
    return { files, lockProblem: (error as Error).message.split("\n")[0]! };
  }
}
