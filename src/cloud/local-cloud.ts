// The local cloud as a Cloud: versions and hostnames in the store under .fleet/cloud, bundles
// built by wrangler ahead of the deploy, and every active version served by one workerd that
// starts on the first request and reloads after a batch of deploys.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { isWildcardHost } from "../manifest/routes.js";
import { BUILD_OUTPUT, buildBundle, packageCacheIn, buildLogsIn } from "./build.js";
import type { Cloud, CloudVersion, Deployed, Prepared, VersionSource } from "./cloud.js";
import { localRuntime, WORKERS_DEV, type LocalRuntime, type RuntimeOptions } from "./runtime.js";
import { specFromConfig } from "./spec.js";
import { d1Levels, d1MigrationsIn } from "./d1-migrations.js";
import { applyLocalD1Migrations } from "./local-d1.js";
import { LocalCloudStore, type VersionRecord } from "./store.js";

export class LocalCloud implements Cloud {
  readonly kind = "local" as const;
  private runtime: LocalRuntime;

  /** `persist: false` serves without the persisted KV/D1/R2 state (reading creates nothing); `only`: just those scripts and what they bind. */
  constructor(
    readonly store: LocalCloudStore,
    options: RuntimeOptions = {},
  ) {
    this.runtime = localRuntime(store, options);
  }

  static at(monorepo: string, options: RuntimeOptions = {}): LocalCloud {
    return new LocalCloud(LocalCloudStore.at(monorepo), options);
  }

  get workDir(): string {
    return this.store.root;
  }

  readonly fetch = (url: string, init?: { signal?: AbortSignal }): Promise<Response> => this.runtime.fetch(url, init);

  async prepare(checkout: string, config: string, environment?: string): Promise<Prepared> {
    const parsed = parseWranglerConfig(await readFile(join(checkout, config), "utf8"), config);
    const declared = environment && (parsed.raw.env as Record<string, unknown> | undefined)?.[environment] ? environment : undefined;
    const bundle = await buildBundle(checkout, config, join(checkout, BUILD_OUTPUT), {
      ...(declared ? { environment: declared } : {}),
      packageCache: packageCacheIn(this.workDir),
      logs: buildLogsIn(this.workDir),
    });
    const spec = specFromConfig(parsed, environment);
    const d1 = await d1MigrationsIn(checkout, config, environment);
    if (d1.length) spec.d1Migrations = d1Levels(d1);
    return { checkout, config, ...(environment ? { environment } : {}), spec, bundle };
  }

  async deploy(prepared: Prepared, source: VersionSource): Promise<Deployed> {
    if (!prepared.bundle) throw new Error(`${prepared.spec.script} was prepared without a bundle`);
    // the schema first: the new version's queries meet the tables they were written for
    if (prepared.spec.d1Migrations) await applyLocalD1Migrations(this.store, await d1MigrationsIn(prepared.checkout, prepared.config, prepared.environment));
    const result = await this.store.deploy(prepared.spec, prepared.bundle, source, { routes: "available" });
    const version = versionOf(await this.store.version(result.script, result.version));
    // a wildcard route is no hostname to ask: the worker answers on its workers.dev name too
    const host = result.routes.find((h) => !isWildcardHost(h)) ?? `${result.script}.${WORKERS_DEV}`;
    return { script: result.script, version, routes: result.routes, refused: result.refused, host };
  }

  async placeholder(): Promise<boolean> {
    return false; // the runtime binds an undeployed worker to a 503 stand-in (runtime.ts)
  }

  async live(script: string): Promise<CloudVersion | undefined> {
    const entry = (await this.store.state()).workers[script];
    return entry ? versionOf(await this.store.version(script, entry.active)) : undefined;
  }

  async versions(script: string): Promise<CloudVersion[]> {
    return (await this.store.versions(script)).map(versionOf);
  }

  async rollback(script: string, to?: string): Promise<{ from: string; to: string }> {
    const number = to === undefined ? undefined : Number(to.replace(/^v/, ""));
    if (number !== undefined && !Number.isInteger(number)) throw new Error(`${to} is not a version of the local cloud (they are numbers: 3 or v3)`);
    if (number === undefined && ((await this.store.state()).workers[script]?.active ?? 0) <= 1)
      throw new Error(`${script} is at its first version; there is nothing earlier to roll back to`);
    const result = await this.store.rollback(script, number);
    return { from: String(result.from), to: String(result.to) };
  }

  async hostnames(): Promise<Map<string, string>> {
    return new Map(Object.entries((await this.store.state()).routes));
  }

  /** The local cloud keeps no runtime secrets: a worker reads what its vars say. */
  async secretNames(): Promise<string[]> {
    return [];
  }

  async workersDevHost(script: string): Promise<string> {
    return `${script}.${WORKERS_DEV}`;
  }

  settle(): Promise<void> {
    return this.runtime.reload();
  }

  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}

function versionOf(record: VersionRecord): CloudVersion {
  return { id: String(record.version), number: record.version, createdAt: record.createdAt, source: record.source };
}
