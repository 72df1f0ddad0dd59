// How the monorepo's CI gets fleet: the way the team installs it. A monorepo whose package.json
// lists worker-fleet gets its own locked version through its own package manager (npm ci, or
// pnpm install --frozen-lockfile); any other runs the version that wrote the workflow via npx.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parsePackageJson } from "../discovery/package-json.js";

export type FleetInstall =
  /** `npx --package worker-fleet@<version>`: nothing of the monorepo's is installed. */
  | { kind: "npx"; version: string }
  /** The monorepo's own dependencies, locked: `npm ci` or `pnpm install --frozen-lockfile`. */
  | { kind: "npm" | "pnpm"; range: string };

export async function fleetInstallOf(root: string, fleetVersion: string): Promise<FleetInstall> {
  const file = join(root, "package.json");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return { kind: "npx", version: fleetVersion };
  const pkg = parsePackageJson(text, "package.json");
  const range = pkg.devDependencies?.["worker-fleet"] ?? pkg.dependencies?.["worker-fleet"];
  if (range === undefined) return { kind: "npx", version: fleetVersion };
  if (existsSync(join(root, "pnpm-lock.yaml"))) return { kind: "pnpm", range };
  if (existsSync(join(root, "package-lock.json")) || existsSync(join(root, "npm-shrinkwrap.json"))) return { kind: "npm", range };
  // listed, but no lockfile npm ci could use (yarn, or none committed): the pinned version via npx
  return { kind: "npx", version: /^\d+\.\d+\.\d+$/.test(range) ? range : fleetVersion };
}

/** The workflow steps that install fleet and run `fleet <args>`, as YAML lines at step level. */
export function fleetSteps(install: FleetInstall, args: string, env: string[]): string[] {
  const run = (name: string, command: string) => [`      - name: ${name}`, `        run: ${command}`, ...env];
  switch (install.kind) {
    case "npx":
      return [
        "      - uses: actions/setup-node@v6",
        "        with:",
        "          node-version: 24",
        ...run("Sync the workers whose history changed", `npx --yes --package worker-fleet@${install.version} fleet ${args}`),
      ];
    case "npm":
      return [
        "      - uses: actions/setup-node@v6",
        "        with:",
        "          node-version: 24",
        "          cache: npm",
        `      - name: Install the monorepo's dependencies (worker-fleet ${install.range}, as locked)`,
        "        run: npm ci",
        ...run("Sync the workers whose history changed", `npx --no-install fleet ${args}`),
      ];
    case "pnpm":
      return [
        "      - uses: pnpm/action-setup@v4",
        "      - uses: actions/setup-node@v6",
        "        with:",
        "          node-version: 24",
        "          cache: pnpm",
        `      - name: Install the monorepo's dependencies (worker-fleet ${install.range}, as locked)`,
        "        run: pnpm install --frozen-lockfile",
        ...run("Sync the workers whose history changed", `pnpm exec fleet ${args}`),
      ];
  }
}
