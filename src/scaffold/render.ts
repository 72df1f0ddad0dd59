// The scaffold of a worker repository: the repo-owned files, rendered from its ScaffoldInput.
// Paths the monorepo owns (what sync brings in) are never generated: the monorepo's file wins.
import { renderCatalogInfo, renderEnvExample, renderReadme } from "./docs.js";
import { renderChangelog } from "./changelog.js";
import type { WorkerHistory } from "./history.js";
import { RELEASE_CONFIG, RELEASE_MANIFEST, RELEASE_WORKFLOW, renderReleaseConfig, renderReleaseManifest, renderReleaseWorkflow } from "./release.js";
import { renderCarriedContext } from "./carried-context.js";
import { CODEOWNERS_PATH, renderCodeowners } from "./codeowners.js";
import { entryPath, renderEntry } from "./entry.js";
import { configPathOf, ownTestFiles, type ScaffoldInput } from "./input.js";
import { renderPackageJson } from "./package-json.js";
import { D1_SETUP, renderD1Setup, renderIntegrationTest, renderVitestConfig } from "./tests.js";
import { FLEET_VITEST_CONFIG, INTEGRATION_TEST } from "./test-setup.js";
import { renderWorkflow } from "./workflow.js";
import { foreignDurableObjects, renderWrangler } from "./wrangler.js";

export interface Scaffold {
  /** path → content, sorted by path. */
  files: Map<string, string>;
  /** Files not generated because the monorepo owns that path. */
  ownedByMonorepo: string[];
}

export interface RenderOptions {
  /** The CHANGELOG's release date (YYYY-MM-DD). */
  date: string;
  /** The worker's split history, listed in the CHANGELOG's first release (none: the release alone). */
  history?: WorkerHistory;
  /** Where release-please starts reading main's history before the first release (default: the history's tip). */
  bootstrapSha?: string;
}

export function renderScaffold(input: ScaffoldInput, options: RenderOptions): Scaffold {
  const files = new Map<string, string>();
  const configPath = configPathOf(input);
  if (input.handler) {
    files.set(entryPath(input), renderEntry(input));
    if (input.carriedContext) files.set(input.carriedContext.path, renderCarriedContext(input.carriedContext.router, input.carriedContext));
    files.set("wrangler.jsonc", renderWrangler(input));
  }
  files.set("package.json", renderPackageJson(input));
  files.set("README.md", renderReadme(input));
  files.set("CHANGELOG.md", renderChangelog(input, options.date, options.history));
  files.set(RELEASE_CONFIG, renderReleaseConfig(input, options.bootstrapSha ?? options.history?.tip));
  files.set(RELEASE_MANIFEST, renderReleaseManifest(input));
  files.set(RELEASE_WORKFLOW, renderReleaseWorkflow(input));
  files.set(".env.example", renderEnvExample(input));
  files.set("catalog-info.yaml", renderCatalogInfo(input));
  files.set(".github/workflows/deploy.yml", renderWorkflow(input));
  if (input.owners.length) files.set(CODEOWNERS_PATH, renderCodeowners(input));
  // The worker's own test setup wins (scaffold/test-setup.ts): without one, fleet's config runs
  // the worker's own tests and the generated health test, in workerd; with one, the health test
  // joins only where the worker's own Vitest config runs it in workerd, and nothing else is added.
  if (input.tests.runner === "fleet") {
    files.set(INTEGRATION_TEST, renderIntegrationTest(input));
    const services = input.ownConfig ? [...input.ownConfig.services.keys()] : input.bindings.filter((b) => b.kind === "service").map((b) => b.name);
    const objects = input.ownConfig ? [] : foreignDurableObjects(input);
    files.set(FLEET_VITEST_CONFIG, renderVitestConfig(configPath, services.sort(), ownTestFiles(input), objects, input.d1Migrations));
    if (input.d1Migrations.length) files.set(D1_SETUP, renderD1Setup(input.d1Migrations));
  } else if (input.tests.fleetTest) files.set(INTEGRATION_TEST, renderIntegrationTest(input));
  files.set(".gitignore", "node_modules/\n.wrangler/\n.dev.vars\ndist/\n");
  const owned = new Set(input.ownedPaths);
  const ownedByMonorepo = [...files.keys()].filter((p) => owned.has(p)).sort();
  for (const path of ownedByMonorepo) files.delete(path);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))), ownedByMonorepo };
}
