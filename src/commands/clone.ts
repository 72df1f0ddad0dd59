import { resolve } from "node:path";
import { defineCommand } from "../cli/define.js";
import { EXIT_FINDINGS } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { repoNameFor } from "../manifest/names.js";
import { boundedMap } from "../concurrency/bounded.js";
import { cloneOrUpdate } from "../repos/clone.js";
import { table } from "../report/table.js";
import { selectWorkers } from "../manifest/select.js";

export default defineCommand({
  usage: "[WORKER...|--all] [--dir DIR] [--concurrency N]",
  description:
    "Clones worker repositories into DIR (default .fleet/clones), several at a time; an existing clone is fetched and, when " +
    "it is on main with no local changes, fast-forwarded. Local work is never touched. Exit 1 when any clone fails.",
  maxPositionals: Infinity,
  options: {
    all: { type: "boolean", description: "every non-external worker of fleet.jsonc" },
    dir: { type: "string", description: "where the clones go (default .fleet/clones)", placeholder: "DIR" },
    concurrency: { type: "integer", min: 1, max: 32, default: 4, description: "clones at a time", placeholder: "N" },
  },
  async run(ctx, { values, positionals }) {
    const manifest = await ctx.manifest();
    const ids = selectWorkers(manifest, positionals, Boolean(values.all), "clone").filter((id) => !manifest.workers[id]!.external);
    const concurrency = values.concurrency;
    const dir = resolve(ctx.cwd, values.dir ?? ".fleet/clones");
    const forge = forgeFor(manifest, ctx.cwd, ctx.env, (m) => ctx.out.debug(m));
    const progress = ctx.out.progress(`cloning ${ids.length} repositories into ${dir}`, ids.length);
    let done = 0;
    const outcomes = await boundedMap(ids, concurrency, async (id) => {
      const outcome = await cloneOrUpdate(forge, repoNameFor(manifest, id), dir);
      progress.update(++done);
      return { id, ...outcome };
    });
    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    progress.done(`${count("cloned")} cloned, ${count("updated")} updated, ${count("failed")} failed`);
    if (ctx.json) ctx.out.json({ dir, repositories: outcomes });
    else
      ctx.out.print(
        table(
          ["worker", "repository", "result", "detail"],
          outcomes.map((o) => [o.id, o.repo, o.status, o.detail ?? o.path]),
        ),
      );
    return outcomes.some((o) => o.status === "failed") ? EXIT_FINDINGS : 0;
  },
});
