// Where a worker's repository is, for sync: a small interface the forges implement.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";

export interface WorkerRemote {
  /** What git fetches from and pushes to (a path or an https URL, never with credentials). */
  url(id: string): string;
  /** Whether the repository exists. */
  exists(id: string): Promise<boolean>;
  /** How to create it, for the message when it does not exist. */
  createHint(id: string): string;
}

/** Bare repositories under <monorepo>/.fleet/forge/<org>/<repo>.git (the embedded forge). */
export class LocalBareRemotes implements WorkerRemote {
  constructor(
    private readonly root: string,
    private readonly manifest: Manifest,
  ) {}

  url(id: string): string {
    return join(this.root, ".fleet", "forge", this.manifest.org, `${repoNameFor(this.manifest, id)}.git`);
  }

  async exists(id: string): Promise<boolean> {
    return existsSync(join(this.url(id), "HEAD"));
  }

  createHint(id: string): string {
    return `create it with \`git init --bare ${join(".fleet", "forge", this.manifest.org, `${repoNameFor(this.manifest, id)}.git`)}\``;
  }
}
