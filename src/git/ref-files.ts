// A branch's commit read straight from a repository's files (a loose ref, else packed-refs), for
// the many bare repositories of the local forge: no git process per repository. Anything this
// does not recognise (a symbolic ref, a reftable repository) is left to git: `undefined`. The
// split reads its own refs the same way: one process fewer on every split.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit of `refs/heads/<branch>` in `gitDir`; null when the branch does not exist; undefined when it cannot tell. */
export async function branchFromFiles(gitDir: string, branch: string): Promise<string | null | undefined> {
  const ref = `refs/heads/${branch}`;
  const loose = await readFile(join(gitDir, ref), "utf8").catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? null : undefined));
  if (loose === undefined) return undefined;
  if (loose !== null) return OBJECT_ID.test(loose.trim()) ? loose.trim() : undefined;
  const packed = await readFile(join(gitDir, "packed-refs"), "utf8").catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? "" : undefined));
  if (packed === undefined) return undefined;
  for (const line of packed.split("\n")) {
    const [id, name] = line.split(" ");
    if (name === ref && id && OBJECT_ID.test(id)) return id;
  }
  return null;
}

/**
 * Every ref below the prefixes (`refs/fleet/split`, say: the refs under `refs/fleet/split/`),
 * read from the loose ref files and packed-refs, a loose ref winning as in git. Undefined when
 * the repository keeps its refs some other way (reftable) or holds something this does not read.
 */
export function refsFromFiles(gitDir: string, prefixes: readonly string[]): Map<string, string> | undefined {
  // Synchronous: dozens of tiny files, where the thread pool's round trips would cost more than the reads.
  if (existsSync(join(gitDir, "reftable"))) return undefined;
  const refs = new Map<string, string>();
  let packed: string;
  try {
    packed = readFileSync(join(gitDir, "packed-refs"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
    packed = "";
  }
  for (const line of packed.split("\n")) {
    const [id, name] = line.split(" ");
    if (id && name && OBJECT_ID.test(id) && prefixes.some((p) => name.startsWith(`${p}/`))) refs.set(name, id);
  }
  for (const prefix of prefixes) {
    let entries: string[];
    try {
      entries = readdirSync(join(gitDir, prefix), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      return undefined;
    }
    for (const file of entries) {
      if (file.endsWith(".lock")) continue; // a ref being written: git does not list it either
      const id = readFileSync(file, "utf8").trim();
      if (!OBJECT_ID.test(id)) return undefined; // a symbolic ref, say: git knows
      refs.set(relative(gitDir, file).split(sep).join("/"), id);
    }
  }
  return refs;
}
