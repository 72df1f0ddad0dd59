// A commit made from a base commit and a few changed files, without a work tree: a temporary
// index, blobs written from memory, then commit-tree. The user's index and files are untouched.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, gitText } from "./git.js";
import { identityFallback } from "./identity.js";

export async function commitFiles(repo: string, base: string, files: ReadonlyMap<string, string>, message: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "fleet-commit-"));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, "index"), ...(await identityFallback(repo)) };
    await git(["read-tree", base], { cwd: repo, env });
    const entries: string[] = [];
    for (const [path, content] of files) {
      const blob = await gitText(["hash-object", "-w", "--stdin", "--no-filters"], { cwd: repo, input: content });
      const mode = (await git(["ls-tree", base, "--", path], { cwd: repo })).stdout.split(" ")[0] || "100644";
      entries.push(`${mode} ${blob.trim()}\t${path}\0`);
    }
    await git(["update-index", "-z", "--add", "--index-info"], { cwd: repo, env, input: entries.join("") });
    const tree = await gitText(["write-tree"], { cwd: repo, env });
    return (await gitText(["commit-tree", tree.trim(), "-p", base, "-F", "-"], { cwd: repo, env, input: message })).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A file's content at a commit, or undefined when it is not there. */
export async function fileAt(repo: string, commit: string, path: string): Promise<string | undefined> {
  const r = await git(["cat-file", "blob", `${commit}:${path}`], { cwd: repo, okCodes: [128] });
  return r.code === 0 ? r.stdout : undefined;
}
