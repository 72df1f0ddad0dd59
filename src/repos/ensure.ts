// `fleet create` for one worker: the repository on the forge, its description and topics, its
// environments and secrets, the scaffold commit, and the access the manifest gives (grants and
// the ruleset on main, as `fleet access --apply` makes them, never revoking) — each checked first,
// done only if missing.
// A repository fleet did not create is refused; a repo-owned file someone edited is reported as
// drift and left alone.
import type { Forge, Repository } from "../forge/forge.js";
import { normalizeTopics } from "../forge/local.js";
import { git, gitText } from "../git/git.js";
import { repoNameFor } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import type { Scaffold } from "../scaffold/render.js";
import { WRITTEN_ONCE } from "../scaffold/release.js";
import { SCAFFOLD_TRAILER, scaffoldCommit } from "./scaffold-commit.js";
import { createHash } from "node:crypto";
import { applyRow, describeWrite, observeAccess } from "../access/apply.js";
import { needsWrite, planAccess } from "../access/plan.js";
import { accessOf } from "../manifest/access.js";

export const ENVIRONMENTS = ["staging", "production"] as const;

export interface EnsureResult {
  id: string;
  repo: string;
  status: "created" | "completed" | "up-to-date" | "refused" | "failed" | "would-change";
  /** What was done (or, in a dry run, would be done). */
  changes: string[];
  /** Repo-owned files that differ from what fleet generated. */
  drift: string[];
  /** Secrets that have no value in the environment or secrets file. */
  missingSecrets: string[];
  detail?: string;
}

export interface EnsureContext {
  monorepo: string;
  manifest: Manifest;
  forge: Forge;
  secretValues: Record<string, string | undefined>;
  dryRun: boolean;
}

export function topicsFor(manifest: Manifest, id: string): string[] {
  return normalizeTopics([manifest.org, "cloudflare-workers", "worker", id, ...manifest.topics]);
}

export async function ensureRepository(
  ctx: EnsureContext,
  id: string,
  description: string,
  secrets: readonly string[],
  scaffold: Scaffold,
): Promise<EnsureResult> {
  const name = repoNameFor(ctx.manifest, id);
  const result: EnsureResult = { id, repo: name, status: "up-to-date", changes: [], drift: [], missingSecrets: [] };
  let repo = await ctx.forge.get(name);
  if (repo && !repo.managedByFleet) {
    return { ...result, status: "refused", detail: `a repository named ${name} exists and was not created by fleet; rename or remove it, or change repoName` };
  }
  const topics = topicsFor(ctx.manifest, id);
  const change = async (what: string, act: () => Promise<unknown>) => {
    result.changes.push(what);
    if (!ctx.dryRun) await act();
  };
  const created = !repo;
  if (!repo) {
    await change("create the repository", async () => {
      repo = await ctx.forge.create({ name, description, topics });
    });
  } else {
    const current: Repository = repo;
    if (current.description !== description) await change("update the description", () => ctx.forge.update(name, { description }));
    if (current.topics.join(",") !== topics.join(",")) await change(`set topics ${topics.join(", ")}`, () => ctx.forge.update(name, { topics }));
  }
  for (const env of ENVIRONMENTS) {
    if (!repo?.environments.includes(env)) await change(`add the ${env} environment`, () => ctx.forge.ensureEnvironment(name, env));
  }
  for (const secret of [...new Set(secrets)].sort()) {
    const value = ctx.secretValues[secret];
    if (value === undefined || value === "") {
      result.missingSecrets.push(secret);
      continue;
    }
    const fingerprint = createHash("sha256").update(value).digest("hex");
    const stored = repo?.secrets.find((s) => s.name === secret);
    if (stored?.fingerprint !== fingerprint) await change(`${stored ? "update" : "set"} secret ${secret}`, () => ctx.forge.setSecret(name, secret, value));
  }

  const url = repo?.url;
  const tip = url ? await remoteMain(ctx.monorepo, url, ctx.forge) : null;
  if (!tip) {
    await change(`push the scaffold (${scaffold.files.size} files)`, async () => {
      const commit = await scaffoldCommit(ctx.monorepo, id, scaffold.files);
      await git(["push", "--quiet", "--", repo!.url, `${commit}:refs/heads/main`], { cwd: ctx.monorepo, env: ctx.forge.gitEnv() });
    });
  } else {
    result.drift = await driftOf(ctx.monorepo, url!, ctx.forge, id, tip, scaffold);
  }
  // access last: the ruleset on main goes up once the scaffold is there
  const access = accessOf(ctx.manifest, id);
  if (Object.keys(access.teams).length || Object.keys(access.users).length || access.protect) {
    const observed = repo && !created ? await observeAccess(ctx.forge, name, access) : { grants: [] };
    for (const row of planAccess(id, name, access, observed).filter((r) => needsWrite(r, false)))
      await change(describeWrite(row), () => applyRow(ctx.forge, row));
  }
  if (ctx.dryRun) result.status = result.changes.length ? "would-change" : "up-to-date";
  else result.status = created ? "created" : result.changes.length ? "completed" : "up-to-date";
  return result;
}

async function remoteMain(monorepo: string, url: string, forge: Forge): Promise<string | null> {
  const { stdout } = await git(["ls-remote", "--", url, "refs/heads/main"], { cwd: monorepo, env: forge.gitEnv() });
  return stdout.split("\t")[0]?.trim() || null;
}

/** Repo-owned files whose content differs from the scaffold fleet committed. */
async function driftOf(monorepo: string, url: string, forge: Forge, id: string, tip: string, scaffold: Scaffold): Promise<string[]> {
  await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", url, `+refs/heads/main:refs/fleet/worker/${id}`], {
    cwd: monorepo,
    env: forge.gitEnv(),
  });
  const scaffoldCommitId = (
    await gitText(["log", "--format=%H", `--grep=^${SCAFFOLD_TRAILER}: `, "--max-count=1", tip], { cwd: monorepo }).catch(() => "")
  ).trim();
  if (!scaffoldCommitId) return [];
  const drift: string[] = [];
  // release-please writes these at every release: changed is what they should be
  const written = new Set(WRITTEN_ONCE);
  for (const path of scaffold.files.keys()) {
    if (written.has(path)) continue;
    const then = await blobAt(monorepo, scaffoldCommitId, path);
    const now = await blobAt(monorepo, tip, path);
    if (!then || then === now) continue;
    if (path === "package.json" && now && (await sameButVersion(monorepo, then, now))) continue;
    drift.push(now ? path : `${path} (deleted)`);
  }
  return drift;
}

/** Whether two package.json blobs differ in their "version" only (each release moves it). */
async function sameButVersion(repo: string, a: string, b: string): Promise<boolean> {
  const read = async (blob: string) => {
    try {
      const pkg = JSON.parse(await gitText(["cat-file", "blob", blob], { cwd: repo })) as Record<string, unknown>;
      delete pkg.version;
      return JSON.stringify(pkg);
    } catch {
      return undefined;
    }
  };
  const [x, y] = await Promise.all([read(a), read(b)]);
  return x !== undefined && x === y;
}

async function blobAt(repo: string, commit: string, path: string): Promise<string | undefined> {
  const r = await git(["rev-parse", "-q", "--verify", `${commit}:${path}`], { cwd: repo, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}
