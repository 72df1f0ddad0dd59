// README.md, .env.example and catalog-info.yaml of a worker repository (CHANGELOG.md: changelog.ts).
import { stringify } from "yaml";
import { configPathOf, type ScaffoldInput } from "./input.js";
import { probeUrl } from "../health/probe.js";
import type { TestSetup } from "./test-setup.js";

export function renderReadme(input: ScaffoldInput): string {
  const health = input.domain ? probeUrl(input.domain, input.health) : null;
  const deps = input.dependsOn.map((d) => `- [${d.repo}](https://github.com/${input.org}/${d.repo})${d.domain ? ` — https://${d.domain}` : ""}`);
  return [
    `# ${input.name}`,
    "",
    input.description,
    "",
    `| | |`,
    `| --- | --- |`,
    `| Service | \`${input.id}\` |`,
    `| Domain | ${input.domain ?? "—"} |`,
    ...(input.aliases.length ? [`| Also answers | ${input.aliases.join(", ")} |`] : []),
    ...(input.routes.length ? [`| Routes | ${input.routes.map((r) => `\`${r}\``).join(", ")} (wildcard patterns: every hostname they match) |`] : []),
    `| Version | in \`package.json\` and [CHANGELOG.md](CHANGELOG.md); each release is a tag vX.Y.Z (started at ${input.version}) |`,
    `| Worker | \`${input.repo}\` |`,
    "",
    "## Quick start",
    "",
    "```sh",
    "npm ci",
    `npm test          # the worker's tests, ${testsRunWith(input.tests)}`,
    "npm run dev       # wrangler dev",
    "npm run deploy    # wrangler deploy (CI deploys each release)",
    "```",
    "",
    "## Releases",
    "",
    "Commit with [conventional commits](https://www.conventionalcommits.org/) (`feat:`, `fix:`, `feat!:` for a breaking change).",
    "release-please keeps a release pull request open from what main gained; merging it tags `vX.Y.Z`, updates",
    "`CHANGELOG.md` and the version in `package.json`, and deploys that tag (`.github/workflows/release.yml`, then `deploy.yml`).",
    "A push to main runs the tests; `/health` reports the version of `package.json`.",
    "",
    "## Links",
    "",
    ...(input.domain ? [`- Production: https://${input.domain}`, `- Health: ${health}`] : []),
    ...input.aliases.map((a) => `- Also: https://${a}`),
    `- Cloudflare dashboard: https://dash.cloudflare.com/?to=/:account/workers/services/view/${input.repo}`,
    `- Registry entry: https://registry.${input.zone}/api/services/${input.id}`,
    `- Monorepo: ${input.monorepoName} (the source of truth until cutover; files that came from it are merged in by \`fleet sync\` — change them there)`,
    ...(deps.length ? ["", "## Depends on", "", ...deps] : []),
    "",
    "## Configuration",
    "",
    `Bindings are in \`${configPathOf(input)}\`; secrets are listed in \`.env.example\` and set with \`wrangler secret put\` or as GitHub Actions secrets.`,
    "",
  ].join("\n");
}

/** How `npm test` runs the worker's tests, for the README. */
function testsRunWith(tests: TestSetup): string {
  if (tests.runner === "fleet") return "inside workerd";
  if (tests.runner === "vitest") return `with Vitest and ${tests.config ? `its ${tests.config}` : "its own config"}`;
  return tests.runner === "script" ? "with its own test script" : `with ${tests.runner}`;
}

/**
 * A var as .dev.vars holds it: a string as it is, anything else (a JSON var: an object, a list, a
 * number) as its JSON — a TOML inline table is an object without a prototype, which String() refuses.
 */
export function devVarValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function renderEnvExample(input: ScaffoldInput): string {
  const vars = input.bindings.filter((b) => b.kind === "var");
  return [
    `# ${input.id}: every variable and secret its code reads. Copy to .dev.vars for \`wrangler dev\`.`,
    ...(vars.length ? ["", "# vars (defaults in wrangler.jsonc)", ...vars.map((v) => `${v.name}=${devVarValue(v.config.value)}`)] : []),
    ...(input.secrets.length ? ["", "# secrets", ...input.secrets.map((s) => `${s}=`)] : []),
    "",
  ].join("\n");
}

export function renderCatalogInfo(input: ScaffoldInput): string {
  const entity = {
    apiVersion: "backstage.io/v1alpha1",
    kind: "Component",
    metadata: {
      name: input.repo,
      title: input.name,
      description: input.description,
      annotations: { "github.com/project-slug": `${input.org}/${input.repo}` },
      tags: ["cloudflare-workers", "worker"],
      ...(input.domain
        ? {
            links: [
              { url: `https://${input.domain}`, title: "Production" },
              { url: probeUrl(input.domain, input.health), title: "Health" },
            ],
          }
        : {}),
    },
    spec: {
      type: "service",
      lifecycle: "production",
      owner: input.org,
      system: input.org,
      ...(input.dependsOn.length ? { dependsOn: input.dependsOn.map((d) => `component:${d.repo}`) } : {}),
    },
  };
  return stringify(entity);
}
