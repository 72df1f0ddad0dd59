// The migration of one worker end to end — migrate (stopping and resuming), cutover, status —
// and then the checklist's honesty: each step's evidence is flipped one thing at a time.
import { existsSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { localRuntime } from "../../src/cloud/runtime.js";
import { LocalCloudStore } from "../../src/cloud/store.js";
import { LocalForge } from "../../src/forge/local.js";
import { commitFiles, fileAt } from "../../src/git/commit-files.js";
import { git, gitText } from "../../src/git/git.js";
import { RegistryClient, type RegistryFetch } from "../../src/registry/client.js";
import { LOCAL_REGISTRY_URL } from "../../src/registry/local.js";
import { runFleet } from "../helpers/run.js";
import { inChromium } from "../helpers/chromium.js";
import { tempDir } from "../helpers/tmp.js";
import { cloneWorker, IDENTITY } from "../repos/extracted.fixture.js";
import { NO_SECRETS, platformDeployed, statusOf } from "./fixture.js";

const ID = "project-initiation";
const REPO = "chittyos-project-initiation-worker";
const SCRIPT = REPO;

describe("the migration lifecycle of project-initiation", () => {
  let dir: string;
  let secretsFile: string;
  let bare: string;
  beforeAll(async () => {
    ({ dir, secretsFile } = await platformDeployed());
    bare = join(dir, ".fleet", "forge", "chittyos", `${REPO}.git`);
  }, 300_000);

  it("migrate --dry-run lists the steps and changes nothing", async () => {
    const result = await runFleet(["migrate", ID, "registry", "--dry-run", "--json", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout).workers as { id: string; steps: { step: string }[] }[];
    expect(plan.map((w) => w.id)).toEqual(["registry", ID]);
    expect(plan[1]!.steps.map((s) => s.step)).toEqual(["repository", "code", "tests", "actions", "secrets", "deployed", "health", "registry", "docs"]);
    expect(existsSync(bare)).toBe(false);
  });

  it("stops each worker at the first step still not done, with the evidence; the re-run resumes there", async () => {
    const first = await runFleet(["migrate", ID, "registry", "--json", "--cwd", dir], NO_SECRETS);
    expect(first.code, first.stderr).toBe(1);
    const rows = JSON.parse(first.stdout).workers as { id: string; result: string; did: string[]; reason: string; next: string }[];
    for (const row of rows) {
      expect(row.result).toBe("stopped at secrets");
      expect(row.reason).toContain("not set: CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN");
      // tests and Actions came with the repository's scaffold and the sync: nothing left to do for them
      expect(row.did).toEqual(["repository", "code"]);
    }
    const seen = await statusOf(dir, ID);
    expect([seen.tests!.state, seen.actions!.state, seen.secrets!.state]).toEqual(["done", "done", "missing"]);
    expect((await LocalCloudStore.at(dir).state()).workers[SCRIPT]).toBeUndefined();

    const second = await runFleet(["migrate", ID, "registry", "--json", "--secrets-file", secretsFile, "--cwd", dir], NO_SECRETS);
    expect(second.code, second.stderr).toBe(0);
    const resumed = JSON.parse(second.stdout).workers as { id: string; result: string; did: string[] }[];
    for (const row of resumed) {
      expect(row.result).toBe("ready for cutover");
      expect(row.did).toEqual(["secrets", "deployed", "registry", "docs"]);
    }
    const again = await runFleet(["migrate", ID, "--json", "--secrets-file", secretsFile, "--cwd", dir], NO_SECRETS);
    expect(JSON.parse(again.stdout).workers[0]).toMatchObject({ result: "ready for cutover", did: [] });
  }, 300_000);

  it("after cutover --apply all ten steps are observed done", async () => {
    const cut = await runFleet(["cutover", ID, "--apply", "--cwd", dir], NO_SECRETS);
    expect(cut.code, cut.stdout + cut.stderr).toBe(0);
    const steps = await statusOf(dir, ID);
    for (const [step, result] of Object.entries(steps)) expect(result.state, `${step}: ${result.evidence}`).toBe("done");
    expect(steps.health!.evidence).toContain("https://initiate.chitty.cc/health → 200");
    expect(steps.migrated!.evidence).toContain("the router forwards initiate.chitty.cc to env.PROJECT_INITIATION_SERVICE");
  }, 300_000);

  // Each flip changes one thing the step observes, checks the step now reads missing with other
  // evidence, and puts the thing back.
  const bareTip = () => gitText(["rev-parse", "refs/heads/main"], { cwd: bare });
  const pushToWorker = async (change: (clone: string) => Promise<void>) => {
    const clone = await cloneWorker(dir, REPO);
    await change(clone);
    await git(["add", "-A"], { cwd: clone });
    await git(["commit", "-qm", "test: a change in the worker repository"], { cwd: clone, env: IDENTITY });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
  };
  const resetWorker = (tip: string) => async () => void (await git(["update-ref", "refs/heads/main", tip], { cwd: bare }));

  const flips: { step: string; expect: RegExp; flip: () => Promise<() => Promise<void>> }[] = [
    {
      step: "repository",
      expect: /lacks the topics/,
      async flip() {
        const forge = new LocalForge(dir, "chittyos");
        const topics = (await forge.get(REPO))!.topics;
        await forge.update(REPO, { topics: ["chittyos"] });
        return async () => void (await forge.update(REPO, { topics }));
      },
    },
    {
      step: "code",
      expect: /behind by 1 commit/,
      async flip() {
        const tip = await gitText(["rev-parse", "refs/heads/main"], { cwd: dir });
        const file = "src/services/project-initiation.js";
        const next = await commitFiles(dir, tip, new Map([[file, `${await fileAt(dir, tip, file)}\n// one more line\n`]]), "feat(project-initiation): one more line\n");
        await git(["update-ref", "refs/heads/main", next], { cwd: dir });
        return async () => void (await git(["update-ref", "refs/heads/main", tip], { cwd: dir }));
      },
    },
    {
      step: "tests",
      expect: /not in the repository: .*test\/integration\.test\.js/,
      async flip() {
        const tip = await bareTip();
        await pushToWorker((clone) => git(["rm", "-q", "test/integration.test.js"], { cwd: clone }).then(() => undefined));
        return resetWorker(tip);
      },
    },
    {
      step: "actions",
      expect: /does not parse/,
      async flip() {
        const tip = await bareTip();
        await pushToWorker((clone) => writeFile(join(clone, ".github", "workflows", "deploy.yml"), "jobs: [\n  deploy:\n"));
        return resetWorker(tip);
      },
    },
    {
      step: "secrets",
      expect: /not set: CLOUDFLARE_API_TOKEN/,
      async flip() {
        const file = join(bare, "fleet-forge.json");
        const before = await readFile(file, "utf8");
        const meta = JSON.parse(before) as { secrets: { name: string }[] };
        meta.secrets = meta.secrets.filter((s) => s.name !== "CLOUDFLARE_API_TOKEN");
        await writeFile(file, JSON.stringify(meta));
        return () => writeFile(file, before);
      },
    },
    {
      step: "deployed",
      expect: /the repository's main is now/,
      async flip() {
        const tip = await bareTip();
        await pushToWorker((clone) => writeFile(join(clone, "NOTES.md"), "notes\n"));
        return resetWorker(tip);
      },
    },
    {
      step: "health",
      expect: /→ 500/,
      async flip() {
        const store = LocalCloudStore.at(dir);
        const active = (await store.state()).workers[SCRIPT]!.active;
        const record = await store.version(SCRIPT, active);
        const file = join(store.root, "scripts", SCRIPT, `v${active}`, "modules", record.main);
        const before = await readFile(file, "utf8");
        await writeFile(file, `export default { fetch() { return new Response("broken", { status: 500 }); } };\n`);
        return () => writeFile(file, before);
      },
    },
    {
      step: "registry",
      expect: /points at https:\/\/example\.com\/elsewhere/,
      async flip() {
        const runtime = localRuntime(LocalCloudStore.at(dir), { persist: true });
        try {
          const client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => runtime.fetch(url, init as never)) as RegistryFetch);
          const entry = (await client.get(ID))!;
          await client.put({ ...entry, repository: "https://example.com/elsewhere" });
        } finally {
          await runtime.dispose();
        }
        return async () => {
          const sync = await runFleet(["registry", "sync", "--cwd", dir], NO_SECRETS);
          expect(sync.code, sync.stderr).toBe(0);
        };
      },
    },
    {
      step: "docs",
      expect: /docs\/workers\.md does not list/,
      async flip() {
        const file = join(dir, "docs", "workers.md");
        const before = await readFile(file, "utf8");
        await writeFile(file, before.split("\n").filter((l) => !l.includes(REPO)).join("\n"));
        return () => writeFile(file, before);
      },
    },
    {
      step: "migrated",
      expect: /no src\/services\/project-initiation\.js\.MIGRATED on main/,
      async flip() {
        const tip = await gitText(["rev-parse", "refs/heads/main"], { cwd: dir });
        await git(["update-ref", "refs/heads/main", `${tip}~1`], { cwd: dir });
        return async () => void (await git(["update-ref", "refs/heads/main", tip], { cwd: dir }));
      },
    },
  ];

  it.each(flips.map((f) => [f.step, f] as const))("the %s step's evidence follows what it observes", async (step, f) => {
    const before = (await statusOf(dir, ID))[step]!;
    expect(before.state, before.evidence).toBe("done");
    const restore = await f.flip();
    let flipped: { state: string; evidence: string };
    try {
      flipped = (await statusOf(dir, ID))[step]!;
    } finally {
      await restore();
    }
    expect(flipped.state).toBe("missing");
    expect(flipped.evidence).toMatch(f.expect);
    expect(flipped.evidence).not.toBe(before.evidence);
    const after = (await statusOf(dir, ID))[step]!;
    expect(after.state, after.evidence).toBe("done");
  }, 120_000);

  it("writes a status page that opens in headless Chromium without a console error", async () => {
    const page = join(await tempDir("fleet-report-"), "status.html");
    const result = await runFleet(["status", "--html", page, "--markdown", "--retries", "0", "--cwd", dir], NO_SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\| project-initiation \| 2 \| 2 \| (✅ \| ){9}✅ \| current \| {2}\| done \|$/m);
    const html = await readFile(page, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/[^"<\s]*\.(css|js)\b/); // self-contained
    const shot = join(page, "..", "status.png");
    await inChromium(page, shot, async (tab, errors) => {
      expect(errors).toEqual([]);
      expect((await stat(shot)).size).toBeGreaterThan(20_000);
      const nodes = await tab.$$eval("svg .node", (list) => list.map((n) => n.getAttribute("data-worker")));
      expect(nodes).toHaveLength(38);
      const migrated = await tab.$eval('svg .node[data-worker="project-initiation"] rect', (r) => r.getAttribute("fill"));
      expect(migrated).toBe("#dcf5e3");
    });
  }, 120_000);
});
