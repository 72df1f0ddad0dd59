// What the generator knows it wrote. Tests compare discovery with this, so it is derived
// from the catalog and the binding model, never by scanning the generated files.

export type ExampleLayout = "router" | "directories";

export interface ExampleTruth {
  layout: ExampleLayout;
  org: "chittyos";
  zone: "chitty.cc";
  /** The platform router (router layout). */
  routerFile?: string;
  /** The monorepo's wrangler config (router layout). */
  wranglerConfig?: string;
  /** The module the router imports its context wrapper from (router layout). */
  contextModule?: string;
  /** Sorted by id. */
  services: TruthService[];
  /** Workers that live elsewhere and are reached through a service binding. */
  external: { id: string; domain: string; binding: string; service: string }[];
  /** Hostnames mapped to something that is not a handler. */
  placeholders: string[];
}

export interface TruthService {
  id: string;
  domain: string;
  /** Router layout: the service file, its handler export and the handler's signature style. */
  file?: string;
  export?: string;
  style?: "fetch" | "context";
  /** Sorted repo-relative files: the service file and its existing transitive relative imports. */
  closure?: string[];
  /** Sorted test files that import the service file. */
  tests?: string[];
  danglingImports?: { from: string; specifier: string }[];
  /** Directories layout: the worker's folder and its wrangler config. */
  dir?: string;
  wranglerFile?: string;
  /** Every NAME in `env.NAME` reads of the worker's code, sorted. */
  envReads: string[];
  /** envReads defined in the wrangler config, sorted. */
  bindings: string[];
  /** envReads not defined in the wrangler config, sorted. */
  secrets: string[];
  /** Bare imports of the worker's code mapped to their version ranges. */
  npmDependencies: Record<string, string>;
  /** Other fleet worker ids, sorted: through service bindings it reads or URLs of their domains. */
  dependsOn: string[];
  /** Router layout: the crons and queues the platform runs its functions on, with the function each runs. */
  triggers?: { kind: "cron" | "queue"; name: string; export: string }[];
}

export const ORG = "chittyos";
export const ZONE = "chitty.cc";

/** The repository and Cloudflare worker name for a service id. */
export function workerName(id: string): string {
  return `${ORG}-${id}-worker`;
}

export function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Splits env reads into those a wrangler config defines and the rest (secrets). */
export function partitionReads(reads: Iterable<string>, defined: ReadonlySet<string>) {
  const envReads = sorted(reads);
  return {
    envReads,
    bindings: envReads.filter((name) => defined.has(name)),
    secrets: envReads.filter((name) => !defined.has(name)),
  };
}
