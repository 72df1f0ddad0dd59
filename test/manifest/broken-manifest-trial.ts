// Runs fleet on broken manifests, one after another in the same monorepo, and says which ones
// were not refused as a user's mistake should be: exit 2, an `error:` line, no stack trace,
// nothing on stdout. The default suite tries a sample; the slow suite tries every one.
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import type { BrokenManifest } from "./broken-manifests.js";

/** A small router example with a valid fleet.jsonc; returns the monorepo and that manifest's text. */
export async function badInputMonorepo(): Promise<{ dir: string; valid: string }> {
  const dir = join(await tempDir("fleet-bad-"), "monorepo");
  await generateExample(dir, { layout: "router", commits: 10 });
  const init = await runFleet(["init", "--cwd", dir]);
  if (init.code !== 0) throw new Error(`fleet init failed: ${init.stderr}`);
  return { dir, valid: await readFile(join(dir, "fleet.jsonc"), "utf8") };
}

/** Every file under `dir` but the manifest, with size and modification time. */
export async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).filter((f) => !f.endsWith("fleet.jsonc")).sort();
  return Promise.all(files.map(async (f) => `${f} ${(await stat(f)).size} ${(await stat(f)).mtimeMs}`));
}

/** Tries each case with `fleet plan` and `fleet split --all` in turn; returns what went wrong. */
export async function tryBrokenManifests(dir: string, cases: readonly BrokenManifest[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const [i, c] of cases.entries()) {
    await writeFile(join(dir, "fleet.jsonc"), c.bytes);
    const command = i % 2 ? ["split", "--all"] : ["plan"];
    const r = await runFleet([...command, "--cwd", dir]);
    const problem =
      r.code !== 2 ? `exit ${r.code}` :
      !/^error: .+/m.test(r.stderr) ? "no error line" :
      /\n\s+at |internal error/.test(r.stderr) ? "a stack trace" :
      r.stdout.trim() ? "output on stdout" : undefined;
    if (problem) wrong.push(`${c.name} (fleet ${command.join(" ")}): ${problem}\n${r.stderr.slice(0, 400)}`);
  }
  return wrong;
}
