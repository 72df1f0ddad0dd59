// The command registry: names, one-line summaries, and lazy loaders. Start-up imports only this
// table; a command's module (and its dependencies) load only when that command runs.
import type { Command } from "./define.js";

export interface CommandEntry {
  summary: string;
  load: () => Promise<{ default: Command<any> }>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  init: { summary: "discover the monorepo's workers and write fleet.jsonc", load: () => import("../commands/init.js") },
  plan: { summary: "phases, dependency order and what each worker needs", load: () => import("../commands/plan.js") },
  split: { summary: "build refs/fleet/split/<worker>: each worker's own history (no network)", load: () => import("../commands/split.js") },
  create: {
    summary: "create each worker's repository on the forge with its scaffold, topics, environments, secrets",
    load: () => import("../commands/create.js"),
  },
  update: {
    summary: "merge the current scaffold template into each worker repository three ways, on the branch fleet/update",
    load: () => import("../commands/update.js"),
  },
  access: {
    summary: "who can do what in each worker repository against the manifest; --apply grants, --prune revokes",
    load: () => import("../commands/access.js"),
  },
  list: { summary: "list the worker repositories on the forge", load: () => import("../commands/list.js") },
  clone: { summary: "clone the worker repositories, or bring existing clones up to date", load: () => import("../commands/clone.js") },
  sync: { summary: "merge each worker's split into its repository and push (fast-forward only)", load: () => import("../commands/sync.js") },
  deploy: {
    summary: "deploy workers in dependency order to the manifest's cloud (local or Cloudflare), with health checks",
    load: () => import("../commands/deploy.js"),
  },
  rollback: { summary: "make an earlier version of a worker active again", load: () => import("../commands/rollback.js") },
  releases: { summary: "the fleet releases fleet deploy recorded: which version of every worker was live", load: () => import("../commands/releases.js") },
  versions: {
    summary: "each worker's released version (its newest vX.Y.Z tag), its date, commits since, and whether it is live",
    load: () => import("../commands/versions.js"),
  },
  health: { summary: "every worker's /health, concurrently; exit 1 if any is down", load: () => import("../commands/health.js") },
  up: { summary: "serve the local cloud on 127.0.0.1, routed by Host header", load: () => import("../commands/up.js") },
  registry: { summary: "sync every worker's entry into the service registry", load: () => import("../commands/registry.js") },
  status: { summary: "the migration checklist of every worker, observed, with progress and next actions", load: () => import("../commands/status.js") },
  migrate: { summary: "do what each worker's checklist says is missing, in order; resumable", load: () => import("../commands/migrate.js") },
  cutover: { summary: "hand a hostname from the platform router to the worker's own deployment", load: () => import("../commands/cutover.js") },
  ci: { summary: "write the monorepo's workflow that syncs the changed workers on every push", load: () => import("../commands/ci.js") },
  demo: { summary: "the whole migration of the generated example, locally: init to cutover, with its status page", load: () => import("../commands/demo.js") },
  example: { summary: "generate the deterministic example monorepo into a folder", load: () => import("../commands/example.js") },
};
