// Slow suite (npm run test:slow): every extracted worker of both example layouts builds from
// its clone with wrangler, answers /health in workerd, and passes its Vitest integration test.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorker } from "../helpers/check-worker.js";
import { boundedMap } from "../../src/concurrency/bounded.js";
import { carvedFleet, cloneWorker } from "../repos/extracted.fixture.js";

for (const layout of ["router", "directories"] as const) {
  describe(`every extracted worker of the ${layout} example`, () => {
    it("builds alone, answers /health in workerd, and passes its integration test", async () => {
      const fleet = await carvedFleet(layout, 300);
      expect(fleet.create.code, fleet.create.stderr).toBe(0);
      expect(fleet.sync.code, fleet.sync.stdout).toBe(0);
      const failures: string[] = [];
      await boundedMap(fleet.example.truth.services, 2, async (service) => {
        const clone = await cloneWorker(fleet.dir, `chittyos-${service.id}-worker`);
        const configFile = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"].find((f) => existsSync(join(clone, f)))!;
        const check = await checkWorker(clone, { host: service.domain, configFile, tests: true });
        const body = check.health?.body as { status?: string } | undefined;
        if (!check.built || check.error) failures.push(`${service.id}: ${check.built ? "" : "build failed: "}${check.error}`);
        else if (check.health?.status !== 200 || body?.status !== "ok") failures.push(`${service.id}: /health answered ${check.health?.status} ${JSON.stringify(check.health?.body)}`);
        else if (!check.tests?.passed) failures.push(`${service.id}: integration test failed: ${check.tests?.output}`);
      });
      expect(failures).toEqual([]);
    }, 1_800_000);
  });
}
