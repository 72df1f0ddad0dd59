// Worker repositories in a GitHub organisation, through Octokit with its throttling plugin
// (content-creating requests one at a time, at least a second apart, `retry-after` honoured) and
// its retry plugin (server errors retried with backoff). Git reaches GitHub over HTTPS with the
// token in git's environment only (GIT_CONFIG_COUNT/KEY/VALUE), never in a URL, a config file or
// a command line.
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { boundedMap } from "../concurrency/bounded.js";
import { git } from "../git/git.js";
import type { CreateRepository, Forge, Grant, MainRuleset, ProposedChange, Repository, RepositoryHead, SecretRecord } from "./forge.js";
import { GitHubAccess } from "./github-access.js";
import { proposePullRequest } from "./github-pulls.js";
import { normalizeTopics } from "./local.js";
import { WritePacer, type WriteLimit } from "./write-pacer.js";

/** The topic that marks a repository fleet created (kept out of `topics` as fleet reports them). */
export const MANAGED_TOPIC = "worker-fleet";

export interface GitHubForgeOptions {
  org: string;
  token: string;
  /** REST API root (GitHub Enterprise, or a stand-in in tests). */
  apiUrl?: string;
  /** Where git clones from: https://github.com by default. */
  gitUrl?: string;
  visibility?: "private" | "public";
  /** Where fleet remembers secret fingerprints (GitHub never returns a secret). */
  stateDir: string;
  /** Retries of a rate-limited request before giving up. */
  rateLimitRetries?: number;
  /** Per request (each attempt); a request that gets no answer in time is retried (default 30 s). */
  requestTimeoutMs?: number;
  /** GitHub's limits on content-creating requests (default 80 a minute and 500 an hour); tests use small ones. */
  writeLimits?: readonly WriteLimit[];
  log?: (message: string) => void;
}

const FleetOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof FleetOctokit>;

interface SecretState {
  /** repo → secret → the fingerprint fleet set, and GitHub's updated_at at that time */
  [repo: string]: Record<string, { fingerprint: string; updatedAt: string }>;
}

/** Up to this many repositories are looked up one by one rather than by listing the organisation. */
const FEW = 5;

export class GitHubForge implements Forge {
  private readonly octokit: Client;
  private readonly gitUrl: string;
  private readonly pacer: WritePacer;
  private readonly access: GitHubAccess;
  constructor(private readonly options: GitHubForgeOptions) {
    const retries = options.rateLimitRetries ?? 3;
    this.pacer = new WritePacer({
      ...(options.writeLimits ? { limits: options.writeLimits } : {}),
      onWait: (ms) => options.log?.(`pacing GitHub writes under its limits: waiting ${Math.ceil(ms / 1000)} s`),
    });
    this.gitUrl = (options.gitUrl ?? "https://github.com").replace(/\/$/, "");
    this.octokit = new FleetOctokit({
      auth: options.token,
      baseUrl: options.apiUrl ?? "https://api.github.com",
      userAgent: "worker-fleet",
      // Each attempt gets its own deadline, so a response that never comes is retried like a 5xx.
      request: {
        fetch: async (url: string, init: RequestInit = {}) => {
          // every write (anything but GET) waits its turn under GitHub's per-minute and per-hour
          // limits here, as it leaves: after the throttling plugin's queue, retries counted too
          const method = (init.method ?? "GET").toUpperCase();
          const done = method !== "GET" && method !== "HEAD" ? await this.pacer.take() : undefined;
          const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 30_000);
          try {
            return await fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
          } finally {
            done?.(); // it counts from when it is done: the next windows open from there
          }
        },
      },
      log: { debug: () => {}, info: () => {}, warn: (m: string) => options.log?.(m), error: (m: string) => options.log?.(m) },
      throttle: {
        onRateLimit: (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
          options.log?.(`GitHub rate limit on ${request.method} ${request.url}; retrying in ${after} s`);
          return count < retries;
        },
        onSecondaryRateLimit: (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
          options.log?.(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${after} s`);
          return count < retries;
        },
      },
    });
    this.access = new GitHubAccess(this.octokit, options.org);
  }

  get label(): string {
    return `GitHub organisation ${this.options.org}`;
  }

  async get(name: string): Promise<Repository | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.get({ owner: this.options.org, repo: name });
      return await this.repository(data);
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw this.explain(error, `read ${name}`);
    }
  }

  async create(spec: CreateRepository): Promise<Repository> {
    if (await this.get(spec.name)) throw new UserError(`repository ${spec.name} already exists in the ${this.label}`);
    try {
      await this.octokit.rest.repos.createInOrg({
        org: this.options.org,
        name: spec.name,
        description: spec.description,
        visibility: this.options.visibility ?? "private",
        auto_init: false,
        has_wiki: false,
      });
      await this.octokit.rest.repos.replaceAllTopics({ owner: this.options.org, repo: spec.name, names: [...normalizeTopics(spec.topics), MANAGED_TOPIC] });
    } catch (error) {
      throw this.explain(error, `create ${spec.name}`);
    }
    return (await this.get(spec.name))!;
  }

  async update(name: string, changes: { description?: string; topics?: string[] }): Promise<Repository> {
    await this.managed(name);
    try {
      if (changes.description !== undefined) await this.octokit.rest.repos.update({ owner: this.options.org, repo: name, description: changes.description });
      if (changes.topics !== undefined)
        await this.octokit.rest.repos.replaceAllTopics({ owner: this.options.org, repo: name, names: [...normalizeTopics(changes.topics), MANAGED_TOPIC] });
    } catch (error) {
      throw this.explain(error, `update ${name}`);
    }
    return (await this.get(name))!;
  }

  /** The organisation's repositories, filtered here (the search API stops at 1,000 results). */
  async list(filter: { topic?: string } = {}): Promise<Repository[]> {
    let all: Awaited<ReturnType<Client["rest"]["repos"]["listForOrg"]>>["data"];
    try {
      all = await this.octokit.paginate(this.octokit.rest.repos.listForOrg, { org: this.options.org, type: "all", per_page: 100 });
    } catch (error) {
      throw this.explain(error, "list repositories");
    }
    const wanted = all.filter((r) => (filter.topic ? (r.topics ?? []).includes(filter.topic.toLowerCase()) : true)).sort((a, b) => (a.name < b.name ? -1 : 1));
    return Promise.all(wanted.map((r) => this.repository(r)));
  }

  /**
   * Which repositories exist — one request each for a few, else one listing of the organisation
   * (a page per 100 repositories) — and `git ls-remote` (a few at once) reads each one's main, as
   * GitHub has no call that reads many repositories' branches.
   */
  async heads(names: readonly string[]): Promise<Map<string, RepositoryHead>> {
    const wanted = new Set(names);
    let existing: string[];
    try {
      if (wanted.size <= FEW) {
        const found = await Promise.all(
          [...wanted].map((repo) =>
            this.octokit.rest.repos.get({ owner: this.options.org, repo }).then(
              () => repo,
              (error: unknown) => (status(error) === 404 ? undefined : Promise.reject(error)),
            ),
          ),
        );
        existing = found.filter((name): name is string => name !== undefined);
      } else {
        const all = await this.octokit.paginate(this.octokit.rest.repos.listForOrg, { org: this.options.org, type: "all", per_page: 100 });
        existing = all.map((r) => r.name).filter((name) => wanted.has(name));
      }
    } catch (error) {
      throw this.explain(error, "list repositories");
    }
    const out = new Map<string, RepositoryHead>();
    await boundedMap(existing, 8, async (name) => {
      const url = `${this.gitUrl}/${this.options.org}/${name}.git`;
      const listed = await git(["ls-remote", "--", url, "refs/heads/main"], { cwd: process.cwd(), env: this.gitEnv() }).catch(() => undefined);
      // a repository git cannot read now is left for sync to name (it tries again and says why)
      out.set(name, listed ? { url, main: listed.stdout.split("\t")[0]?.trim() || null } : { url });
    });
    return out;
  }

  async ensureEnvironment(name: string, environment: string): Promise<void> {
    await this.managed(name);
    try {
      await this.octokit.rest.repos.createOrUpdateEnvironment({ owner: this.options.org, repo: name, environment_name: environment });
    } catch (error) {
      throw this.explain(error, `add the ${environment} environment to ${name}`);
    }
  }

  /** Seals the value with the repository's public key (libsodium sealed box); only the fingerprint is kept. */
  async setSecret(name: string, secret: string, value: string): Promise<void> {
    await this.managed(name);
    const { default: sodium } = await import("libsodium-wrappers");
    await sodium.ready;
    try {
      const { data: key } = await this.octokit.rest.actions.getRepoPublicKey({ owner: this.options.org, repo: name });
      const sealed = sodium.crypto_box_seal(sodium.from_string(value), sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL));
      await this.octokit.rest.actions.createOrUpdateRepoSecret({
        owner: this.options.org,
        repo: name,
        secret_name: secret,
        encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
        key_id: key.key_id,
      });
      const { data } = await this.octokit.rest.actions.getRepoSecret({ owner: this.options.org, repo: name, secret_name: secret });
      const state = await this.secretState();
      state[name] = { ...state[name], [secret]: { fingerprint: createHash("sha256").update(value).digest("hex"), updatedAt: data.updated_at } };
      await this.saveSecretState(state);
    } catch (error) {
      throw this.explain(error, `set the secret ${secret} of ${name}`);
    }
  }

  grants(name: string): Promise<Grant[]> {
    return this.access.grants(name);
  }

  grant(name: string, grant: Grant): Promise<void> {
    return this.access.grant(name, grant);
  }

  revoke(name: string, who: Pick<Grant, "kind" | "name">): Promise<void> {
    return this.access.revoke(name, who);
  }

  mainRuleset(name: string): Promise<MainRuleset> {
    return this.access.mainRuleset(name);
  }

  protectMain(name: string): Promise<void> {
    return this.access.protectMain(name);
  }

  /** At GitHub's write limits, from the writes this process has made. */
  writeTime(writes: number): number {
    return this.pacer.estimate(writes);
  }

  /**
   * The token for git, as an HTTP header in git's environment, scoped to the git host. Only the
   * base64 form is in it, and only in the environment of the git processes fleet starts.
   */
  gitEnv(): Record<string, string> {
    const basic = Buffer.from(`x-access-token:${this.options.token}`).toString("base64");
    return {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `http.${this.gitUrl}/.extraheader`,
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
      GIT_TERMINAL_PROMPT: "0",
    };
  }

  /** A pull request of `change.head` into `change.base`: the open one reused, else opened. */
  async proposeChange(name: string, change: ProposedChange): Promise<{ number: number; url: string; reused: boolean }> {
    try {
      return await proposePullRequest(this.octokit, this.options.org, name, change);
    } catch (error) {
      throw this.explain(error, `open a pull request of ${change.head} in ${name}`);
    }
  }

  private async repository(data: { name: string; description: string | null; topics?: string[]; default_branch?: string }): Promise<Repository> {
    const topics = data.topics ?? [];
    const managed = topics.includes(MANAGED_TOPIC);
    const [environments, secrets] = managed ? await Promise.all([this.environments(data.name), this.secrets(data.name)]) : [[], []];
    return {
      name: data.name,
      description: data.description ?? "",
      topics: normalizeTopics(topics.filter((t) => t !== MANAGED_TOPIC)),
      defaultBranch: data.default_branch ?? "main",
      managedByFleet: managed,
      environments,
      secrets,
      url: `${this.gitUrl}/${this.options.org}/${data.name}.git`,
    };
  }

  private async environments(name: string): Promise<string[]> {
    const { data } = await this.octokit.rest.repos.getAllEnvironments({ owner: this.options.org, repo: name, per_page: 100 });
    return (data.environments ?? []).map((e) => e.name).sort();
  }

  /** Secret names from GitHub; a fingerprint only where fleet set the value GitHub still has. */
  private async secrets(name: string): Promise<SecretRecord[]> {
    const { data } = await this.octokit.rest.actions.listRepoSecrets({ owner: this.options.org, repo: name, per_page: 100 });
    const known = (await this.secretState())[name] ?? {};
    return data.secrets
      .map((s) => ({ name: s.name, fingerprint: known[s.name]?.updatedAt === s.updated_at ? known[s.name]!.fingerprint : "" }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private async managed(name: string): Promise<void> {
    const repo = await this.get(name);
    if (!repo) throw new UserError(`repository ${name} does not exist in the ${this.label}`);
    if (!repo.managedByFleet)
      throw new UserError(`repository ${name} in the ${this.label} was not created by fleet (no "${MANAGED_TOPIC}" topic); fleet leaves it alone`);
  }

  private get stateFile(): string {
    return join(this.options.stateDir, "github", this.options.org, "secret-fingerprints.json");
  }

  private async secretState(): Promise<SecretState> {
    return readFile(this.stateFile, "utf8").then(
      (t) => JSON.parse(t) as SecretState,
      () => ({}),
    );
  }

  private async saveSecretState(state: SecretState): Promise<void> {
    await mkdir(dirname(this.stateFile), { recursive: true });
    await writeFileAtomic(this.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** A GitHub refusal the user can act on becomes a UserError naming what to do. */
  private explain(error: unknown, what: string): Error {
    const code = status(error);
    if (code === 401)
      return new UserError(`GitHub refused the token while trying to ${what} (HTTP 401)`, { hint: "set GH_TOKEN (or GITHUB_TOKEN) to a valid token" });
    if (code === 403) {
      const permissions = "the Administration, Contents, Environments and Secrets repository permissions (read and write)";
      return new UserError(`GitHub did not allow fleet to ${what} (HTTP 403)`, { hint: `the token needs ${permissions} for the organisation's repositories` });
    }
    if (code === 422) return new UserError(`GitHub rejected the request to ${what} (HTTP 422): ${(error as Error).message}`);
    return error instanceof Error ? error : new Error(String(error));
  }
}

function status(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error ? Number((error as { status: unknown }).status) : undefined;
}
