import { resolve } from "node:path";
import { defineCommand } from "../cli/define.js";
import { UserError } from "../errors.js";
import { generateExample } from "../example/index.js";

export default defineCommand({
  usage: "DIR [--layout router|directories] [--commits N] [--seed N]",
  description:
    "Generates the example monorepo (34+ services under chitty.cc) with a deterministic git history into DIR, which must " +
    "not exist or be empty. The same options give the same commit IDs on every run and machine.",
  maxPositionals: 1,
  options: {
    layout: { type: "string", description: "router (default) or directories", placeholder: "LAYOUT" },
    commits: { type: "string", description: "history length (default 3000, at most 100000)", placeholder: "N" },
    seed: { type: "string", description: "random seed (default 1)", placeholder: "N" },
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

export function exampleOptions(values: { layout?: string | undefined; commits?: string | undefined; seed?: string | undefined }) {
  const layout = values.layout ?? "router";
  if (layout !== "router" && layout !== "directories") throw new UserError(`--layout must be router or directories, not "${layout}"`);
  const commits = wholeNumber("--commits", values.commits ?? "3000", 1, 100_000);
  const seed = wholeNumber("--seed", values.seed ?? "1", 0, 2 ** 31);
  return { layout, commits, seed } as const;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UserError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}
