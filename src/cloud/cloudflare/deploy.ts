// `fleet deploy` against a Cloudflare account: in dependency order, each worker's dependencies
// must answer healthy on their hostnames first; then its checkout is deployed with wrangler, its
// own /health is checked, and an unhealthy new version is rolled back to the one that was live.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { checkHealth, type Fetcher, type HealthOptions } from "../../health/check.js";
import { configFileIn, prepareCheckout } from "../build.js";
import { buildDir, checkout, type DeployOutcome, type DeployTarget } from "../deploy.js";
import type { CloudflareCloud } from "./cloudflare-cloud.js";

export interface CloudflareDeployOptions {
  cloud: CloudflareCloud;
  /** The wrangler environment (production unless said). */
  environment: string;
  /** Where checkouts and the package cache go (.fleet/cloudflare). */
  workDir: string;
  health: Required<Omit<HealthOptions, "expect">>;
  fetcher: Fetcher;
  onEvent?: (message: string) => void;
}

export async function deployToCloudflare(targets: DeployTarget[], options: CloudflareDeployOptions): Promise<DeployOutcome[]> {
  const outcomes = new Map<string, DeployOutcome>();
  for (const target of targets) {
    const failed = target.dependsOn.find((d) => outcomes.get(d) && outcomes.get(d)!.status !== "deployed");
    if (failed) {
      outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${failed} was not deployed healthy` });
      continue;
    }
    const waitFor = [
      ...target.dependsOn.flatMap((d) => {
        const dep = targets.find((t) => t.id === d);
        return dep?.healthUrl ? [{ url: dep.healthUrl, expect: dep.health }] : [];
      }),
      ...(target.externalHealthUrls ?? []).map((url) => ({ url, expect: undefined })),
    ];
    let unhealthy: string | undefined;
    for (const { url, expect } of waitFor) {
      const health = await checkHealth(options.fetcher, url, { ...options.health, ...(expect ? { expect } : {}) });
      if (health.state !== "up") unhealthy ??= `${url} (${health.error?.message ?? health.state})`;
    }
    if (unhealthy) {
      outcomes.set(target.id, { id: target.id, script: target.script, status: "skipped", detail: `dependency ${unhealthy} never answered healthy` });
      continue;
    }
    const dir = await buildDir(options.workDir, target.script);
    try {
      await checkout(target.repository, target.branch, dir, target.gitEnv);
      await prepareCheckout(dir, join(options.workDir, "packages"));
      const config = target.config ?? configFileIn(dir);
      if (!config) throw new Error(`no wrangler config in ${target.repository}`);
      const where = { config, environment: options.environment };
      // The version live now, to go back to (none for a worker's first deploy).
      const live = await options.cloud.deployments(dir, where).then((d) => d[0]?.versions[0]?.versionId, () => undefined);
      options.onEvent?.(`deploying ${target.id} with wrangler`);
      const deployed = await options.cloud.deploy(dir, where);
      if (!target.healthUrl) {
        outcomes.set(target.id, { id: target.id, script: deployed.script, status: "deployed", detail: `version ${deployed.versionId}; no hostname to check` });
        continue;
      }
      const health = await checkHealth(options.fetcher, target.healthUrl, { ...options.health, ...(target.health ? { expect: target.health } : {}) });
      if (health.state === "up") {
        outcomes.set(target.id, { id: target.id, script: deployed.script, status: "deployed", health, detail: `version ${deployed.versionId}` });
        continue;
      }
      let detail = `version ${deployed.versionId} is ${health.state} at ${target.healthUrl}`;
      if (live) {
        await options.cloud.rollback(dir, where, live, `fleet: health check failed after deploying ${deployed.versionId}`);
        detail += `; rolled back to ${live}`;
      }
      outcomes.set(target.id, { id: target.id, script: deployed.script, status: "failed", health, detail });
    } catch (error) {
      outcomes.set(target.id, { id: target.id, script: target.script, status: "failed", detail: (error as Error).message.split("\n").slice(0, 4).join(" ") });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return targets.map((t) => outcomes.get(t.id)!);
}
