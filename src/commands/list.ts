import { defineCommand } from "../cli/define.js";
import { forgeFor } from "../forge/select.js";
import { table } from "../report/table.js";

export default defineCommand({
  usage: "[--topic TOPIC] [--json]",
  description: "Lists the worker repositories on the forge, with their topics and whether fleet created them.",
  options: {
    topic: { type: "string", description: "only repositories with this topic", placeholder: "TOPIC" },
  },
  async run(ctx, { values }) {
    const manifest = await ctx.manifest();
    const forge = forgeFor(manifest, ctx.cwd, ctx.env, (m) => ctx.out.debug(m));
    const repos = await forge.list(values.topic ? { topic: values.topic } : {});
    if (ctx.json) {
      ctx.out.json({ forge: forge.label, repositories: repos.map(({ url: _url, secrets, ...rest }) => ({ ...rest, secrets: secrets.map((s) => s.name) })) });
      return;
    }
    if (repos.length === 0) {
      ctx.out.info(`no repositories${values.topic ? ` with topic ${values.topic}` : ""} in the ${forge.label}; \`fleet create --all\` makes them`);
      return;
    }
    ctx.out.print(
      table(
        ["repository", "topics", "environments", "by fleet"],
        repos.map((r) => [r.name, r.topics.join(", "), r.environments.join(", "), r.managedByFleet ? "yes" : "no"]),
      ),
    );
  },
});
