// Release tags of a worker repository: `vX.Y.Z` as release-please writes them, with an optional
// pre-release (`v1.2.0-rc.1`) and build metadata, ordered by semver precedence (semver.org §11).
// Only this much of semver is needed, so it is here rather than a dependency.

export interface ReleaseVersion {
  /** Without the `v`: "1.2.0", "1.3.0-rc.1". */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated identifiers after `-`; empty for a release. */
  prerelease: string[];
}

const NUMBER = "0|[1-9]\\d*";
const IDENTIFIER = "[0-9A-Za-z-]+";
const TAG = new RegExp(`^v(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?(?:\\+${IDENTIFIER}(?:\\.${IDENTIFIER})*)?$`);

/** The version a tag name stands for, or undefined when it is not a release tag. */
export function parseReleaseTag(tag: string): ReleaseVersion | undefined {
  const match = TAG.exec(tag);
  if (!match) return undefined;
  const prerelease = match[4] ? match[4].split(".") : [];
  // a numeric pre-release identifier has no leading zero (semver §9)
  if (prerelease.some((p) => /^0\d+$/.test(p))) return undefined;
  const version = tag.slice(1).replace(/\+.*$/, "");
  return { version, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease };
}

/** Semver precedence: negative when `a` comes before `b`; build metadata does not count. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // a pre-release comes before its release
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i]!;
    const y = b.prerelease[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Math.sign(Number(x) - Number(y));
    // numeric identifiers come before alphanumeric ones
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}
