import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineCommand } from "../cli/define.js";
import { reportError, runCommand } from "../cli/run-command.js";
import { withMonorepoLock } from "../fs/lock.js";
import { generateExample } from "../example/index.js";
import { EXAMPLE_OPTIONS, exampleOptions } from "./example.js";

export const DEMO_WORKER = "project-initiation";

export default defineCommand({
  usage: "[--dir DIR] [--layout router|directories] [--commits N] [--serve]",
  description:
    "The whole migration of the bundled example, on the local forge and the local cloud: generates the example monorepo " +
    "into a fresh folder (a new temporary one unless --dir names an empty or new folder), then init, plan, deploys the " +
    "platform worker, checks health, migrates the phase 1 and 2 workers, cuts project-initiation over, checks health " +
    "again, prints the status and writes the status page. --serve then keeps the local cloud up (fleet up).",
  options: {
    dir: { type: "string", description: "where to generate (must not exist or be empty)", placeholder: "DIR" },
    ...EXAMPLE_OPTIONS,
    serve: { type: "boolean", description: "keep the local cloud up afterwards, until interrupted" },
  },
  async run(ctx, { values }) {
    const options = exampleOptions(values);
    const started = performance.now();
    const dir = values.dir ? resolve(ctx.cwd, values.dir) : await mkdtemp(join(tmpdir(), "fleet-demo-"));
    const progress = ctx.out.progress(`generating the example monorepo (${options.layout} layout)`, options.commits);
    const example = await generateExample(dir, { ...options, onProgress: (done) => progress.update(done) });
    progress.done(`example monorepo: ${example.commits} commits, ${example.truth.services.length} services in ${dir}`);

    const io = { out: ctx.out, env: ctx.env };
    const common = ["--cwd", dir];
    // each step is the command itself, run in this process (as `fleet <command>` would run it),
    // its output shown as the user would see it
    const command = async (args: string[]) => {
      try {
        return await runCommand(args[0]!, [...args.slice(1), ...common], io);
      } catch (error) {
        return reportError(error, ctx.out);
      }
    };
    const step = async (title: string, args: string[], expected: number[] = [0]) => {
      ctx.out.info(ctx.out.c.bold(`\n── ${title}`));
      ctx.out.info(ctx.out.c.dim(`$ fleet ${args.join(" ")}`));
      const code = await command(args);
      if (!expected.includes(code)) throw new DemoStop(args, code);
      return code;
    };
    const router = options.layout === "router";
    try {
      // the whole migration holds the new monorepo's lock once; each writing step re-enters it
      const page = join(dir, "fleet-status.html");
      await withMonorepoLock(dir, "fleet demo", { timeoutMs: 10_000 }, async () => {
        await step("Discover the workers and write fleet.jsonc", ["init"]);
        await step("The plan: phases, dependency order, what each worker needs", ["plan"]);
        if (router) await step("Deploy the monorepo's platform worker: it serves every hostname today", ["deploy", "--platform"]);
        ctx.out.info(ctx.out.c.dim("id and auth are external workers: they live elsewhere already and are not in the local cloud, so they show as down."));
        await step("Health of the fleet", ["health"], [0, 1]);
        const secrets = await demoSecrets(dir);
        await step("Migrate the phase 1 and 2 workers: repository, history, tests, Actions, secrets, deploy, health, registry, docs", [
          "migrate",
          "--phase",
          "1,2",
          "--secrets-file",
          secrets,
        ]);
        if (router)
          await step(`Cut ${DEMO_WORKER} over: the router hands initiate.chitty.cc to the worker's own deployment`, ["cutover", DEMO_WORKER, "--apply"]);
        await step("Health again: initiate.chitty.cc is now answered by its own worker", ["health"], [0, 1]);
        await step("The checklist, observed", ["status", "--html", page]);
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      ctx.out.info(`\n${ctx.out.c.green("✓")} demo done in ${seconds}s. The monorepo is ${dir}; the status page is ${page}.`);
      ctx.out.info(`  try: fleet status --cwd ${dir} ${DEMO_WORKER} --json · fleet up --cwd ${dir} · git -C ${dir} log --oneline -3`);
      if (values.serve) return await command(["up", "--port", "8787"]);
      return 0;
    } catch (error) {
      if (!(error instanceof DemoStop)) throw error;
      ctx.out.warn(`the demo stopped: \`fleet ${error.args.join(" ")}\` exited ${error.code}. The monorepo is in ${dir}.`);
      return error.code === 2 ? 2 : 1;
    }
  },
});

class DemoStop extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
  ) {
    super(`fleet ${args.join(" ")} exited ${code}`);
  }
}

/**
 * Made-up values for every secret the example's workers need, so that the secrets step can be
 * shown end to end. They are placeholders, written beside the local forge, never real tokens.
 */
async function demoSecrets(dir: string): Promise<string> {
  const { loadManifest } = await import("../manifest/load.js");
  const { planFleet } = await import("../plan/plan.js");
  const manifest = await loadManifest(join(dir, "fleet.jsonc"), dir);
  const plan = await planFleet(manifest, dir);
  const names = [...new Set([...manifest.secrets, ...plan.workers.flatMap((w) => w.secrets)])].sort();
  const file = join(dir, ".fleet", "demo-secrets.env");
  await mkdir(join(dir, ".fleet"), { recursive: true });
  await writeFile(file, names.map((n) => `${n}=demo-placeholder-${n.toLowerCase().replace(/_/g, "-")}\n`).join(""));
  return file;
}
