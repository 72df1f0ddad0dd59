import { constants } from "node:fs";
import { access, mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { defineCommand } from "../cli/define.js";
import { requireKnownWorkers } from "../manifest/select.js";
import type { Context } from "../cli/context.js";
import { observeFleet, type ObserveOptions } from "../checklist/observe.js";
import { probeWorker } from "../checklist/probes.js";
import { STEPS, commandFor, type StepKey } from "../checklist/steps.js";
import { withWorkersListed, WORKERS_DOC } from "../docs/workers-doc.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { sourceBranch } from "../git/branch.js";
import { fleetOrder } from "../plan/order.js";
import { table } from "../report/table.js";

// The steps migrate carries out; the tenth, the cutover, is `fleet cutover`.
const MIGRATE_STEPS: StepKey[] = ["repository", "code", "tests", "actions", "secrets", "deployed", "health", "registry", "docs"];

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
    if (chosen.size === 0) throw new UserError("fleet migrate needs worker names or --phase", { hint: "fleet migrate project-initiation, or fleet migrate --phase 1" });
    for (const id of [...chosen].filter((x) => manifest.workers[x]!.external)) {
      ctx.out.info(`${id}: external, it already lives in its own repository`);
      chosen.delete(id);
    }
    const order = fleetOrder(manifest).order.filter((id) => chosen.has(id));
    if (order.length === 0) return 0;
    if (values["secrets-file"]) {
      const file = resolve(ctx.cwd, values["secrets-file"]);
      await access(file, constants.R_OK).catch((error: Error) => {
        throw new UserError(`cannot read the secrets file ${values["secrets-file"]}: ${error.message}`);
      });
    }
    const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
    const health = { timeoutMs: 3000, retries: 2, backoffMs: 200 };
    const observe = async (ids: string[], withHealth: boolean) => {
      const facts = await observeFleet(ctx.cwd, manifest, branch, ids, { health: withHealth ? health : false, concurrency: 8, env: ctx.env } satisfies ObserveOptions);
      return new Map(await Promise.all(ids.map(async (id) => [id, await probeWorker(facts, id)] as const)));
    };

    const progress = ctx.out.progress(`observing ${order.length} workers`);
    const status = await observe(order, true);
    progress.done(`observed ${order.length} workers`);
    const todo = (id: string) => MIGRATE_STEPS.filter((step) => status.get(id)!.steps.find((s) => s.step === step)!.state === "missing");

    if (values["dry-run"]) {
      const plan = order.map((id) => ({ id, steps: todo(id).map((step) => ({ step, command: commandFor(step, id) })) }));
      if (ctx.json) ctx.out.json({ dryRun: true, workers: plan });
      else ctx.out.print(table(["worker", "steps to do"], plan.map((p) => [p.id, p.steps.length ? p.steps.map((s) => s.step).join(" → ") : "nothing (ready for fleet cutover)"])));
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
      await carryOut(ctx, step, pending, values["secrets-file"]);
      const withHealth = step === "health" || step === "deployed";
      const again = await observe(pending, withHealth);
      for (const id of pending) {
        const seen = again.get(id)!;
        // health was left unobserved this time: keep what was seen before
        if (!withHealth) seen.steps = seen.steps.map((s) => (s.step === "health" ? status.get(id)!.steps.find((x) => x.step === "health")! : s));
        status.set(id, seen);
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
    if (ctx.json) ctx.out.json({ workers: rows });
    else {
      ctx.out.print(table(["worker", "result", "done now", "detail"], rows.map((r) => [r.id, r.result === "ready for cutover" ? ctx.out.c.green(r.result) : ctx.out.c.red(r.result), r.did.join(", ") || "—", r.reason])));
      const ready = rows.filter((r) => !stopped.has(r.id)).length;
      ctx.out.info(`${ready} of ${rows.length} ready for cutover${stopped.size ? `; run \`fleet migrate\` again after fixing what stopped the others` : ""}`);
    }
    return stopped.size ? EXIT_FINDINGS : 0;
  },
});

/** Does one step for several workers, through the command that owns it. */
async function carryOut(ctx: Context, step: StepKey, ids: string[], secretsFile: string | undefined): Promise<void> {
  switch (step) {
    case "repository":
    case "actions":
    case "secrets":
      return sub(ctx, ["create", ...ids, ...(secretsFile ? ["--secrets-file", secretsFile] : [])]);
    case "code":
    case "tests":
      return sub(ctx, ["sync", ...ids]);
    case "deployed":
      return sub(ctx, ["deploy", ...ids]);
    case "health":
      return; // deploy checked it; observing again tells whether it is up now
    case "registry":
      return sub(ctx, ["registry", "sync"]);
    case "docs": {
      const manifest = await ctx.manifest();
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
    case "migrated":
      return;
  }
}

/** Runs another fleet command in this process; its output is shown with --verbose or when it fails. */
async function sub(ctx: Context, args: string[]): Promise<void> {
  const { main } = await import("../cli/main.js");
  let text = "";
  const capture = { write: (chunk: string) => ((text += chunk), true), isTTY: false };
  const code = await main([...args, "--cwd", ctx.cwd, "--config", ctx.configPath, "--no-color"], { stdout: capture as never, stderr: capture as never, env: ctx.env });
  if (ctx.verbose || code === 2) for (const line of text.trimEnd().split("\n")) ctx.out.info(`  │ ${line}`);
  if (code === 2) throw new UserError(`fleet ${args.join(" ")} refused its input (see above)`);
}
