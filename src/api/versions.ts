// Each worker's released version, read from its own repository, against what its live deployment runs.
import { cloudFor } from "../cloud/select.js";
import { boundedMap } from "../concurrency/bounded.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { repoNameFor } from "../manifest/names.js";
import { forgeRemote } from "../sync/remote.js";
import { readReleases } from "../versions/releases.js";
import { liveAgainst, type LiveRelease } from "../versions/running.js";
import { openSession, workersOf, type FleetOptions } from "./session.js";

export interface VersionsCall extends FleetOptions {
  /** Worker ids (default: every worker that is not external). */
  workers?: string[];
  /** Repositories read at a time (default 8). */
  concurrency?: number;
}

export interface WorkerVersion {
  id: string;
  repository: string;
  /** released: a `vX.Y.Z` tag; unreleased: none yet; no-repository; empty: the repository's main has no commit. */
  state: "released" | "unreleased" | "no-repository" | "empty";
  /** The released version ("1.1.0"); unreleased: package.json's version on main. */
  version: string | null;
  /** The release's tag ("v1.1.0"), its commit and date (the annotated tag's, else the commit's committer date). */
  tag: string | null;
  commit: string | null;
  date: string | null;
  /** Commits on main the release does not hold (unreleased: every commit of main). */
  commitsSince: number | null;
  /** The repository's main now. */
  main: string | null;
  /** A pre-release tag newer than the release ("v1.2.0-rc.1"), when there is one. */
  prerelease: string | null;
  /** Whether the live deployment runs the release. */
  live: LiveRelease;
}

/** Reads every worker repository's release tags and main (a few at a time) and the cloud's live versions. */
export async function versions(options: VersionsCall = {}): Promise<WorkerVersion[]> {
  const session = openSession(options);
  const manifest = await session.manifest();
  const external = (options.workers ?? []).filter((id) => manifest.workers[id]?.external);
  if (external.length)
    throw new UserError(
      `${external.join(", ")} ${external.length > 1 ? "are" : "is"} external: fleet keeps no repository for ${external.length > 1 ? "them" : "it"}`,
      {
        hint: "name workers fleet created repositories for",
      },
    );
  const ids = workersOf(manifest, options.workers).filter((id) => !manifest.workers[id]!.external);
  const remote = await forgeRemote(forgeFor(manifest, session.cwd, session.env, session.log), manifest, ids);
  const cloud = await cloudFor(manifest, session.cwd, session.env, { persist: false });
  try {
    return await boundedMap(ids, options.concurrency ?? 8, async (id): Promise<WorkerVersion> => {
      const script = repoNameFor(manifest, id);
      const [releases, deployed] = await Promise.all([readReleases(session.cwd, remote, id), cloud.live(script)]);
      const release = releases.release;
      return {
        id,
        repository: script,
        state: releases.state,
        version: release?.version ?? releases.packageVersion ?? null,
        tag: release?.tag ?? null,
        commit: release?.commit ?? null,
        date: release?.date ?? null,
        commitsSince: releases.commitsSince ?? null,
        main: releases.main ?? null,
        prerelease: releases.prerelease?.tag ?? null,
        live: await liveAgainst(session.cwd, releases, deployed),
      };
    });
  } finally {
    await cloud.dispose();
  }
}
