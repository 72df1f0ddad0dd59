// The ten steps of a worker's migration, in order. Each is observed by a probe (probes.ts);
// none is ever ticked by hand.
import type { ScaffoldDrift } from "../update/scaffold-drift.js";

export const STEPS = [
  { key: "repository", title: "Repository created", short: "repo" },
  { key: "code", title: "Code extracted", short: "code" },
  { key: "tests", title: "Tests copied", short: "tests" },
  { key: "actions", title: "Actions set up", short: "CI" },
  { key: "secrets", title: "Secrets configured", short: "secrets" },
  { key: "deployed", title: "Deployed from its repository", short: "deploy" },
  { key: "health", title: "Health verified", short: "health" },
  { key: "registry", title: "Registry updated", short: "registry" },
  { key: "docs", title: "Documentation updated", short: "docs" },
  { key: "migrated", title: "Marked migrated", short: "migrated" },
] as const;

export type StepKey = (typeof STEPS)[number]["key"];
export type StepState = "done" | "missing" | "n/a";

export interface StepResult {
  step: StepKey;
  state: StepState;
  /** What the probe saw, in a sentence. */
  evidence: string;
}

export interface WorkerStatus {
  id: string;
  name: string;
  phase: number;
  week: number | null;
  domain: string | null;
  /** Its wildcard routes as written, when it has any (patterns, not hostnames). */
  routes?: string[];
  external: boolean;
  repository: string;
  dependsOn: string[];
  steps: StepResult[];
  /** The first step not done, and the command that does it. */
  next: { step: StepKey | "scaffold" | "back"; command: string } | null;
  /**
   * Whether its repository's scaffold is behind the template (`fleet update` is then the next
   * action once the steps are done); null: no repository to compare.
   */
  scaffold: ScaffoldDrift | null;
  /**
   * The worker repository's own commits since its last sync that change the monorepo's files and
   * have not come back to it (`fleet sync --back` brings them); null: no synced repository to read.
   */
  back: { waiting: number; commits: string[] } | null;
  /** The worker's own /health as observed for the health step. */
  health: { state: "up" | "degraded" | "down"; latencyMs: number; url: string } | null;
  /** What the manifest's cloud holds for the worker's script (null: external). */
  cloud: WorkerInCloud | null;
}

export interface WorkerInCloud {
  kind: "local" | "cloudflare";
  script: string;
  /** The live version, and the repository commit it was built from when fleet deployed it. */
  live: { id: string; number: number; commit: string | null } | null;
  /** Hostnames (and path routes) the script holds, sorted. */
  hostnames: string[];
  /** Runtime secret names (never values). */
  secrets: string[];
}

/** The command that does a step for a worker. */
/** The command that does each step: what the checklist names as next, and what `fleet migrate` calls. */
export const STEP_OWNER = {
  repository: "create",
  actions: "create",
  secrets: "create",
  code: "sync",
  tests: "sync",
  deployed: "deploy",
  health: "health",
  registry: "registry",
  docs: "migrate",
  migrated: "cutover",
} as const satisfies Record<StepKey, string>;

export function commandFor(step: StepKey, id: string): string {
  switch (STEP_OWNER[step]) {
    case "create":
      return step === "secrets" ? `fleet create ${id} --secrets-file .env` : `fleet create ${id}`;
    case "registry":
      return "fleet registry sync";
    case "cutover":
      return `fleet cutover ${id} --apply`;
    default:
      return `fleet ${STEP_OWNER[step]} ${id}`;
  }
}

export function nextAction(id: string, steps: StepResult[]): WorkerStatus["next"] {
  const first = steps.find((s) => s.state === "missing");
  return first ? { step: first.step, command: commandFor(first.step, id) } : null;
}
