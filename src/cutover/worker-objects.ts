// The worker side of a Durable Object transfer at cutover. Until then the worker's wrangler.jsonc
// binds each class the platform defines by `script_name` (the platform's namespace, so the worker
// sees the same objects during dual-deploy); the cutover commits, on the worker repository's
// branch fleet/cutover, the config that takes the namespace over: the bindings without
// `script_name`, and a migration step `transferred_classes: [{ from, from_script, to }]` — or, where
// the platform declares its classes in `exports`, the class `expecting-transfer` from it (the
// platform's `transferred` then hands the objects over). The
// worker deploys from that branch first (Cloudflare moves the namespace, every object in it, to
// the worker); once the hostnames are the worker's, the routes commit goes on top of it and main
// fast-forwards to both. Until then main is untouched, so a failed cutover leaves nothing behind
// in the repository that a later deploy would act on.
import { applyEdits, modify } from "jsonc-parser";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { commitFiles, fileAt } from "../git/commit-files.js";
import { git, gitText } from "../git/git.js";
import { readWorkerState } from "../sync/worker-state.js";

export const OBJECTS_TRAILER = "Fleet-Cutover-Objects";
export const WORKER_CUTOVER_BRANCH = "fleet/cutover";

export interface ClassTransfer {
  className: string;
  /** The script whose namespace it is now (the platform's, in the environment cut over). */
  fromScript: string;
  /** How the platform declares it: `exports` (the declarative form) or `migrations`. The take-over follows it. */
  declared?: "exports" | "migrations";
  /** Its storage backend, where the platform's `exports` says. */
  storage?: string;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2 } };

/**
 * The worker's config taking the classes over: `script_name` dropped from their bindings in
 * every section, and one migration step transferring them (at the top level, where wrangler reads
 * migrations). Unchanged text when the config already does.
 */
export function takeOverObjects(text: string, file: string, transfers: readonly ClassTransfer[]): string {
  const raw = parseWranglerConfig(text, file).raw;
  const classes = new Set(transfers.map((t) => t.className));
  let edited = text;
  const sections: [string[], Record<string, unknown>][] = [[[], raw]];
  for (const [env, section] of Object.entries((raw.env ?? {}) as Record<string, Record<string, unknown>>)) sections.push([["env", env], section ?? {}]);
  for (const [path, section] of sections) {
    const bindings = ((section.durable_objects as { bindings?: unknown[] } | undefined)?.bindings ?? []) as Record<string, unknown>[];
    bindings.forEach((b, index) => {
      if (classes.has(String(b.class_name)) && b.script_name !== undefined)
        edited = applyEdits(edited, modify(edited, [...path, "durable_objects", "bindings", index, "script_name"], undefined, FORMAT));
    });
  }
  // the declarative form where the platform uses it and the worker's config has no migrations (the two are exclusive)
  const declarative = !Array.isArray(raw.migrations) && (raw.exports !== undefined || transfers.some((t) => t.declared === "exports"));
  if (declarative) return expectTransfers(edited, raw, transfers);
  const steps = (Array.isArray(raw.migrations) ? raw.migrations : []) as Record<string, unknown>[];
  const done = new Set(
    steps
      .flatMap((s) => (Array.isArray(s.transferred_classes) ? (s.transferred_classes as Record<string, unknown>[]) : []))
      .map((t) => `${t.from_script}/${t.from}`),
  );
  const missing = transfers.filter((t) => !done.has(`${t.fromScript}/${t.className}`));
  if (missing.length) {
    const tags = new Set(steps.map((s) => s.tag));
    let n = steps.length + 1;
    while (tags.has(`v${n}`)) n++;
    const step = { tag: `v${n}`, transferred_classes: missing.map((t) => ({ from: t.className, from_script: t.fromScript, to: t.className })) };
    edited = applyEdits(edited, modify(edited, ["migrations", steps.length], step, { ...FORMAT, isArrayInsertion: true }));
  }
  return edited;
}

/** `exports.<class>` awaiting each class from its script (`expecting-transfer`), where it does not already. */
function expectTransfers(text: string, raw: Record<string, unknown>, transfers: readonly ClassTransfer[]): string {
  let edited = text;
  const exports = (raw.exports ?? {}) as Record<string, Record<string, unknown>>;
  for (const t of transfers) {
    const entry = exports[t.className];
    if (entry?.state === "expecting-transfer" && entry.transfer_from === t.fromScript) continue;
    const value = { type: "durable-object", state: "expecting-transfer", storage: t.storage ?? "sqlite", transfer_from: t.fromScript };
    edited = applyEdits(edited, modify(edited, ["exports", t.className], value, FORMAT));
  }
  return edited;
}

export interface ObjectTransferCommit {
  /** committed: pushed to fleet/cutover; already: main takes the classes over itself; not-fleets-config: the config is the monorepo's. */
  status: "committed" | "already" | "not-fleets-config";
  /** The commit to deploy and to build the routes commit on (main's tip when already). */
  commit: string;
  file?: string;
}

/**
 * Commits the take-over on main's tip and pushes it to fleet/cutover in the worker repository
 * (replacing only a branch of that name fleet made: its tip carries the trailer).
 */
export async function commitObjectTransfer(options: {
  monorepo: string;
  url: string;
  gitEnv: Record<string, string>;
  id: string;
  transfers: readonly ClassTransfer[];
}): Promise<ObjectTransferCommit> {
  const { monorepo, url, gitEnv, id, transfers } = options;
  const state = await readWorkerState(monorepo, url, id, gitEnv);
  if (!state.tip) throw new Error(`the repository at ${url} has no commits`);
  const file = "wrangler.jsonc";
  const text = await fileAt(monorepo, state.tip, file);
  const owned = state.lastSync && (await fileAt(monorepo, state.lastSync.split, file)) !== undefined;
  if (text === undefined || owned) return { status: "not-fleets-config", commit: state.tip };
  const edited = takeOverObjects(text, file, transfers);
  if (edited === text) return { status: "already", commit: state.tip, file };
  const classes = transfers.map((t) => t.className).join(", ");
  const from = [...new Set(transfers.map((t) => t.fromScript))].join(", ");
  const message = [
    `Take over the Durable Objects of ${classes} from ${from}`,
    "",
    `Their namespace, every object in it, moves to this worker by a transferred_classes migration;`,
    `until now this worker bound ${from}'s by script_name.`,
    "",
    `${OBJECTS_TRAILER}: ${id}`,
    "",
  ].join("\n");
  const commit = await commitFiles(monorepo, state.tip, new Map([[file, edited]]), message);
  await requireFleetsBranch(monorepo, url, gitEnv, id);
  await git(["push", "--quiet", "--force", "--", url, `${commit}:refs/heads/${WORKER_CUTOVER_BRANCH}`], { cwd: monorepo, env: gitEnv });
  return { status: "committed", commit, file };
}

/** A fleet/cutover branch in the worker repository that fleet did not make is never replaced. */
async function requireFleetsBranch(monorepo: string, url: string, gitEnv: Record<string, string>, id: string): Promise<void> {
  const { stdout } = await git(["ls-remote", "--", url, `refs/heads/${WORKER_CUTOVER_BRANCH}`], { cwd: monorepo, env: gitEnv });
  const tip = stdout.split("\t")[0]?.trim();
  if (!tip) return;
  await git(["fetch", "--quiet", "--no-tags", "--", url, `refs/heads/${WORKER_CUTOVER_BRANCH}`], { cwd: monorepo, env: gitEnv });
  const message = await gitText(["log", "-1", "--format=%B", "FETCH_HEAD"], { cwd: monorepo });
  if (!message.includes(`${OBJECTS_TRAILER}: ${id}`))
    throw new Error(`the worker repository has a branch ${WORKER_CUTOVER_BRANCH} that fleet did not make; rename or delete it, then run the cutover again`);
}
