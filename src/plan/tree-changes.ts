// Whether what was computed from one commit's tree still holds at a later commit, given the files
// the computation read (see SourceTree.inputs): one `git diff-tree` between the two commits, and a
// parse of any changed module that was read only for its facts.
import type { ModuleFacts } from "../discovery/js-module.js";
import { CatFile } from "../git/cat-file.js";
import { git } from "../git/git.js";

interface Change {
  status: string;
  oldBlob: string;
  newBlob: string;
  path: string;
}

/**
 * True when `to`'s tree could give a different result than `from`'s: a file added, removed or
 * changed in type (which files exist is read by everything), a file read for its text changed,
 * or a module read for its facts now has different facts. Unknown (`from` gone, say): true.
 * Facts parsed here are added to `facts`, the memory by blob id the caller keeps.
 */
export async function changedSince(
  repo: string,
  from: string,
  to: string,
  inputs: Readonly<Record<string, "text" | "facts">>,
  facts: Map<string, ModuleFacts>,
): Promise<boolean> {
  const diff = await git(["diff-tree", "-r", "-z", "--no-renames", from, to], { cwd: repo, okCodes: [128] });
  if (diff.code !== 0) return true;
  const changes = parseRawDiff(diff.stdout);
  if (changes === undefined) return true;
  const modules: Change[] = [];
  for (const change of changes) {
    if (change.status !== "M") return true;
    const use = inputs[change.path];
    if (use === "text") return true;
    if (use === "facts") modules.push(change);
  }
  // The old facts were remembered when the result was computed; without them, nothing to compare.
  if (modules.some((change) => !facts.has(change.oldBlob))) return true;
  const unknown = modules.filter((change) => !facts.has(change.newBlob));
  if (unknown.length > 0 && !(await parseInto(repo, unknown, facts))) return true;
  return modules.some((change) => JSON.stringify(facts.get(change.oldBlob)) !== JSON.stringify(facts.get(change.newBlob)));
}

/** Parses the new version of each changed module into `facts`; false when one cannot be read or parsed (the plan reports it). */
async function parseInto(repo: string, changes: readonly Change[], facts: Map<string, ModuleFacts>): Promise<boolean> {
  const parser = import("../discovery/js-module.js"); // loads while git reads the files
  const cat = new CatFile(repo);
  try {
    const texts = await Promise.all(changes.map((change) => cat.text(change.newBlob)));
    const { moduleFacts } = await parser;
    for (const [i, change] of changes.entries()) {
      if (texts[i] === undefined) return false;
      try {
        facts.set(change.newBlob, moduleFacts(texts[i], change.path));
      } catch {
        return false;
      }
    }
    return true;
  } finally {
    cat.close();
  }
}

/** `git diff-tree -r -z` raw output (`:mode mode blob blob status\0path\0`…); undefined when it is not that. */
export function parseRawDiff(raw: string): Change[] | undefined {
  const fields = raw.split("\0");
  const changes: Change[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const header = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(fields[i]!);
    if (!header) return undefined;
    changes.push({ oldBlob: header[1]!, newBlob: header[2]!, status: header[3]!, path: fields[i + 1]! });
  }
  return changes;
}
