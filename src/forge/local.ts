// The embedded forge: one bare repository per worker under <monorepo>/.fleet/forge/<org>/, with
// what a forge keeps beside the code (description, topics, environments, secret names and
// fingerprints — never values) in a fleet-forge.json inside it.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { git } from "../git/git.js";
import { branchFromFiles } from "../git/ref-files.js";
import type { CreateRepository, Forge, Grant, MainRuleset, Permission, Repository, RepositoryHead, SecretRecord } from "./forge.js";

interface Metadata {
  managedBy: "worker-fleet";
  description: string;
  topics: string[];
  environments: string[];
  secrets: SecretRecord[];
  /** Team slug → permission and login → permission, as GitHub keeps them per repository. */
  access?: { teams: Record<string, Permission>; users: Record<string, Permission> };
  /** Fleet's ruleset on main, as fleet wrote it (a test or a person may edit it to differ). */
  ruleset?: LocalRuleset;
}

/** What the local forge records of fleet's ruleset on main. */
interface LocalRuleset {
  branch: string;
  requireCodeOwnerReview: boolean;
  /** Who may push past it: fleet's own sync. */
  bypass: string[];
}

const FLEET_RULESET: LocalRuleset = { branch: "main", requireCodeOwnerReview: true, bypass: ["worker-fleet"] };

const METADATA = "fleet-forge.json";

export class LocalForge implements Forge {
  readonly root: string;
  constructor(
    monorepo: string,
    readonly org: string,
  ) {
    this.root = join(monorepo, ".fleet", "forge", org);
  }

  get label(): string {
    return `local forge at ${relative(process.cwd(), this.root) || this.root}`;
  }

  private path(name: string): string {
    return join(this.root, `${name}.git`);
  }

  async get(name: string): Promise<Repository | undefined> {
    const dir = this.path(name);
    if (!existsSync(join(dir, "HEAD"))) return undefined;
    const meta = await this.metadata(name);
    const head = (await readFile(join(dir, "HEAD"), "utf8")).trim();
    return {
      name,
      description: meta?.description ?? "",
      topics: meta?.topics ?? [],
      defaultBranch: head.startsWith("ref: refs/heads/") ? head.slice(16) : "main",
      managedByFleet: meta !== undefined,
      environments: meta?.environments ?? [],
      secrets: meta?.secrets ?? [],
      url: dir,
    };
  }

  async create(spec: CreateRepository): Promise<Repository> {
    if (await this.get(spec.name)) throw new UserError(`repository ${spec.name} already exists in the ${this.label}`);
    try {
      await mkdir(this.root, { recursive: true });
    } catch (error) {
      throw new UserError(`cannot create the ${this.label}: ${(error as Error).message}`, {
        hint: "check that .fleet/ in the monorepo is writable",
        cause: error,
      });
    }
    // made whole beside its place, then renamed into it: a run stopped half-way leaves a folder
    // `get` does not see (not a repository without fleet's metadata, which would be refused as
    // not fleet's from then on); the next create replaces that leftover
    const staging = join(this.root, `.creating-${spec.name}.git`);
    await rm(staging, { recursive: true, force: true });
    await git(["init", "--quiet", "--bare", `--initial-branch=${spec.defaultBranch ?? "main"}`, staging], { cwd: this.root });
    await writeFile(join(staging, "description"), `${spec.description}\n`);
    const meta: Metadata = { managedBy: "worker-fleet", description: spec.description, topics: normalizeTopics(spec.topics), environments: [], secrets: [] };
    await writeFileAtomic(join(staging, METADATA), `${JSON.stringify(meta, null, 2)}\n`);
    await rename(staging, this.path(spec.name));
    return (await this.get(spec.name))!;
  }

  async update(name: string, changes: { description?: string; topics?: string[] }): Promise<Repository> {
    const meta = await this.managed(name);
    if (changes.description !== undefined) {
      meta.description = changes.description;
      await writeFile(join(this.path(name), "description"), `${changes.description}\n`);
    }
    if (changes.topics !== undefined) meta.topics = normalizeTopics(changes.topics);
    await this.save(name, meta);
    return (await this.get(name))!;
  }

  async list(filter: { topic?: string } = {}): Promise<Repository[]> {
    if (!existsSync(this.root)) return [];
    const names = (await readdir(this.root))
      .filter((n) => n.endsWith(".git") && !n.startsWith("."))
      .map((n) => n.slice(0, -4))
      .sort();
    const repos = (await Promise.all(names.map((n) => this.get(n)))).filter((r): r is Repository => r !== undefined);
    return filter.topic ? repos.filter((r) => r.topics.includes(filter.topic!.toLowerCase())) : repos;
  }

  /** Read from the bare repositories' files: no git process, no metadata. */
  async heads(names: readonly string[]): Promise<Map<string, RepositoryHead>> {
    const out = new Map<string, RepositoryHead>();
    await Promise.all(
      names.map(async (name) => {
        const dir = this.path(name);
        if (!existsSync(join(dir, "HEAD"))) return;
        const files = await branchFromFiles(dir, "main");
        const main =
          files !== undefined ? files : (await git(["rev-parse", "-q", "--verify", "refs/heads/main"], { cwd: dir, okCodes: [1] })).stdout.trim() || null;
        out.set(name, { url: dir, main });
      }),
    );
    return out;
  }

  async ensureEnvironment(name: string, environment: string): Promise<void> {
    const meta = await this.managed(name);
    if (!meta.environments.includes(environment)) {
      meta.environments = [...meta.environments, environment].sort();
      await this.save(name, meta);
    }
  }

  async setSecret(name: string, secret: string, value: string): Promise<void> {
    const meta = await this.managed(name);
    const fingerprint = createHash("sha256").update(value).digest("hex");
    meta.secrets = [...meta.secrets.filter((s) => s.name !== secret), { name: secret, fingerprint }].sort((a, b) => (a.name < b.name ? -1 : 1));
    await this.save(name, meta);
  }

  async grants(name: string): Promise<Grant[]> {
    const access = (await this.managed(name)).access ?? { teams: {}, users: {} };
    const of = (kind: Grant["kind"], record: Record<string, Permission>) =>
      Object.entries(record)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([who, permission]): Grant => ({ kind, name: who, permission }));
    return [...of("team", access.teams), ...of("user", access.users)];
  }

  async grant(name: string, grant: Grant): Promise<void> {
    const meta = await this.managed(name);
    const access = (meta.access ??= { teams: {}, users: {} });
    access[grant.kind === "team" ? "teams" : "users"][grant.name] = grant.permission;
    await this.save(name, meta);
  }

  async revoke(name: string, who: Pick<Grant, "kind" | "name">): Promise<void> {
    const meta = await this.managed(name);
    if (meta.access) delete meta.access[who.kind === "team" ? "teams" : "users"][who.name];
    await this.save(name, meta);
  }

  async mainRuleset(name: string): Promise<MainRuleset> {
    const { ruleset } = await this.managed(name);
    if (!ruleset) return "missing";
    return JSON.stringify(ruleset) === JSON.stringify(FLEET_RULESET) ? "matches" : "differs";
  }

  async protectMain(name: string): Promise<void> {
    const meta = await this.managed(name);
    meta.ruleset = { ...FLEET_RULESET };
    await this.save(name, meta);
  }

  /** Local writes are not paced. */
  writeTime(): number {
    return 0;
  }

  gitEnv(): Record<string, string> {
    return {};
  }

  private async metadata(name: string): Promise<Metadata | undefined> {
    try {
      const meta = JSON.parse(await readFile(join(this.path(name), METADATA), "utf8")) as Metadata;
      return meta.managedBy === "worker-fleet" ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  private async managed(name: string): Promise<Metadata> {
    const meta = await this.metadata(name);
    if (!meta) throw new UserError(`repository ${name} in the ${this.label} was not created by fleet; fleet leaves it alone`);
    return meta;
  }

  private async save(name: string, meta: Metadata): Promise<void> {
    await writeFileAtomic(join(this.path(name), METADATA), `${JSON.stringify(meta, null, 2)}\n`);
  }
}

/** Topics as GitHub stores them: lowercase, unique, sorted. */
export function normalizeTopics(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => t.toLowerCase()))].sort();
}
