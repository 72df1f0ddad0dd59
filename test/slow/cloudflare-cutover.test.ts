// Slow suite: fleet cutover on a Cloudflare account (the API stand-in and its edge, real wrangler): while a
// loop asks the edge for https://initiate.chitty.cc/health every few milliseconds, the hostname is
// handed from the platform to the worker — with a failure injected after the hand-over (both sides
// come back), then for real — and not one request fails either time. The worker repository's own
// deploy workflow, run as wrangler-action runs it, claims no hostname before the cutover and keeps
// it after; a hostname without a proxied DNS record does not move, and the cutover says why.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { packageDir, prepareCheckout, run } from "../../src/cloud/build.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { CloudflareStandIn } from "../cloud/cloudflare-stand-in.js";
import { setManifest } from "../forge/github-fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const HOST = "initiate.chitty.cc";
const PLATFORM = "chittyos-platform";
const WORKER = "chittyos-project-initiation-worker";
// project-initiation runs on the platform's cron and consumes its queue until the cutover moves both
const CRON = "*/30 * * * *";
const QUEUE = "chittyos-project-events";

/** Asks the edge for the hostname's /health until stopped; every answer that is not a healthy 200 is a failure. */
function hammer(api: CloudflareStandIn): { stop(): Promise<{ requests: number; failures: string[]; answeredBy: Set<string> }> } {
  let running = true;
  const failures: string[] = [];
  let requests = 0;
  const from = api.edgeLog.length;
  const loop = async () => {
    while (running) {
      requests++;
      try {
        const response = await fetch(`${api.origin}/health`, { headers: { "x-forwarded-host": HOST }, signal: AbortSignal.timeout(30_000) });
        const body = (await response.json().catch(() => ({}))) as { status?: string };
        if (response.status !== 200 || body.status !== "ok") failures.push(`HTTP ${response.status} ${JSON.stringify(body)}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const loops = [loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      const answeredBy = new Set(
        api.edgeLog
          .slice(from)
          .filter((e) => e.host === HOST)
          .map((e) => e.script ?? "nobody"),
      );
      return { requests, failures, answeredBy };
    },
  };
}

/**
 * The repository's .github/workflows/deploy.yml, its wrangler-action step run as the action runs
 * it: `wrangler <command> --env <environment>` in a clean checkout, in CI, without a terminal.
 */
async function deployAsTheWorkflowDoes(repository: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "fleet-workflow-"));
  try {
    await git(["clone", "--quiet", "--", repository, dir], { cwd: tmpdir() });
    const workflow = parseYaml(await readFile(join(dir, ".github", "workflows", "deploy.yml"), "utf8")) as {
      jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string> }[] }>;
    };
    const step = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.id === "deploy" && s.uses?.startsWith("cloudflare/wrangler-action"))!;
    expect(step, "the deploy workflow has a wrangler-action deploy step").toBeDefined();
    await prepareCheckout(dir);
    // a push to main: workflow_dispatch inputs are empty, so `inputs.x || 'default'` is the default
    const evaluate = (value: string) => value.replace(/\$\{\{\s*inputs\.[\w-]+\s*\|\|\s*'([^']*)'\s*\}\}/g, "$1");
    expect(JSON.stringify(step.with).replace(/\$\{\{\s*(secrets|inputs)\.[^}]*\}\}/g, ""), "only inputs and secrets are used").not.toContain("${{");
    const environment = step.with?.environment ? evaluate(step.with.environment) : undefined;
    const args = [...evaluate(step.with?.command ?? "deploy").split(" "), ...(environment ? ["--env", environment] : [])];
    return await run(process.execPath, [join(packageDir("wrangler"), "bin", "wrangler.js"), ...args], dir, {
      ...(process.env as Record<string, string>),
      ...env,
      CI: "true",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("fleet cutover on Cloudflare", () => {
  let api: CloudflareStandIn;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await new CloudflareStandIn("5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d", "cf-cutover-token-8675309").start();
    // the platform's hostname is proxied, as a Workers Route needs; registry's record comes later
    api.addDnsRecord(HOST);
    // the platform binds the external id and auth workers, which live in their own repositories
    for (const external of ["chittyos-id-worker", "chittyos-auth-worker"]) api.deployedElsewhere(external);
    // the queue the platform produces to and consumes (for project-initiation), made beforehand as wrangler needs
    api.addQueue(QUEUE);
    env = { ...IDENTITY, ...api.env };
    dir = join(await tempDir("fleet-cf-cutover-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 40 });
    // the KV namespaces and D1 databases the example binds, made on the account as a team would have
    api.resources.seedFromFile(join(dir, "wrangler.toml"));
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    await setManifest(dir, ["providers", "cloud"], "cloudflare");
    const platform = await runFleet(["deploy", "--platform", "--cwd", dir], env);
    expect(platform.code, platform.stdout + platform.stderr).toBe(0);
    const migrate = await runFleet(["migrate", "registry", "project-initiation", "--cwd", dir], env);
    expect(api.scripts.get(WORKER)?.deployments.length, migrate.stdout + migrate.stderr).toBe(1);
    expect(api.holders().get(HOST)).toBe(PLATFORM);
  }, 600_000);
  const triggers = () => ({
    platformCrons: api.scripts.get(PLATFORM)!.crons,
    workerCrons: api.scripts.get(WORKER)!.crons,
    consumers: api.queues.get(QUEUE)!.consumers.map((c) => c.script),
  });
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("the worker repository's own deploy workflow, run as wrangler-action runs it, claims no hostname before the cutover", async () => {
    const deployed = await deployAsTheWorkflowDoes(join(dir, ".fleet", "forge", "chittyos", `${WORKER}.git`), api.env);
    expect(deployed.code, deployed.output).toBe(0);
    expect(api.scripts.get(WORKER)!.deployments.length).toBe(2);
    expect(api.holders().get(HOST)).toBe(PLATFORM);
    expect(api.routes.filter((r) => r.script === WORKER)).toEqual([]);
    expect(api.scripts.get(WORKER)!.domains).toEqual([]);
    // nor its cron or its queue: the platform runs them
    expect(triggers()).toEqual({ platformCrons: [CRON], workerCrons: [], consumers: [PLATFORM] });
  }, 300_000);

  it("a failure after the hand-over hands the hostname back and rolls the platform back: no request fails", async () => {
    const platformLive = api.scripts.get(PLATFORM)!.deployments[0]!.versions[0]!.version_id;
    // wrangler uploads a version (then deploys it) once the script's migrations are applied
    api.failNext("POST", new RegExp(`/workers/scripts/${PLATFORM}/versions$`), "injected: the platform's upload is refused");
    const loop = hammer(api);
    const cutover = await runFleet(["cutover", "project-initiation", "--json", "--cwd", dir], env);
    const seen = await loop.stop();
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(1);
    const result = JSON.parse(cutover.stdout) as { status: string; steps: string[]; detail: string };
    expect(result.status).toBe("rolled-back");
    expect(result.steps).toEqual(
      expect.arrayContaining([`${HOST} handed from ${PLATFORM} to ${WORKER} (route ${HOST}/* reassigned)`, `${HOST} handed back to ${PLATFORM}`]),
    );
    expect(result.detail).toContain("injected: the platform's upload is refused");
    expect(api.holders().get(HOST)).toBe(PLATFORM);
    expect(triggers()).toEqual({ platformCrons: [CRON], workerCrons: [], consumers: [PLATFORM] });
    expect(api.scripts.get(PLATFORM)!.deployments[0]!.versions[0]!.version_id).toBe(platformLive);
    expect(seen.failures).toEqual([]);
    expect(seen.requests).toBeGreaterThan(20);
  }, 300_000);

  it("a platform redeploy refused before it starts (a KV namespace it binds is gone) hands the hostname back, nothing uploaded", async () => {
    const [id, title] = [...api.resources.kv][0]!;
    api.resources.kv.delete(id);
    const versions = api.scripts.get(PLATFORM)!.versions.length;
    try {
      const cutover = await runFleet(["cutover", "project-initiation", "--json", "--cwd", dir], env);
      expect(cutover.code, cutover.stdout + cutover.stderr).toBe(1);
      const result = JSON.parse(cutover.stdout) as { status: string; steps: string[]; detail: string };
      expect(result.status).toBe("rolled-back");
      expect(result.steps).toContain(`${HOST} handed back to ${PLATFORM}`);
      expect(result.detail).toMatch(new RegExp(`wrangler\\.toml:\\d+: [A-Z_]+ → KV namespace ${id} \\(id\\) is not on the account`));
      expect(api.holders().get(HOST)).toBe(PLATFORM);
      expect(api.scripts.get(PLATFORM)!.versions).toHaveLength(versions);
    } finally {
      api.resources.kv.set(id, title);
    }
  }, 300_000);

  it("hands the hostname to the worker in one write, redeploys the platform without its route, and no request fails", async () => {
    const loop = hammer(api);
    const cutover = await runFleet(["cutover", "project-initiation", "--apply", "--json", "--cwd", dir], env);
    const seen = await loop.stop();
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0);
    const result = JSON.parse(cutover.stdout) as { status: string; monorepo: { applied: boolean; commit: string } };
    expect(result.status).toBe("moved");
    expect(api.holders().get(HOST)).toBe(WORKER);
    expect(seen.failures).toEqual([]);
    expect(seen.answeredBy).toEqual(new Set([PLATFORM, WORKER]));
    // the platform's live version came from the cutover commit, and routes the hostname no more
    const platform = api.scripts.get(PLATFORM)!;
    const live = platform.versions.find((v) => v.id === platform.deployments[0]!.versions[0]!.version_id)!;
    expect(result.monorepo.commit.startsWith((live.metadata.annotations as Record<string, string>)["workers/tag"]!)).toBe(true);
    expect(api.routes.filter((r) => r.script === PLATFORM).map((r) => r.pattern)).not.toContain(`${HOST}/*`);
    // the cron and the queue moved with it: the platform let go (its consumer detached), the worker took them
    expect(triggers()).toEqual({ platformCrons: [], workerCrons: [CRON], consumers: [WORKER] });
    expect(await gitText(["rev-parse", "main"], { cwd: dir })).toBe(result.monorepo.commit);
    // the worker's repository routes the hostname now, as the platform held it, and its live
    // version came from that commit
    const repo = join(dir, ".fleet", "forge", "chittyos", `${WORKER}.git`);
    const config = JSON.parse((await gitText(["show", "main:wrangler.jsonc"], { cwd: repo })).replace(/^\/\/.*$/gm, "")) as {
      routes: unknown;
      env: { production: { routes: unknown } };
    };
    const route = [{ pattern: `${HOST}/*`, zone_name: "chitty.cc" }];
    expect([config.routes, config.env.production.routes]).toEqual([route, route]);
    const worker = api.scripts.get(WORKER)!;
    const workerLive = worker.versions.find((v) => v.id === worker.deployments[0]!.versions[0]!.version_id)!;
    expect((await gitText(["rev-parse", "main"], { cwd: repo })).startsWith((workerLive.metadata.annotations as Record<string, string>)["workers/tag"]!)).toBe(
      true,
    );
    // and its own deploy workflow keeps the hostname
    const deployed = await deployAsTheWorkflowDoes(repo, api.env);
    expect(deployed.code, deployed.output).toBe(0);
    expect(api.holders().get(HOST)).toBe(WORKER);
    expect(api.routes.filter((r) => r.pattern === `${HOST}/*`).map((r) => r.script)).toEqual([WORKER]);
    // a second run has nothing to move
    const again = await runFleet(["cutover", "project-initiation", "--json", "--cwd", dir], env);
    expect(JSON.parse(again.stdout).status).toBe("already-moved");
  }, 300_000);

  it("several workers move one after another; the first that cannot stops the rest, untouched", async () => {
    // beacon was never deployed: its cutover is refused, and registry, after it, is not touched
    const both = await runFleet(["cutover", "beacon", "registry", "--json", "--cwd", dir], env);
    expect(both.code, both.stderr).toBe(1);
    expect(JSON.parse(both.stdout)).toEqual({
      workers: [{ worker: "beacon", status: "refused", detail: "beacon is not deployed on Cloudflare, so there is nothing to hand beacon.chitty.cc to" }],
      stoppedAt: "beacon",
      untouched: ["registry"],
    });
    expect(api.holders().get("registry.chitty.cc")).toBe(PLATFORM);
    // registry's hostname has no DNS record: its route serves nothing, and the cutover says what to do, moving nothing
    const unproxied = await runFleet(["cutover", "registry", "--json", "--cwd", dir], env);
    expect(unproxied.code, unproxied.stderr).toBe(1);
    expect(JSON.parse(unproxied.stdout)).toMatchObject({
      status: "failed",
      detail: expect.stringContaining("registry.chitty.cc is routed to chittyos-platform but has no DNS record in chitty.cc"),
    });
    expect(JSON.parse(unproxied.stdout).detail).toContain("add a proxied record");
    expect(api.holders().get("registry.chitty.cc")).toBe(PLATFORM);
    api.addDnsRecord("registry.chitty.cc", { type: "A", content: "192.0.2.10" });
    // in order, registry then beacon: registry moves, verified, then beacon stops the run
    const ordered = await runFleet(["cutover", "registry", "beacon", "--json", "--cwd", dir], env);
    const result = JSON.parse(ordered.stdout) as { workers: { worker: string; status: string }[]; stoppedAt: string; untouched: string[] };
    expect(result.workers.map((w) => [w.worker, w.status])).toEqual([
      ["registry", "moved"],
      ["beacon", "refused"],
    ]);
    expect(result).toMatchObject({ stoppedAt: "beacon", untouched: [] });
    expect(api.holders().get("registry.chitty.cc")).toBe("chittyos-registry-worker");
  }, 300_000);
});
