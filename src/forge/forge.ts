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
  /** Environment for git commands that talk to this forge (credentials, never in a URL). */
  gitEnv(): Record<string, string>;
}
