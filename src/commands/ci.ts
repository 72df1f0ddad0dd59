import { readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { defineCommand } from "../cli/define.js";
import { fleetInstallOf } from "../ci/fleet-install.js";
import { MONOREPO_WORKFLOW, renderMonorepoWorkflow, TOKEN_SECRET } from "../ci/monorepo-workflow.js";
import { EXIT_FINDINGS } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { sourceBranch } from "../git/branch.js";
import { lineDiff } from "../report/line-diff.js";

export default defineCommand({
  writes: true,
  usage: "[--dry-run] [--force]",
  description:
    `Writes the monorepo's workflow, ${MONOREPO_WORKFLOW}: on every push to the branch fleet splits, \`fleet sync --changed\` ` +
    `brings each changed worker's history into its repository (with the github forge, the token comes from the Actions ` +
    `secret ${TOKEN_SECRET}). fleet comes the way the team installs it: a package.json that lists worker-fleet gets ` +
    `\`npm ci\` (or \`pnpm install --frozen-lockfile\`) and its locked version; otherwise npx runs this version. ` +
    `A workflow of that name with other content is left alone unless --force.`,
  options: {
    "dry-run": { type: "boolean", description: "print the workflow; write nothing" },
    force: { type: "boolean", description: "replace a workflow of that name that differs" },
  },
  async run(ctx, { values }) {
    const manifest = await ctx.manifest();
    const branch = await sourceBranch(ctx.cwd, manifest.monorepo.branch);
    const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    const install = await fleetInstallOf(ctx.cwd, version);
    const text = renderMonorepoWorkflow(manifest, branch, install);
    const file = join(ctx.cwd, MONOREPO_WORKFLOW);
    const existing = await readFile(file, "utf8").catch(() => undefined);
    if (values["dry-run"]) {
      ctx.out.print(text);
      ctx.out.info("dry run: nothing written");
      return 0;
    }
    if (existing === text) {
      ctx.out.info(`nothing to do: ${MONOREPO_WORKFLOW} is up to date`);
      return 0;
    }
    if (existing !== undefined && !values.force) {
      for (const line of lineDiff(existing, text)) ctx.out.print(line);
      ctx.out.warn(`${MONOREPO_WORKFLOW} exists with other content; left alone (the diff above is what fleet would write; --force replaces it)`);
      return EXIT_FINDINGS;
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, text);
    const how =
      install.kind === "npx"
        ? `worker-fleet@${install.version} through npx`
        : `the monorepo's own worker-fleet (${install.range}) after ${install.kind === "npm" ? "npm ci" : "pnpm install"}`;
    ctx.out.print(`wrote ${MONOREPO_WORKFLOW}: on every push to ${branch}, fleet sync --changed with ${how}`);
    if (manifest.providers.forge === "github")
      ctx.out.info(`add the Actions secret ${TOKEN_SECRET} to this repository: a token that can push to the worker repositories`);
    return 0;
  },
});
