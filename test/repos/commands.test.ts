// create / list / clone on a small monorepo, and their answers to bad input.
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { git, gitText } from "../../src/git/git.js";
import { ScriptedRepo } from "../helpers/history.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const MANIFEST = JSON.stringify({
  org: "acme",
  repoName: "acme-{service}-worker",
  zone: "acme.dev",
  topics: ["edge"],
  secrets: ["CLOUDFLARE_API_TOKEN"],
  monorepo: { layout: "directories" },
  workers: {
    api: { domain: "api.acme.dev", source: { dir: "workers/api" } },
    web: { domain: "web.acme.dev", dependsOn: ["api"], source: { dir: "workers/web" } },
    auth: { domain: "auth.acme.dev", external: "https://github.com/acme/auth" },
  },
});

async function monorepo(): Promise<ScriptedRepo> {
  const repo = await ScriptedRepo.create();
  await repo.commit("chore: set up", { ".gitignore": ".fleet/\n", "fleet.jsonc": MANIFEST });
  await repo.commit("feat(api): start", {
    "workers/api/src/index.js": "export default { fetch: (r, env) => Response.json({ status: 'ok', key: env.API_KEY === undefined }) };\n",
    "workers/api/wrangler.toml": 'name = "acme-api-worker"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n',
  });
  await repo.commit("feat(web): start", { "workers/web/src/index.js": "export default { fetch: () => fetch('https://api.acme.dev/x') };\n", "workers/web/wrangler.jsonc": '{ "name": "acme-web-worker", "main": "src/index.js" }\n' });
  return repo;
}

describe("fleet create, list, clone", () => {
  let repo: ScriptedRepo;
  beforeEach(async () => {
    repo = await monorepo();
  });

  it("creates repositories with topics, environments and secret fingerprints; a dry run first changes nothing", async () => {
    const dry = await runFleet(["create", "--all", "--dry-run", "--json", "--cwd", repo.dir]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).repositories.map((r: { status: string }) => r.status)).toEqual(["would-change", "would-change"]);
    expect((await runFleet(["list", "--cwd", repo.dir])).stderr).toContain("no repositories");

    const secrets = join(await tempDir(), "secrets.env");
    await writeFile(secrets, "CLOUDFLARE_API_TOKEN=token-from-file\nAPI_KEY=k\n");
    const created = await runFleet(["create", "--all", "--secrets-file", secrets, "--cwd", repo.dir]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain("auth: external");
    const listed = JSON.parse((await runFleet(["list", "--json", "--cwd", repo.dir])).stdout);
    expect(listed.repositories).toEqual([
      expect.objectContaining({ name: "acme-api-worker", topics: ["acme", "api", "cloudflare-workers", "edge", "worker"], environments: ["production", "staging"], secrets: ["API_KEY", "CLOUDFLARE_API_TOKEN"], managedByFleet: true }),
      expect.objectContaining({ name: "acme-web-worker", secrets: ["CLOUDFLARE_API_TOKEN"] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain("token-from-file");
    const onlyApi = JSON.parse((await runFleet(["list", "--topic", "api", "--json", "--cwd", repo.dir])).stdout);
    expect(onlyApi.repositories.map((r: { name: string }) => r.name)).toEqual(["acme-api-worker"]);
  });

  it("clones, then fetches and fast-forwards; a clone with local changes is only fetched", async () => {
    await runFleet(["create", "--all", "--cwd", repo.dir]);
    const dir = join(await tempDir(), "clones");
    const first = await runFleet(["clone", "--all", "--dir", dir, "--json", "--cwd", repo.dir]);
    expect(JSON.parse(first.stdout).repositories.map((r: { status: string }) => r.status)).toEqual(["cloned", "cloned"]);
    expect(await gitText(["config", "--get", "remote.origin.url"], { cwd: join(dir, "acme-api-worker") })).not.toMatch(/@/);

    await runFleet(["sync", "--all", "--cwd", repo.dir], { GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@acme.dev", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@acme.dev" });
    await writeFile(join(dir, "acme-web-worker", "scratch.txt"), "mine\n");
    const second = JSON.parse((await runFleet(["clone", "--all", "--dir", dir, "--json", "--cwd", repo.dir])).stdout);
    expect(second.repositories.map((r: { status: string; detail?: string }) => [r.status, r.detail])).toEqual([["updated", undefined], ["fetched only", "has local changes"]]);
    expect(await gitText(["ls-files"], { cwd: join(dir, "acme-api-worker") })).toContain("src/index.js");
  });

  it("refuses a same-named repository fleet did not create, and changes nothing in it", async () => {
    const bare = join(repo.dir, ".fleet", "forge", "acme", "acme-api-worker.git");
    await git(["init", "-q", "--bare", bare], { cwd: repo.dir });
    const result = await runFleet(["create", "api", "--cwd", repo.dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/api +acme-api-worker +refused +a repository named acme-api-worker exists and was not created by fleet/);
    expect((await git(["for-each-ref"], { cwd: bare })).stdout).toBe("");
  });

  it("bad input: unknown worker, not a git repository, detached HEAD, unwritable forge, no git — exit 2, nothing changed", async () => {
    const unknown = await runFleet(["create", "apii", "--cwd", repo.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown worker: apii");
    expect(unknown.stderr).toContain("did you mean api");

    const notGit = await tempDir();
    await writeFile(join(notGit, "fleet.jsonc"), MANIFEST);
    const outside = await runFleet(["create", "--all", "--cwd", notGit]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("is not a git repository");

    await git(["checkout", "-q", "--detach"], { cwd: repo.dir });
    const detached = await runFleet(["create", "--all", "--cwd", repo.dir]);
    expect(detached.code).toBe(2);
    expect(detached.stderr).toContain("HEAD is detached");
    await git(["checkout", "-q", "main"], { cwd: repo.dir });

    await writeFile(join(repo.dir, ".fleet"), "a file where the forge folder should be\n");
    const unwritable = await runFleet(["create", "--all", "--cwd", repo.dir]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/cannot create the local forge/);
    expect(unwritable.stderr).not.toMatch(/\n\s+at /);

    const bin = new URL("../../bin/fleet.js", import.meta.url).pathname;
    const noGit = spawnSync(process.execPath, [bin, "plan", "--cwd", repo.dir], { encoding: "utf8", env: { PATH: "/nonexistent", NO_COLOR: "1" } });
    expect(noGit.status).toBe(2);
    expect(noGit.stderr).toContain("git was not found");
  });
});
