// What a version of a worker was deployed with, from wherever fleet can tell: the deploy that
// just put it out, the local cloud's own record of it, or an earlier release that saw it live.
import type { Cloud, CloudVersion } from "../cloud/cloud.js";
import { LocalCloud } from "../cloud/local-cloud.js";
import type { WorkerSpec } from "../cloud/spec.js";
import { factsOf, type FleetRelease, type VersionFacts } from "./release.js";

export interface KnownVersion {
  facts?: VersionFacts;
  packageVersion?: string;
}

export class VersionFactsLookup {
  private readonly deployed = new Map<string, KnownVersion>();

  constructor(
    private readonly cloud: Cloud,
    /** Earlier releases, any order. */
    private readonly releases: readonly FleetRelease[],
  ) {}

  /** A version this run deployed, with the config it went out with. */
  remember(script: string, version: CloudVersion, spec: WorkerSpec, packageVersion?: string): void {
    const facts = factsOf(spec);
    this.deployed.set(key(script, version.id), { ...(facts ? { facts } : {}), ...(packageVersion ? { packageVersion } : {}) });
  }

  async of(script: string, version: Pick<CloudVersion, "id" | "number">): Promise<KnownVersion> {
    const known = this.deployed.get(key(script, version.id));
    if (known) return known;
    const recorded = [...this.releases]
      .sort((a, b) => b.number - a.number)
      .flatMap((r) => r.workers)
      .filter((w) => w.script === script && w.version.id === version.id);
    const packageVersion = recorded.find((w) => w.packageVersion)?.packageVersion;
    const facts = (await this.stored(script, version.number)) ?? recorded.find((w) => w.facts)?.facts;
    return { ...(facts ? { facts } : {}), ...(packageVersion ? { packageVersion } : {}) };
  }

  /** The local cloud keeps every version's spec; Cloudflare's versions are not read for it here. */
  private async stored(script: string, number: number): Promise<VersionFacts | undefined> {
    if (!(this.cloud instanceof LocalCloud)) return undefined;
    try {
      return factsOf((await this.cloud.store.version(script, number)).spec);
    } catch {
      return undefined;
    }
  }
}

const key = (script: string, id: string) => `${script}\n${id}`;
