// What a deployed commit is in a worker's release terms, and whether the live deployment runs the
// released version. The cloud records the commit each version came from (Cloudflare its first 20
// hex digits), so both are decided by commit, never by a version string typed somewhere.
import type { CloudVersion } from "../cloud/cloud.js";
import { sameCommit } from "../cloud/cloud.js";
import { git, gitText } from "../git/git.js";
import type { WorkerReleases } from "./releases.js";

export interface LiveRelease {
  /** yes: the live version was built from the release's commit; no: from another commit; not-deployed. */
  state: "yes" | "no" | "not-deployed";
  /** The commit the live version came from (as the cloud keeps it); absent when fleet did not deploy it. */
  commit?: string;
  /** The cloud's id of the live version. */
  cloudVersion?: string;
  /** What that commit is in release terms (see describeCommit), when it can be said. */
  runs?: string;
}

/**
 * A commit in release terms: a release tag's version when one tags it ("1.0.0"); else, when it
 * comes after the newest release, that version with the commits since and the commit as semver
 * build metadata ("1.1.0+3.abc1234"); else undefined. `repo` must hold the worker's main
 * (readReleases fetched it).
 */
export async function describeCommit(repo: string, releases: WorkerReleases, commit: string): Promise<string | undefined> {
  const tagged = releases.tags.find((t) => sameCommit(commit, t.commit));
  if (tagged) return tagged.version;
  const release = releases.release;
  if (!release) return undefined;
  const resolved = await git(["rev-parse", "--verify", "-q", `${commit}^{commit}`], { cwd: repo, okCodes: [1, 128] });
  const full = resolved.code === 0 ? resolved.stdout.trim() : undefined;
  if (!full) return undefined;
  const after = await git(["merge-base", "--is-ancestor", release.commit, full], { cwd: repo, okCodes: [1] });
  if (after.code !== 0) return undefined;
  const since = await gitText(["rev-list", "--count", `${release.commit}..${full}`], { cwd: repo });
  return `${release.version}+${since}.${full.slice(0, 7)}`;
}

/** Whether `live` (the cloud's live version of the worker) runs its newest release. */
export async function liveAgainst(repo: string, releases: WorkerReleases, live: CloudVersion | undefined): Promise<LiveRelease> {
  if (!live) return { state: "not-deployed" };
  const source = live.source;
  if (!source) return { state: "no", cloudVersion: live.id };
  const runsRelease = releases.release !== undefined && sameCommit(source.commit, releases.release.commit);
  const runs = await describeCommit(repo, releases, source.commit);
  return { state: runsRelease ? "yes" : "no", commit: source.commit, cloudVersion: live.id, ...(runs ? { runs } : {}) };
}

/** The live column as a person reads it: "yes", "no (runs 1.0.0)", "no (runs abc1234)", "not deployed". */
export function liveText(live: LiveRelease): string {
  if (live.state === "not-deployed") return "not deployed";
  if (live.state === "yes") return "yes";
  if (live.runs) return `no (runs ${live.runs})`;
  return live.commit ? `no (runs ${live.commit.slice(0, 7)})` : `no (version ${live.cloudVersion}, not deployed by fleet)`;
}
