// Where worker repositories live. The local forge (bare repositories under .fleet/forge) is the
// reference implementation; the GitHub forge implements the same interface and passes the same
// contract tests (test/forge/contract.ts).

export interface SecretRecord {
  name: string;
  /** SHA-256 of the value, hex: enough to tell whether it changed, never the value. */
  fingerprint: string;
}

export interface Repository {
  name: string;
  description: string;
  topics: string[];
  defaultBranch: string;
  /** Whether fleet created it (a same-named repository fleet did not create is never touched). */
  managedByFleet: boolean;
  environments: string[];
  secrets: SecretRecord[];
  /** What git clones, fetches and pushes: a path or an https URL, never with credentials. */
  url: string;
}

export interface RepositoryHead {
  url: string;
  /** The commit of `main`; null when it has none; absent when the forge could not say (git will). */
  main?: string | null;
}

/** Repository permissions as GitHub names them, weakest first. */
export type Permission = "pull" | "triage" | "push" | "maintain" | "admin";

/** Someone's access to a repository: a team of the organisation, or a user as a direct collaborator. */
export interface Grant {
  kind: "team" | "user";
  /** Team slug or user login. */
  name: string;
  permission: Permission;
  /** A user invited who has not accepted yet (GitHub); counts as granted. */
  pending?: boolean;
}

/** Whether fleet's ruleset on main is there, and as fleet makes it. */
export type MainRuleset = "missing" | "differs" | "matches";

export interface CreateRepository {
  name: string;
  description: string;
  topics: string[];
  defaultBranch?: string;
}

export interface Forge {
  /** A human name for messages: "local forge at .fleet/forge/chittyos". */
  readonly label: string;
  get(name: string): Promise<Repository | undefined>;
  /** Creates an empty repository; fails if one of that name exists. */
  create(spec: CreateRepository): Promise<Repository>;
  /** Replaces description and topics. */
  update(name: string, changes: { description?: string; topics?: string[] }): Promise<Repository>;
  list(filter?: { topic?: string }): Promise<Repository[]>;
  /**
   * Where each named repository that exists is (for git) and the commit of its `main` now (null
   * when it has none), read as cheaply as the forge allows: what sync needs to tell which worker
   * repositories moved. A name missing from the result has no repository.
   */
  heads(names: readonly string[]): Promise<Map<string, RepositoryHead>>;
  ensureEnvironment(name: string, environment: string): Promise<void>;
  /** Stores a secret; the local forge keeps only its fingerprint. */
  setSecret(name: string, secret: string, value: string): Promise<void>;
  /** Teams and direct collaborators (and, on GitHub, pending invitations), sorted by kind then name. */
  grants(name: string): Promise<Grant[]>;
  /** Gives a team or user a permission, or changes the one they have. */
  grant(name: string, grant: Grant): Promise<void>;
  /** Takes a team's or user's access away (a pending invitation is withdrawn). */
  revoke(name: string, who: Pick<Grant, "kind" | "name">): Promise<void>;
  /** Fleet's ruleset on main: changes by pull request with a code owner's review, fleet's own pushes let through. */
  mainRuleset(name: string): Promise<MainRuleset>;
  /** Creates fleet's ruleset on main, or puts back what it should say. */
  protectMain(name: string): Promise<void>;
  /** How long this many more writes are expected to take at the forge's pace, in ms (0 where writes are not paced). */
  writeTime(writes: number): number;
  /** Environment for git commands that talk to this forge (credentials, never in a URL). */
  gitEnv(): Record<string, string>;
  /**
   * Proposes merging branch `head` into `base` as a pull request, reusing the open one of the same
   * head if there is one. Absent where the forge has no pull requests (the local forge: the branch is the proposal).
   */
  proposeChange?(name: string, change: ProposedChange): Promise<{ number: number; url: string; reused: boolean }>;
}

export interface ProposedChange {
  head: string;
  base: string;
  title: string;
  body: string;
}
