// A wildcard route on a Cloudflare account (the API stand-in and its edge): a Workers Route's
// pattern is the pattern, so the cutover hands `*.sites.example.test/*` itself to the worker in one
// write — every site under it answered by the worker after — checks health on the probe host the
// manifest names, and never takes a wildcard as a custom domain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { CloudflareCloud } from "../../src/cloud/cloudflare/cloudflare-cloud.js";
import { cloudflareCredentials } from "../../src/cloud/cloudflare/credentials.js";
import { hostnameReadiness } from "../../src/cloud/cloudflare/hostname-readiness.js";
import { moveRouteOnCloudflare } from "../../src/cutover/move-route-cloudflare.js";
import type { RouteMove } from "../../src/cutover/move-route.js";
import { HEALTH_ENDPOINT } from "../../src/health/probe.js";
import { tempDir } from "../helpers/tmp.js";
import { SITES_HOST, SITES_PATTERN } from "../corpus/wildcard-routes.js";
import { CloudflareStandIn } from "./cloudflare-stand-in.js";

const WORKER = "example-sites-worker";
const PLATFORM = "example-platform";

describe("a wildcard route on a Cloudflare account", () => {
  let cf: CloudflareStandIn;
  let cloud: CloudflareCloud;
  let move: RouteMove;

  beforeAll(async () => {
    cf = await new CloudflareStandIn("5a6b7c8d9e0f11223344556677889900", "cf-wildcard-token-1618033988", ["example.test", "bare.test"]).start();
    cf.addDnsRecord("*.example.test"); // the zone's proxied wildcard: every site under it reaches a route
    cf.deployedElsewhere(WORKER);
    cf.scripts.get(WORKER)!.workersDev = true;
    // the platform holds the pattern (it is not deployed on this account: nothing of it to redeploy)
    cf.routes.push({ id: randomUUID().replaceAll("-", ""), zoneId: cf.zones.get("example.test")!, pattern: SITES_PATTERN, script: PLATFORM });
    const dir = await tempDir("fleet-cf-wildcard-");
    cloud = new CloudflareCloud(cloudflareCredentials(cf.env), dir);
    move = {
      monorepo: dir,
      branch: "fleet/cutover/sites",
      platform: PLATFORM,
      worker: WORKER,
      hosts: [SITES_HOST],
      health: { timeoutMs: 5000, retries: 1, backoffMs: 50 },
      probe: HEALTH_ENDPOINT,
      probeHost: "a.sites.example.test",
    };
  });
  afterAll(async () => {
    await cf.stop();
    expect(cf.violations).toEqual([]);
  });

  it("reads who holds the pattern, and that it can be handed over as the route it is", async () => {
    expect((await cloud.hostnames()).get(SITES_HOST)).toBe(PLATFORM);
    const [ready] = await hostnameReadiness(cloud.api, [SITES_HOST]);
    expect(ready).toMatchObject({ host: SITES_HOST, zone: { name: "example.test" }, dns: "proxied", take: "hand-over", holding: { pattern: SITES_PATTERN } });
    expect(ready!.problem).toBeUndefined();
  });

  it("never takes a wildcard nobody holds as a custom domain: without a proxied record it says what to do", async () => {
    const [bare] = await hostnameReadiness(cloud.api, ["*.sites.bare.test"]);
    expect(bare!.take).toBeUndefined();
    expect(bare!.problem).toContain("*.sites.bare.test has no DNS record in bare.test");
    expect(bare!.problem).toContain("a custom domain cannot be a wildcard");
  });

  it("hands the pattern itself to the worker in one write; every site is the worker's after; health asks the probe host", async () => {
    const result = await moveRouteOnCloudflare(cloud, move);
    expect(result.status, result.detail).toBe("moved");
    expect(result.steps[0]).toBe(`${SITES_HOST} handed from ${PLATFORM} to ${WORKER} (route ${SITES_PATTERN} reassigned)`);
    expect(cf.routes.map((r) => [r.pattern, r.script])).toEqual([[SITES_PATTERN, WORKER]]);
    expect(result.health!.map((h) => [h.url, h.state])).toEqual([["https://a.sites.example.test/health", "up"]]);
    expect(result.routes).toEqual([{ pattern: SITES_PATTERN, zone_name: "example.test" }]);
    for (const site of ["a.sites.example.test", "b.sites.example.test"]) {
      const answer = await cloud.fetch(`https://${site}/`, { signal: AbortSignal.timeout(10_000) });
      expect(await answer.json()).toEqual({ status: "ok", service: WORKER });
    }
    // a second run finds it moved
    expect((await moveRouteOnCloudflare(cloud, move)).status).toBe("already-moved");
  });

  it("without a probe host, asks the worker's workers.dev name", async () => {
    const { probeHost: _p, ...plain } = move;
    const result = await moveRouteOnCloudflare(cloud, plain);
    expect(result.health!.map((h) => h.url)).toEqual([`https://${WORKER}.fleet-stand-in.workers.dev/health`]);
  });
});
