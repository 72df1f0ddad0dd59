// The Node.js fleet needs, checked before anything else loads: wrangler and Vitest need 22.12,
// and on an older Node they fail deep inside a build with a message about something else.
// This module imports nothing of fleet's, so it loads on any Node that can run ES modules.
import { readFileSync } from "node:fs";

/** The lowest Node.js version fleet runs on, from package.json's `engines.node` (">=22.12"). */
export function requiredNodeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines?: { node?: string } };
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines?.node?.trim() ?? "");
  if (!match) throw new Error(`package.json engines.node must read ">=X.Y", not ${JSON.stringify(pkg.engines?.node)}`);
  return match[1]!;
}

/** Whether `version` (such as "v20.20.2") is at least `required` (such as "22.12"). */
export function satisfiesNode(version: string, required: string): boolean {
  const have = parts(version);
  const need = parts(required);
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  }
  return true;
}

/** The message for a Node.js that is too old, or undefined when `version` will do. */
export function nodeVersionProblem(version: string, required = requiredNodeVersion()): string | undefined {
  if (satisfiesNode(version, required)) return undefined;
  return [
    `error: fleet needs Node.js ${required} or newer; this is Node.js ${version.replace(/^v/, "")} (${process.execPath})`,
    "hint: install a current Node.js (24 LTS): with nvm, `nvm install 24 && nvm use 24`; or from https://nodejs.org.",
    "      In a project whose npm scripts run fleet, `npm install -D node@24` puts Node 24 first on those scripts' PATH.",
  ].join("\n");
}

function parts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, "")
    .split(/[.-]/)
    .map((p) => Number.parseInt(p, 10) || 0);
  return [major, minor, patch];
}
