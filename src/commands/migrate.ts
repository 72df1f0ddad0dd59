import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { create } from "../api/create.js";
import { deploy } from "../api/deploy.js";
import { registrySync } from "../api/registry.js";
import { sync } from "../api/sync.js";
import { sessionOf, type Context } from "../cli/context.js";
import { defineCommand } from "../cli/define.js";
import { readSecretsFile } from "../cli/secrets-file.js";
import type { Manifest } from "../manifest/schema.js";
import { requireKnownWorkers } from "../manifest/select.js";
import { observeAgain, observeFleet, type FactPart, type ObserveOptions } from "../checklist/observe.js";
import { probeWorker } from "../checklist/probes.js";
import { STEP_OWNER, STEPS, commandFor, type StepKey } from "../checklist/steps.js";
import { withWorkersListed, WORKERS_DOC } from "../docs/workers-doc.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { sourceBranch } from "../git/branch.js";
import { fleetOrder } from "../plan/order.js";
import { table } from "../report/table.js";

// The steps migrate carries out; the tenth, the cutover, is `fleet cutover`.
const MIGRATE_STEPS: StepKey[] = ["repository", "code", "tests", "actions", "secrets", "deployed", "health", "registry", "docs"];

// What each step can change, so what is observed again after it (the registry worker itself runs
// in the local cloud, so a registry sync can change the cloud too).
const CHANGED_BY: Record<StepKey, ReadonlySet<FactPart>> = {
  repository: new Set(["forge"]),
  code: new Set(["forge"]),
  tests: new Set(["forge"]),
  actions: new Set(["forge"]),
  secrets: new Set(["forge"]),
  deployed: new Set(["cloud", "health"]),
  health: new Set(["health"]),
  registry: new Set(["registry", "cloud"]),
  docs: new Set(["docs"]),
  migrated: new Set(),
};

export default defineCommand({
  writes: true,
  usage: "WORKER...|--phase N [--secrets-file FILE] [--dry-run]",
  description:
    "Does what each worker's checklist says is missing, step by step in order — repository (fleet create), code and tests " +
    "(fleet sync), Actions and secrets (fleet create), deploy (fleet deploy, dependency order), health, registry (fleet " +
    "registry sync), documentation (the monorepo's docs/workers.md) — observing each step again after doing it. A worker " +
    "stops at the first step that is still not done, with the evidence; the others go on. Run it again to resume. Then " +
    "`fleet cutover` hands over the hostname.",
  maxPositionals: Infinity,
  options: {
    phase: { type: "string", description: "every worker of this migration phase (besides any named)", placeholder: "N" },
    "secrets-file": { type: "string", description: "dotenv file with secret values, passed to fleet create", placeholder: "FILE" },
    "dry-run": { type: "boolean", description: "show the steps each worker still needs; change nothing" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    requireKnownWorkers(manifest, positionals);
    const phases = values.phase?.split(",").map((p) => Number(p.trim())) ?? [];
    if (phases.some((p) => !Number.isInteger(p) || p < 1)) throw new UserError(`--phase must be phase numbers such as 1 or 1,2, not "${values.phase}"`);
    const chosen = new Set([...positionals, ...Object.keys(manifest.workers).filter((id) => phases.includes(manifest.workers[id]!.phase))]);
    if (chosen.size === 0)
      throw new UserError("fleet migrate needs worker names or --phase", { hint: "fleet migrate project-initiation, or fleet migrate --phase 1" });
    for (const id of [...chosen].filter((x) => manifest.workers[x]!.external)) {
      ctx.out.info(`${id}: external, it already lives in its own repository`);
      chosen.delete(id);
    }
    const order = fleetOrder(manifest).order.filter((id) => chosen.has(id));
    if (order.length === 0) return 0;
    const secrets = values["secrets-file"] ? await readSecretsFile(ctx.cwd, values["secrets-file"]) : undefined;
    const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
    const health = { timeoutMs: 3000, retries: 2, backoffMs: 200 };
    const observeOptions: ObserveOptions = { health, concurrency: 8, env: ctx.env };
    const judge = async (ids: string[]) => new Map(await Promise.all(ids.map(async (id) => [id, await probeWorker(facts, id)] as const)));

    const progress = ctx.out.progress(`observing ${order.length} workers`);
    // the whole fleet is observed once; after each step only what that step can change is read again
    // how long observing takes, against the whole command (--verbose says, at the end)
    const started = performance.now();
    let observingMs = 0;
    const timed = async <T>(work: Promise<T>): Promise<T> => {
      const at = performance.now();
      try {
        return await work;
      } finally {
        observingMs += performance.now() - at;
      }
    };
    let facts = await timed(observeFleet(ctx.cwd, manifest, branch, order, observeOptions));
    const status = await judge(order);
    progress.done(`observed ${order.length} workers`);
    try {
      const todo = (id: string) => MIGRATE_STEPS.filter((step) => status.get(id)!.steps.find((s) => s.step === step)!.state === "missing");

      if (values["dry-run"]) {
        const plan = order.map((id) => ({ id, steps: todo(id).map((step) => ({ step, command: commandFor(step, id) })) }));
        if (ctx.json) ctx.out.json({ dryRun: true, workers: plan });
        else
          ctx.out.print(
            table(
              ["worker", "steps to do"],
              plan.map((p) => [p.id, p.steps.length ? p.steps.map((s) => s.step).join(" → ") : "nothing (ready for fleet cutover)"]),
            ),
          );
        ctx.out.info("dry run: nothing changed");
        return 0;
      }

      const stopped = new Map<string, { step: StepKey; evidence: string }>();
      const did = new Map<string, StepKey[]>(order.map((id) => [id, []]));
      for (const step of MIGRATE_STEPS) {
        const active = order.filter((id) => !stopped.has(id));
        const pending = active.filter((id) => status.get(id)!.steps.find((s) => s.step === step)!.state === "missing");
        if (pending.length === 0) continue;
        const title = STEPS.find((s) => s.key === step)!.title.toLowerCase();
        const p = ctx.out.progress(`${title}: ${pending.length} worker${pending.length === 1 ? "" : "s"}`);
        await carryOut(ctx, manifest, step, pending, secrets);
        facts = await timed(observeAgain(facts, pending, CHANGED_BY[step], observeOptions));
        const again = await judge(pending);
        for (const id of pending) {
          status.set(id, again.get(id)!);
          const result = again.get(id)!.steps.find((s) => s.step === step)!;
          if (result.state === "missing") stopped.set(id, { step, evidence: result.evidence });
          else did.get(id)!.push(step);
        }
        p.done(`${title}: ${pending.filter((id) => !stopped.has(id)).length} of ${pending.length} done`);
      }

      const rows = order.map((id) => {
        const stop = stopped.get(id);
        const steps = did.get(id)!;
        const result = stop ? `stopped at ${stop.step}` : "ready for cutover";
        return { id, result, did: steps, reason: stop?.evidence ?? "", next: stop ? commandFor(stop.step, id) : `fleet cutover ${id}` };
      });
      const totalMs = performance.now() - started;
      ctx.out.debug(`observing took ${(observingMs / 1000).toFixed(1)} s of ${(totalMs / 1000).toFixed(1)} s (${((100 * observingMs) / totalMs).toFixed(0)}%)`);
      if (ctx.json) ctx.out.json({ workers: rows });
      else {
        const coloredResult = (r: (typeof rows)[number]) => (r.result === "ready for cutover" ? ctx.out.c.green(r.result) : ctx.out.c.red(r.result));
        ctx.out.print(
          table(
            ["worker", "result", "done now", "detail"],
            rows.map((r) => [r.id, coloredResult(r), r.did.join(", ") || "—", r.reason]),
          ),
        );
        const ready = rows.filter((r) => !stopped.has(r.id)).length;
        ctx.out.info(`${ready} of ${rows.length} ready for cutover${stopped.size ? `; run \`fleet migrate\` again after fixing what stopped the others` : ""}`);
      }
      return stopped.size ? EXIT_FINDINGS : 0;
    } finally {
      facts.close();
    }
  },
});

/**
 * Does one step for several workers through the library function of the command that owns it
 * (in this process, under the lock migrate already holds). What went wrong for a worker is shown;
 * observing again afterwards decides whether the step is done.
 */
async function carryOut(ctx: Context, manifest: Manifest, step: StepKey, ids: string[], secrets: Record<string, string> | undefined): Promise<void> {
  const session = { ...sessionOf(ctx), manifest };
  const said = (lines: string[]) => lines.forEach((line) => ctx.out.info(`  │ ${line}`));
  switch (STEP_OWNER[step]) {
    case "create": {
      const { repositories } = await create({ ...session, workers: ids, ...(secrets ? { secrets } : {}) });
      return said(
        repositories.filter((r) => r.status === "failed" || r.status === "refused").map((r) => `${r.repo}: ${r.status}${r.detail ? `: ${r.detail}` : ""}`),
      );
    }
    case "sync": {
      const { outcomes } = await sync({ ...session, workers: ids });
      return said(outcomes.filter((o) => o.status === "failed" || o.status === "refused").map((o) => `${o.id}: ${o.status}${o.detail ? `: ${o.detail}` : ""}`));
    }
    case "deploy": {
      const { workers } = await deploy({ ...session, workers: ids, health: { timeoutMs: 3000, retries: 5 }, onEvent: (message) => ctx.out.debug(message) });
      return said(workers.filter((o) => o.status !== "deployed").map((o) => `${o.id}: ${o.status}${o.detail ? `: ${o.detail}` : ""}`));
    }
    case "health":
      return; // deploy checked it; observing again tells whether it is up now
    case "registry": {
      const { entries } = await registrySync(session);
      return said(entries.filter((e) => e.error).map((e) => `${e.serviceId}: ${e.error}`));
    }
    case "migrate": {
      // the documentation step is migrate's own: the worker listed in the monorepo's docs/workers.md
      const file = join(ctx.cwd, WORKERS_DOC);
      const text = await readFile(file, "utf8").catch(() => undefined);
      const next = withWorkersListed(text, manifest, ids);
      if (next !== text) {
        await mkdir(dirname(file), { recursive: true });
        await writeFileAtomic(file, next);
        ctx.out.info(`listed ${ids.join(", ")} in ${WORKERS_DOC} (commit it with your next change)`);
      }
      return;
    }
    case "cutover":
      return; // `fleet cutover`, not migrate
  }
}
