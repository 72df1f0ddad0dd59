// A worker repository's releases as fleet reads them: its `vX.Y.Z` tags from one `git ls-remote`,
// then its main and the newest release fetched into the monorepo (refs/fleet/versions/<worker>/),
// only when the monorepo lacks their objects. No work tree; the same for the local forge and GitHub.
import { fileAt, git, gitText } from "../git/git.js";
import type { WorkerRemote } from "../sync/remote.js";
import { compareVersions, parseReleaseTag, type ReleaseVersion } from "./semver.js";

export interface ReleaseTag extends ReleaseVersion {
  tag: string;
  /** The commit it tags (an annotated tag peeled). */
  commit: string;
  /** What the tag ref names: the commit, or the annotated tag object. */
  object: string;
}

export interface WorkerReleases {
  id: string;
  /** released: it has a `vX.Y.Z` tag; unreleased: none; no-repository: the forge has none; empty: its main has no commit. */
  state: "released" | "unreleased" | "no-repository" | "empty";
  /** The newest release (no pre-release), with its date: the annotated tag's, else the tagged commit's committer date. */
  release?: ReleaseTag & { date: string };
  /** The newest pre-release tag after the release, when there is one. */
  prerelease?: ReleaseTag;
  /** Every release and pre-release tag, newest first. */
  tags: ReleaseTag[];
  /** The repository's main, as fetched. */
  main?: string;
  /** Commits on main the release does not hold (every commit of main when there is no release). */
  commitsSince?: number;
  /** package.json's version on main. */
  packageVersion?: string;
}

/** Where one worker's fetched main and newest release are kept in the monorepo. */
export function versionRefs(id: string): { main: string; release: string } {
  return { main: `refs/fleet/versions/${id}/main`, release: `refs/fleet/versions/${id}/release` };
}

/** The release tags of `git ls-remote --tags` output, newest first (semver precedence). */
export function releaseTags(listing: string): ReleaseTag[] {
  const objects = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of listing.split("\n")) {
    const [oid, ref] = line.split("\t");
    if (!oid || !ref?.startsWith("refs/tags/")) continue;
    const name = ref.slice("refs/tags/".length);
    if (name.endsWith("^{}")) peeled.set(name.slice(0, -3), oid);
    else objects.set(name, oid);
  }
  const tags: ReleaseTag[] = [];
  for (const [tag, object] of objects) {
    const version = parseReleaseTag(tag);
    if (version) tags.push({ ...version, tag, object, commit: peeled.get(tag) ?? object });
  }
  return tags.sort((a, b) => compareVersions(b, a) || (a.tag < b.tag ? -1 : 1));
}

/** Reads one worker repository's releases into the monorepo `repo`. */
export async function readReleases(repo: string, remote: WorkerRemote, id: string): Promise<WorkerReleases> {
  if (!remote.exists(id)) return { id, state: "no-repository", tags: [] };
  const url = remote.url(id);
  const env = remote.gitEnv();
  const tags = releaseTags(await gitText(["ls-remote", "--tags", "--", url, "refs/tags/v*"], { cwd: repo, env }));
  const release = tags.find((t) => t.prerelease.length === 0);
  const prerelease = tags.find((t) => t.prerelease.length > 0 && (!release || compareVersions(t, release) > 0));
  const refs = versionRefs(id);
  const main = await fetchMainAndRelease(repo, remote, id, release);
  const found = { id, tags, ...(prerelease ? { prerelease } : {}) };
  if (!main) return { ...found, state: "empty" };
  const packageVersion = packageJsonVersion(await fileAt(repo, main, "package.json"));
  const withMain = { ...found, main, ...(packageVersion ? { packageVersion } : {}) };
  if (!release) {
    const commitsSince = Number(await gitText(["rev-list", "--count", main], { cwd: repo }));
    return { ...withMain, state: "unreleased", commitsSince };
  }
  const [date, count] = await Promise.all([
    gitText(["for-each-ref", "--format=%(creatordate:iso-strict)", refs.release], { cwd: repo }),
    gitText(["rev-list", "--count", `${refs.release}..${main}`], { cwd: repo }),
  ]);
  return { ...withMain, state: "released", release: { ...release, date }, commitsSince: Number(count) };
}

/**
 * Brings the repository's main and the release's tag into refs/fleet/versions/<id>/ — by one fetch
 * when the monorepo lacks either's objects, else by moving the refs — and returns main's commit
 * (undefined when the repository has none).
 */
async function fetchMainAndRelease(repo: string, remote: WorkerRemote, id: string, release: ReleaseTag | undefined): Promise<string | undefined> {
  const refs = versionRefs(id);
  const known = remote.main(id);
  if (known === null) {
    await git(["update-ref", "--stdin"], { cwd: repo, input: `delete ${refs.main}\ndelete ${refs.release}\n` });
    return undefined;
  }
  const wanted = [known, release?.object].filter((o): o is string => o !== undefined);
  const present = known !== undefined && (await haveObjects(repo, wanted));
  if (present) {
    const lines = [`update ${refs.main} ${known}`, release ? `update ${refs.release} ${release.object}` : `delete ${refs.release}`];
    await git(["update-ref", "--stdin"], { cwd: repo, input: `${lines.join("\n")}\n` });
    return known;
  }
  const refspecs = [`+refs/heads/main:${refs.main}`, ...(release ? [`+refs/tags/${release.tag}:${refs.release}`] : [])];
  await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--", remote.url(id), ...refspecs], { cwd: repo, env: remote.gitEnv() });
  if (!release) await git(["update-ref", "-d", refs.release], { cwd: repo });
  return gitText(["rev-parse", refs.main], { cwd: repo });
}

async function haveObjects(repo: string, objects: string[]): Promise<boolean> {
  const listed = await git(["cat-file", "--batch-check"], { cwd: repo, input: `${objects.join("\n")}\n` });
  return !listed.stdout.includes(" missing");
}

function packageJsonVersion(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}
