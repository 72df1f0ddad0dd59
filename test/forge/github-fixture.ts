// The example monorepo with its manifest pointed at a GitHub stand-in (providers.forge github).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import type { GitHubStandIn } from "./github-stand-in.js";

/** Sets one value of a monorepo's fleet.jsonc, keeping the rest of the file. */
export async function setManifest(dir: string, path: string[], value: unknown): Promise<void> {
  const file = join(dir, "fleet.jsonc");
  const text = await readFile(file, "utf8");
  await writeFile(file, applyEdits(text, modify(text, path, value, {})));
}

export async function monorepoOnGitHub(dir: string, github: GitHubStandIn, commits: number): Promise<void> {
  await generateExample(dir, { layout: "router", commits });
  const init = await runFleet(["init", "--cwd", dir]);
  if (init.code !== 0) throw new Error(init.stderr);
  await setManifest(dir, ["providers", "forge"], "github");
  await setManifest(dir, ["providers", "github"], { apiUrl: github.apiUrl, gitUrl: github.gitUrl });
}
