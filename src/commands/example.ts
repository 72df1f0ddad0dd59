import { resolve } from "node:path";
import { defineCommand, type Options } from "../cli/define.js";
import { UserError } from "../errors.js";
import { generateExample } from "../example/index.js";

/** The example's shape, as `fleet example` and `fleet demo` take it. */
export const EXAMPLE_OPTIONS = {
  layout: { type: "string", choices: ["router", "directories"], default: "router", description: "the monorepo's layout", placeholder: "LAYOUT" },
  commits: { type: "integer", min: 1, max: 100_000, default: 3000, description: "history length", placeholder: "N" },
} as const satisfies Options;

export default defineCommand({
  usage: "DIR [--layout router|directories] [--commits N] [--seed N]",
  description:
    "Generates the example monorepo (34+ services under chitty.cc) with a deterministic git history into DIR, which must " +
    "not exist or be empty. The same options give the same commit IDs on every run and machine.",
  maxPositionals: 1,
  options: {
    ...EXAMPLE_OPTIONS,
    seed: { type: "integer", min: 0, max: 2 ** 31, default: 1, description: "random seed", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const dir = positionals[0];
    if (!dir) throw new UserError("fleet example needs a target folder", { hint: "fleet example ./chitty-monorepo" });
    const options = exampleOptions(values);
    const progress = ctx.out.progress(`generating the ${options.layout} example`, options.commits);
    const result = await generateExample(resolve(ctx.cwd, dir), { ...options, onProgress: (done) => progress.update(done) });
    progress.done(`generated ${result.commits} commits, ${result.truth.services.length} services (${options.layout} layout)`);
    if (ctx.json) ctx.out.json({ dir: result.dir, head: result.head, commits: result.commits, layout: options.layout });
    else ctx.out.print(`${result.dir} at ${result.head}`);
  },
});

export function exampleOptions(values: { layout: "router" | "directories"; commits: number; seed?: number | undefined }) {
  return { layout: values.layout, commits: values.commits, seed: values.seed ?? 1 } as const;
}
