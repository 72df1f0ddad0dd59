// package.json of a worker repository: its identity, scripts, the npm packages its code imports
// (ranges from the monorepo), and the tools to build and test it.
import { configFlag, type ScaffoldInput } from "./input.js";

/** Tool versions the generated repositories use; the same ones fleet is tested with. */
export const TOOL_VERSIONS = { wrangler: "^4.164.0", vitest: "^4.1.0", "@cloudflare/vitest-plugin": "^1.5.0" } as const;

export function renderPackageJson(input: ScaffoldInput): string {
  const flag = configFlag(input);
  const pkg = {
    name: input.packageName,
    version: input.version,
    description: input.description,
    private: true,
    type: "module",
    repository: { type: "git", url: `https://github.com/${input.org}/${input.repo}.git` },
    scripts: { dev: `wrangler dev${flag}`, deploy: `wrangler deploy${flag}`, test: "vitest run", "cf-typegen": `wrangler types${flag}` },
    ...(Object.keys(input.npmDependencies).length ? { dependencies: sortKeys(input.npmDependencies) } : {}),
    devDependencies: sortKeys({ ...TOOL_VERSIONS }),
    engines: { node: ">=22.12" },
    ...(Object.keys(input.npmOverrides).length ? { overrides: input.npmOverrides } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
