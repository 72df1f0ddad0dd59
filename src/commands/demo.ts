import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineCommand } from "../cli/define.js";
import { main } from "../cli/main.js";
import { generateExample } from "../example/index.js";
import { exampleOptions } from "./example.js";

export default defineCommand({
  usage: "[--dir DIR] [--layout router|directories] [--commits N]",
  description:
    "The migration of the bundled example, locally: generates the example monorepo into a fresh folder (a new temporary " +
    "one unless --dir names an empty or new folder), then runs `fleet init`, `fleet plan` and `fleet split --all` there.",
  options: {
    dir: { type: "string", description: "where to generate (must not exist or be empty)", placeholder: "DIR" },
    layout: { type: "string", description: "router (default) or directories", placeholder: "LAYOUT" },
    commits: { type: "string", description: "history length (default 3000)", placeholder: "N" },
  },
  async run(ctx, { values }) {
    const options = exampleOptions(values);
    const dir = values.dir ? resolve(ctx.cwd, values.dir) : await mkdtemp(join(tmpdir(), "fleet-demo-"));
    const progress = ctx.out.progress(`generating the example monorepo (${options.layout} layout)`, options.commits);
    const example = await generateExample(dir, { ...options, onProgress: (done) => progress.update(done) });
    progress.done(`example monorepo: ${example.commits} commits, ${example.truth.services.length} services in ${dir}`);

    const io = { stdout: ctx.out.options.stdout, stderr: ctx.out.options.stderr, env: ctx.env };
    const common = ["--cwd", dir, ...(ctx.json ? ["--json"] : []), ...(ctx.out.options.color ? [] : ["--no-color"])];
    ctx.out.info(ctx.out.c.bold("\n$ fleet init"));
    const init = await main(["init", ...common], io);
    if (init === 2) return init;
    ctx.out.info(ctx.out.c.bold("\n$ fleet plan"));
    const plan = await main(["plan", ...common], io);
    ctx.out.info(ctx.out.c.bold("\n$ fleet split --all"));
    const split = await main(["split", "--all", ...common], io);
    ctx.out.info(`\nThe example is in ${dir}; try \`git -C ${dir} log --oneline refs/fleet/split/registry\` or \`fleet plan --cwd ${dir} --json\`.`);
    return Math.max(init, plan, split);
  },
});
