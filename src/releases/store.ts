// Where fleet releases are kept: one JSON file each, `.fleet/releases/r<N>.json` in the monorepo,
// beside the local forge and cloud whose state they describe (not under .git/fleet, whose files
// are accelerators that can be deleted and recomputed: a release cannot be). Each file is written
// whole or not at all, under the monorepo lock that `fleet deploy` holds.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { releaseId, type FleetRelease } from "./release.js";

export class ReleaseStore {
  constructor(readonly dir: string) {}

  static at(monorepo: string): ReleaseStore {
    return new ReleaseStore(join(monorepo, ".fleet", "releases"));
  }

  /** Every release, oldest first. */
  async list(): Promise<FleetRelease[]> {
    return Promise.all((await this.numbers()).map((n) => this.read(n)));
  }

  async get(number: number): Promise<FleetRelease | undefined> {
    return existsSync(this.file(number)) ? this.read(number) : undefined;
  }

  /** Stores a new release under the next number. */
  async add(release: Omit<FleetRelease, "id" | "number">): Promise<FleetRelease> {
    const last = (await this.numbers()).at(-1) ?? 0;
    const number = last + 1;
    const stored: FleetRelease = { id: releaseId(number), number, ...release };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.file(number), `${JSON.stringify(stored, null, 2)}\n`);
    return stored;
  }

  private async numbers(): Promise<number[]> {
    if (!existsSync(this.dir)) return [];
    return (await readdir(this.dir))
      .map((name) => /^r(\d+)\.json$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private file(number: number): string {
    return join(this.dir, `r${number}.json`);
  }

  private async read(number: number): Promise<FleetRelease> {
    const file = this.file(number);
    try {
      return JSON.parse(await readFile(file, "utf8")) as FleetRelease;
    } catch (error) {
      throw new UserError(`${file} is not a fleet release fleet can read: ${(error as Error).message.split("\n")[0]}`, {
        hint: "move it out of .fleet/releases/ (fleet deploy records the next release anew)",
      });
    }
  }
}
