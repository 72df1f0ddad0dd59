// fleet status on a Cloudflare account (the API stand-in and its edge): what it reports for every
// worker — the live version and the commit it came from, the hostnames its script holds, its
// runtime secrets by name, its health through the hostname — is what the account holds, read
// back from the stand-in's own state, and nothing else.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wrangler } from "../../src/cloud/cloudflare/wrangler.js";
import { generateExample } from "../../src/example/index.js";
import { gitText } from "../../src/git/git.js";
import type { WorkerInCloud, WorkerStatus } from "../../src/checklist/steps.js";
import { setManifest } from "../forge/github-fixture.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const WORKERS = ["registry", "beacon", "mail", "analytics"];
const SENDGRID = "SG.status-value-1414213562";

describe("fleet status on Cloudflare", () => {
  let api: CloudflareStandIn;
  let dir: string;

  beforeAll(async () => {
    api = await new CloudflareStandIn("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "cf-status-token-3141592653").start();
    dir = join(await tempDir("fleet-cf-status-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 40 });
    // the KV namespaces and D1 databases the example binds, made on the account as a team would have
    api.resources.seedFromFile(join(dir, "wrangler.toml"));
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    for (const command of ["create", "sync"]) {
      const result = await runFleet([command, ...WORKERS, "--cwd", dir], IDENTITY);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    await setManifest(dir, ["providers", "cloud"], "cloudflare");
  }, 180_000);
  afterAll(async () => {
    await api.stop();
    // every request it received was one Cloudflare's OpenAPI description allows
    expect(api.violations).toEqual([]);
  });

  it("reports for every worker what the account holds, and differs from it in nothing", async () => {
    // three deployed through fleet (the commit recorded; mail's key from the environment goes up
    // with its version), one secret put on one of them by hand
    const deploy = await runFleet(["deploy", "registry", "beacon", "mail", "--json", "--cwd", dir], { ...IDENTITY, ...api.env, SENDGRID_API_KEY: SENDGRID });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout + deploy.stderr).not.toContain(SENDGRID);
    await new Wrangler({ apiToken: api.token, accountId: api.accountId, apiBaseUrl: api.baseUrl }).putSecrets(
      { name: "chittyos-beacon-worker" },
      { BEACON_KEY: "beacon-value-271828" },
    );
    // a deploy from a worker's repository claims no hostname before its cutover
    expect(api.holders().size).toBe(0);
    // beacon's hostname, which nobody holds (the platform is not on this account) and which has no
    // DNS record, is taken by its worker as a custom domain; its repository's config routes it
    // from then on, and the worker is deployed from that commit
    const cutover = await runFleet(["cutover", "beacon", "--json", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0);
    const moved = JSON.parse(cutover.stdout) as { status: string; steps: string[]; repository: { routes: string; file: string } };
    expect(moved.status).toBe("moved");
    expect(moved.steps).toEqual(
      expect.arrayContaining([
        "beacon.chitty.cc, held by nobody, taken by chittyos-beacon-worker (custom domain attached: the hostname had no DNS record)",
        "chittyos-platform is not deployed on this account: nothing to redeploy",
      ]),
    );
    expect(moved.repository).toMatchObject({ routes: "committed", file: "wrangler.jsonc" });
    const beaconRepo = join(dir, ".fleet", "forge", "chittyos", "chittyos-beacon-worker.git");
    const config = JSON.parse((await gitText(["show", "main:wrangler.jsonc"], { cwd: beaconRepo })).replace(/^\/\/.*$/gm, "")) as {
      routes: unknown;
      env: { production: { routes: unknown } };
    };
    expect(config.routes).toEqual([{ pattern: "beacon.chitty.cc", custom_domain: true }]);
    expect(config.env.production.routes).toEqual([{ pattern: "beacon.chitty.cc", custom_domain: true }]);
    expect(api.holders()).toEqual(new Map([["beacon.chitty.cc", "chittyos-beacon-worker"]]));

    const result = await runFleet(["status", ...WORKERS, "--json", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("beacon-value-271828");
    const status = JSON.parse(result.stdout) as { cloud: { kind: string; error?: string }; workers: WorkerStatus[] };
    expect(status.cloud).toEqual({ kind: "cloudflare" });

    // the account, read from the stand-in's own state
    const holders = api.holders();
    const expected = (id: string): WorkerInCloud => {
      const script = `chittyos-${id}-worker`;
      const s = api.scripts.get(script);
      const liveId = s?.deployments[0]?.versions[0]?.version_id;
      const live = s?.versions.find((v) => v.id === liveId);
      const tag = (live?.metadata.annotations as Record<string, string> | undefined)?.["workers/tag"];
      return {
        kind: "cloudflare",
        script,
        live: live ? { id: live.id, number: live.number, commit: tag ?? null } : null,
        hostnames: [...holders]
          .filter(([, holder]) => holder === script)
          .map(([host]) => host)
          .sort(),
        secrets: s ? [...s.secrets].sort() : [],
      };
    };
    expect(Object.fromEntries(status.workers.map((w) => [w.id, w.cloud]))).toEqual(Object.fromEntries(WORKERS.map((id) => [id, expected(id)])));

    // and that is what fleet deployed: each repository's main, healthy on the hostname it holds
    // (beacon, cut over) or else on its workers.dev name
    for (const id of ["registry", "beacon", "mail"]) {
      const worker = status.workers.find((w) => w.id === id)!;
      const main = await gitText(["rev-parse", "main"], { cwd: join(dir, ".fleet", "forge", "chittyos", `chittyos-${id}-worker.git`) });
      // the commit's first 20 hex digits, the most a version's tag holds
      expect(worker.cloud!.live!.commit).toBe(main.slice(0, 20));
      expect(worker.cloud!.hostnames).toEqual(id === "beacon" ? ["beacon.chitty.cc"] : []);
      expect(worker.steps.find((s) => s.step === "deployed")).toMatchObject({ state: "done" });
      expect(worker.health).toMatchObject({
        state: "up",
        url: id === "beacon" ? "https://beacon.chitty.cc/health" : `https://chittyos-${id}-worker.fleet-stand-in.workers.dev/health`,
      });
    }
    expect(status.workers.find((w) => w.id === "beacon")!.cloud!.secrets).toEqual(["BEACON_KEY"]);
    expect(status.workers.find((w) => w.id === "mail")!.cloud!.secrets).toEqual(["SENDGRID_API_KEY"]);
    const analytics = status.workers.find((w) => w.id === "analytics")!;
    expect(analytics.cloud).toMatchObject({ live: null, hostnames: [], secrets: [] });
    expect(analytics.steps.find((s) => s.step === "deployed")).toMatchObject({ state: "missing", evidence: "chittyos-analytics-worker is not deployed" });
  }, 300_000);

  it("fleet plan on Cloudflare shows who holds each hostname, its DNS, and how its worker would get it", async () => {
    api.addDnsRecord("mail.chitty.cc", { type: "CNAME", content: "mail.example.net", proxied: false });
    api.addDnsRecord("registry.chitty.cc");
    const result = await runFleet(["plan", "--json", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(result.code, result.stderr).toBe(0);
    const hostnames = (
      JSON.parse(result.stdout) as {
        cloud: {
          kind: string;
          hostnames: { host: string; worker: string; holder: string | null; as: string | null; dns: string; move: string; problem?: string }[];
        };
      }
    ).cloud.hostnames;
    // every one as the account holds it
    const holders = api.holders();
    expect(hostnames.length).toBeGreaterThan(30);
    for (const h of hostnames) expect(h.holder, h.host).toBe(holders.get(h.host) ?? null);
    const of = (host: string) => hostnames.find((h) => h.host === host);
    expect(of("beacon.chitty.cc")).toEqual({
      host: "beacon.chitty.cc",
      worker: "beacon",
      holder: "chittyos-beacon-worker",
      as: "domain",
      dns: "none",
      move: "moved",
    });
    expect(of("registry.chitty.cc")).toMatchObject({ holder: null, dns: "proxied", move: "route" });
    expect(of("analytics.chitty.cc")).toMatchObject({ holder: null, dns: "none", move: "domain" });
    expect(of("mail.chitty.cc")).toMatchObject({ holder: null, dns: "dns-only", move: "blocked", problem: expect.stringContaining("turn its proxy on") });
    const text = await runFleet(["plan", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(text.stdout).toContain("Hostnames on Cloudflare, as the account holds them now:");
    expect(text.stdout).toMatch(/^beacon\.chitty\.cc\s+beacon\s+chittyos-beacon-worker\s+domain\s+none\s+its worker's$/m);
    expect(text.stderr).toContain("mail.chitty.cc has a DNS-only record in chitty.cc (CNAME mail.example.net)");
  }, 120_000);

  it("fleet cutover's dry run reads the account: who holds each hostname, and whether the worker is deployed there (exit 2, nothing changed)", async () => {
    const before = JSON.stringify([...api.holders()]);
    const dry = await runFleet(["cutover", "analytics", "--dry-run", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("analytics is not deployed on Cloudflare");
    expect(dry.stderr).not.toMatch(/\n\s+at /);
    // beacon holds its custom domain since its cutover
    const beacon = await runFleet(["cutover", "beacon", "--dry-run", "--json", "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(beacon.code, beacon.stderr).toBe(0);
    expect(JSON.parse(beacon.stdout)).toMatchObject({ dryRun: true, route: "already held by the worker" });
    expect(JSON.stringify([...api.holders()])).toBe(before);
  }, 120_000);

  it("fleet deploy --secrets-file: the values come from the file, go up with the version, and appear nowhere else", async () => {
    const value = "SG.from-the-file-2718281828";
    const file = join(dir, "..", "runtime.env");
    await writeFile(file, `# runtime secrets\nSENDGRID_API_KEY=${value}\n`);
    const from = api.requests.length;
    const deployed = await runFleet(["deploy", "mail", "--secrets-file", file, "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout + deployed.stderr).not.toContain(value);
    // the upload of mail's new version carried it (the stand-in keeps names only)
    const uploads = api.requests.slice(from).filter((r) => /\/workers\/scripts\/chittyos-mail-worker(\/versions)?$/.test(r.path) && r.method !== "GET");
    expect(uploads.some((r) => r.body.includes(value))).toBe(true);
    expect([...api.scripts.get("chittyos-mail-worker")!.secrets]).toEqual(["SENDGRID_API_KEY"]);
    // a file that is not there: exit 2, one line, nothing deployed
    const before = api.scripts.get("chittyos-mail-worker")!.versions.length;
    const missing = await runFleet(["deploy", "mail", "--secrets-file", join(dir, "nope.env"), "--cwd", dir], { ...IDENTITY, ...api.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the secrets file");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(api.scripts.get("chittyos-mail-worker")!.versions.length).toBe(before);
  }, 180_000);

  it("says when the account cannot be read, rather than reporting an empty cloud", async () => {
    const result = await runFleet(["status", "registry", "--json", "--cwd", dir], { ...IDENTITY, ...api.env, CLOUDFLARE_API_TOKEN: "cf-wrong-token-000000" });
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as { cloud: { kind: string; error?: string } };
    expect(status.cloud.kind).toBe("cloudflare");
    expect(status.cloud.error).toMatch(/cannot read the cloudflare cloud: .*Authentication error/);
    expect(result.stdout).not.toContain("cf-wrong-token-000000");
  }, 120_000);
});
