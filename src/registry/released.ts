// What each deployed worker runs, in its repository's release terms, for its registry entry: the
// release's version when the live commit is a release tag's, the newest release with the commits
// after it when it comes later ("1.1.0+3.abc1234"). Read only for workers the cloud runs.
import type { LocalCloudStore } from "../cloud/store.js";
import { boundedMap } from "../concurrency/bounded.js";
import { forgeFor } from "../forge/select.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { forgeRemote } from "../sync/remote.js";
import { readReleases } from "../versions/releases.js";
import { describeCommit } from "../versions/running.js";

/** Worker id → what its live version is in release terms; a worker whose commit no release describes is absent. */
export async function releasedVersions(
  where: { cwd: string; env: NodeJS.ProcessEnv; log: (message: string) => void },
  manifest: Manifest,
  store: LocalCloudStore,
): Promise<Map<string, string>> {
  const state = await store.state();
  const deployed = Object.keys(manifest.workers)
    .filter((id) => !manifest.workers[id]!.external && state.workers[repoNameFor(manifest, id)])
    .sort();
  const out = new Map<string, string>();
  if (deployed.length === 0) return out;
  // a forge that cannot be read (no token, down) leaves every entry with the cloud's version, said, not failed
  let remote;
  try {
    remote = await forgeRemote(forgeFor(manifest, where.cwd, where.env, where.log), manifest, deployed);
  } catch (error) {
    where.log(`warning: released versions not read (${(error as Error).message.split("\n")[0]}); entries keep the cloud's version`);
    return out;
  }
  await boundedMap(deployed, 8, async (id) => {
    try {
      const releases = await readReleases(where.cwd, remote, id);
      if (releases.tags.length === 0) return;
      const script = repoNameFor(manifest, id);
      const live = await store.version(script, state.workers[script]!.active);
      const described = await describeCommit(where.cwd, releases, live.source.commit);
      if (described) out.set(id, described);
    } catch (error) {
      where.log(`warning: ${id}: its released version not read (${(error as Error).message.split("\n")[0]}); its entry keeps the cloud's version`);
    }
  });
  return out;
}
