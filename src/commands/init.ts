import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { defineCommand } from "../cli/define.js";
import type { Context } from "../cli/context.js";
import { discover, type DiscoveredWorker, type Discovery, type Layout } from "../discovery/discover.js";
import { SourceTree } from "../discovery/source-tree.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";
import { gitText } from "../git/git.js";
import { parseManifest } from "../manifest/load.js";
import type { Manifest } from "../manifest/schema.js";
import { addToManifest, renderManifest, type RenderWorker } from "../manifest/write.js";


export default defineCommand({
  writes: true,
  usage: "[--layout auto|router|directories] [--router FILE] [--org NAME] [--dry-run]",
  description:
    "Discovers the monorepo's workers and writes fleet.jsonc. Run again, it keeps what you edited and adds what is new. " +
    "router layout: reads the platform router's hostname map and each service's module closure; directories layout: " +
    "every workers/*, apps/* or workspace member with a wrangler config.",
  options: {
    layout: { type: "string", description: "auto (default), router or directories", placeholder: "LAYOUT" },
    router: { type: "string", description: "the platform router (default src/platform-worker.js)", placeholder: "FILE" },
    org: { type: "string", description: "GitHub organisation for the worker repositories (default: the package.json scope)", placeholder: "NAME" },
    "dry-run": { type: "boolean", description: "print the manifest instead of writing it" },
  },
  async run(ctx, { values }) {
    const layout = (values.layout ?? "auto") as Layout | "auto";
    if (!["auto", "router", "directories"].includes(layout)) {
      throw new UserError(`--layout must be auto, router or directories, not "${layout}"`);
    }
    const tree = await SourceTree.open(ctx.cwd);
    const existingText = await readFile(ctx.configPath, "utf8").catch(() => undefined);
    const fileName = relative(ctx.cwd, ctx.configPath) || ctx.configPath;
    const existing = existingText === undefined ? undefined : parseManifest(existingText, fileName);
    const org = values.org ?? existing?.org ?? (await guessOrg(ctx, tree));
    const repoName = existing?.repoName ?? defaultRepoName(org);
    const progress = ctx.out.progress("discovering workers");
    const found = await discover(tree, { layout, org, repoName, ...(values.router ? { router: values.router } : {}) });
    progress.done(`found ${describe(found)}`);
    const { text, added, kept, gone } = existing
      ? merged(existingText!, existing, found)
      : { text: fresh(found, org, repoName), added: found.workers.map((w) => w.id), kept: [] as string[], gone: [] as string[] };

    let problems: string[] = [];
    try {
      parseManifest(text, fileName);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems = error.problems;
    }
    const changed = text !== existingText;
    if (!values["dry-run"] && changed) await writeFileAtomic(ctx.configPath, text);

    const warnings = [...found.warnings, ...found.workers.flatMap((w) => (w.analysis?.warnings ?? []).map((m) => `${w.id}: ${m}`))];
    if (ctx.json) {
      ctx.out.json({ file: fileName, layout: found.layout, written: !values["dry-run"] && changed, added, kept, gone, skipped: found.skipped, warnings, problems });
    } else if (values["dry-run"]) {
      ctx.out.print(text.trimEnd());
    }
    for (const s of found.skipped) ctx.out.info(`skipped ${s.hostname}: ${s.reason}`);
    for (const w of warnings) ctx.out.warn(w);
    for (const id of gone) ctx.out.warn(`${id}: its source is no longer in the monorepo; left in ${fileName} for you to decide`);
    if (values["dry-run"]) ctx.out.info(`dry run: ${fileName} not written`);
    else if (!changed) ctx.out.info(`${fileName} is up to date: nothing new found (${kept.length} workers kept)`);
    else if (existing) ctx.out.info(`updated ${fileName}: added ${added.length} (${added.join(", ") || "none"}), kept ${kept.length} as you left them`);
    else ctx.out.info(`wrote ${fileName} with ${added.length} workers; next: \`fleet plan\``);
    if (problems.length > 0) {
      ctx.out.warn(`${fileName} needs your attention before other commands will use it:`);
      for (const p of problems) ctx.out.info(`  ${p}`);
      return EXIT_FINDINGS;
    }
    return 0;
  },
});

function describe(found: Discovery): string {
  const external = found.workers.filter((w) => w.entry.external).length;
  const own = found.workers.length - external;
  return `${own} workers in the ${found.layout} layout${external ? `, ${external} external` : ""}${found.skipped.length ? `, ${found.skipped.length} entries skipped` : ""}`;
}

/** `chittyos` → `chittyos-{service}-worker`, the naming the users chose for their fleet. */
function defaultRepoName(org: string): string {
  return `${org.toLowerCase()}-{service}-worker`;
}

function toRender(workers: DiscoveredWorker[]): RenderWorker[] {
  return workers.map((w) => ({ id: w.id, entry: w.entry, note: w.note }));
}

function fresh(found: Discovery, org: string, repoName: string): string {
  return renderManifest({
    header: {
      $schema: "./node_modules/worker-fleet/schema/fleet.schema.json",
      org,
      repoName,
      zone: found.zone ?? "example.com",
      topics: [],
      secrets: ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"],
      monorepo: found.monorepo,
      providers: { forge: "local", cloud: "local", registry: "local" },
    },
    workers: toRender(found.workers),
  });
}

/** Keeps every existing entry (matched by id, source or domain, so renamed ids stay renamed). */
function merged(text: string, existing: Manifest, found: Discovery) {
  const known = Object.entries(existing.workers);
  const matches = (w: DiscoveredWorker) =>
    known.find(([id, e]) =>
      id === w.id ||
      (w.entry.source?.file !== undefined && e.source?.file === w.entry.source.file) ||
      (w.entry.source?.dir !== undefined && e.source?.dir === w.entry.source.dir) ||
      (w.entry.domain !== undefined && e.domain === w.entry.domain),
    );
  const fresh = found.workers.filter((w) => !matches(w));
  const kept = found.workers.filter((w) => matches(w)).map((w) => matches(w)![0]);
  const gone = known
    .filter(([id]) => !kept.includes(id))
    .filter(([, e]) => e.source !== undefined)
    .map(([id]) => id);
  return { text: addToManifest(text, { header: {}, workers: toRender(fresh) }), added: fresh.map((w) => w.id), kept, gone };
}

async function guessOrg(ctx: Context, tree: SourceTree): Promise<string> {
  const pkg = await tree.read("package.json");
  const scope = pkg ? /^@([A-Za-z0-9-]+)\//.exec((JSON.parse(pkg) as { name?: string }).name ?? "")?.[1] : undefined;
  if (scope) return scope;
  const remote = await gitText(["config", "--get", "remote.origin.url"], { cwd: ctx.cwd, okCodes: [1] }).catch(() => "");
  const owner = /[:/]([A-Za-z0-9-]+)\/[^/]+?(\.git)?$/.exec(remote)?.[1];
  if (owner) return owner;
  throw new UserError("could not tell which GitHub organisation will own the worker repositories", {
    hint: "pass --org NAME (it is written to fleet.jsonc once)",
  });
}
