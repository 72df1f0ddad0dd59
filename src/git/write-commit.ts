// One commit written by one `git fast-import`: blobs, trees and the commit from a description,
// without an index, a work tree or a ref (the stream's own ref is reset at its end, and
// fast-import names the commit back). Used for the scaffold commit and sync's merge commits.
import { quotePath } from "../history/quoting.js";
import { gitText } from "./git.js";

export interface CommitToWrite {
  /** A ref name for the length of the stream only (nothing is left at it). */
  ref: string;
  author: string;
  committer: string;
  message: string;
  /** The first parent, whose tree the commit starts from; none: an empty tree, a root commit. */
  from?: string;
  merge?: string;
  /** Paths taken out of the starting tree, first. */
  deletes?: readonly string[];
  /** Files already in the object store: mode, object id and path (as `ls-tree -r` lists them). */
  entries?: readonly { mode: string; id: string; path: string }[];
  /** Files written from memory, last (they win over the rest). */
  files?: Iterable<[string, string]>;
}

export async function writeCommit(repo: string, commit: CommitToWrite): Promise<string> {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, "utf8"));
  const data = (content: string) => {
    const bytes = Buffer.from(content, "utf8");
    text(`data ${bytes.length}\n`);
    parts.push(bytes);
    text("\n");
  };
  text(`commit ${commit.ref}\nmark :1\nauthor ${commit.author}\ncommitter ${commit.committer}\n`);
  data(commit.message);
  if (commit.from) text(`from ${commit.from}\n`);
  if (commit.merge) text(`merge ${commit.merge}\n`);
  for (const path of commit.deletes ?? []) text(`D ${quotePath(path)}\n`);
  for (const e of commit.entries ?? []) text(`M ${e.mode} ${e.id} ${quotePath(e.path)}\n`);
  for (const [path, content] of commit.files ?? []) {
    text(`M 100644 inline ${quotePath(path)}\n`);
    data(content);
  }
  text(`\nget-mark :1\nreset ${commit.ref}\n\n`);
  return (await gitText(["fast-import", "--quiet", "--date-format=raw"], { cwd: repo, input: Buffer.concat(parts) })).trim();
}

/** `ls-tree -r -z` output as entries for `writeCommit`. */
export function treeEntries(lsTree: string): { mode: string; id: string; path: string }[] {
  return lsTree.split("\0").flatMap((line) => {
    const entry = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(line);
    return entry ? [{ mode: entry[1]!, id: entry[2]!, path: entry[3]! }] : [];
  });
}
