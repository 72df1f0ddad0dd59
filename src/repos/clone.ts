// Clones worker repositories, or brings existing clones up to date: fetched, and fast-forwarded
// when the clone is on main and clean. Local work is never touched. Credentials stay out of
// remote URLs (they travel in git's environment).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Forge } from "../forge/forge.js";
import { git, gitText } from "../git/git.js";

export interface CloneOutcome {
  repo: string;
  path: string;
  status: "cloned" | "updated" | "up-to-date" | "fetched only" | "failed";
  detail?: string;
}

export async function cloneOrUpdate(forge: Forge, repo: string, dir: string): Promise<CloneOutcome> {
  const path = join(dir, repo);
  const found = await forge.get(repo);
  if (!found) return { repo, path, status: "failed", detail: `no repository ${repo} in the ${forge.label}` };
  const env = forge.gitEnv();
  try {
    if (!existsSync(path)) {
      await mkdir(dir, { recursive: true });
      await git(["clone", "--quiet", "--", found.url, path], { cwd: dir, env });
      return { repo, path, status: "cloned" };
    }
    const origin = (await git(["config", "--get", "remote.origin.url"], { cwd: path, okCodes: [1] })).stdout.trim();
    if (origin !== found.url)
      return { repo, path, status: "failed", detail: `${path} exists but is not a clone of ${repo} (origin ${origin || "missing"}); left alone` };
    const before = await gitText(["rev-parse", "-q", "--verify", "HEAD"], { cwd: path }).catch(() => "");
    await git(["fetch", "--quiet", "origin"], { cwd: path, env });
    const branch = (await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: path, okCodes: [1] })).stdout.trim();
    const dirty = (await gitText(["status", "--porcelain"], { cwd: path })).length > 0;
    if (branch !== "main" || dirty)
      return { repo, path, status: "fetched only", detail: branch !== "main" ? `on ${branch || "a detached HEAD"}` : "has local changes" };
    const merged = await git(["merge", "--ff-only", "--quiet", "origin/main"], { cwd: path, okCodes: [1, 128] });
    if (merged.code !== 0) return { repo, path, status: "fetched only", detail: "main has diverged from origin/main" };
    const after = await gitText(["rev-parse", "HEAD"], { cwd: path });
    return { repo, path, status: after === before ? "up-to-date" : "updated" };
  } catch (error) {
    return { repo, path, status: "failed", detail: (error as Error).message.split("\n")[0] };
  }
}
