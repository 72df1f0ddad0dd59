// A branch's commit read straight from a repository's files (a loose ref, else packed-refs), for
// the many bare repositories of the local forge: no git process per repository. Anything this
// does not recognise (a symbolic ref, a reftable repository) is left to git: `undefined`.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

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
