// A Cloudflare account as a Cloud: wrangler deploys, rolls back and puts secrets; the API (plain
// HTTP, api.ts) is read for everything else — deployments, versions, secret names, who holds
// which hostname, the account's workers.dev subdomain. Every deploy records the repository commit it was
// built from in the version's tag and message, which is how `live()` ties a version to a commit.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { BUILD_OUTPUT, buildBundle, packageCacheIn, buildLogsIn } from "../build.js";
import { uploadConfig } from "./upload-config.js";
import { isWildcardHost } from "../../manifest/routes.js";
import { parseWranglerConfig } from "../../discovery/wrangler-config.js";
import type { Fetcher } from "../../health/check.js";
import type { Cloud, CloudVersion, Deployed, Prepared, VersionSource } from "../cloud.js";
import { specFromConfig } from "../spec.js";
import { d1Levels, d1MigrationsIn } from "../d1-migrations.js";
import { CloudflareApi, CloudflareApiError } from "./api.js";
import { ScriptReads } from "./script-reads.js";
import { missingOnAccount } from "./resource-lookups.js";
import type { ResourceLookup } from "../resources/bound.js";
import type { CloudflareAccess } from "./credentials.js";
import { Wrangler, type CloudflareVersion } from "./wrangler.js";

// Cloudflare's API description allows a version's tag 20 characters and its message 50: the tag
// carries the commit's first 20 hex digits (80 bits: unambiguous in any repository), the message
// its subject.
const MESSAGE_LIMIT = 50;
/** A placeholder version's message (it has no tag: no commit stands behind it). */
export const PLACEHOLDER_MESSAGE = "fleet placeholder: answers 503 until deployed";
const TAG_LIMIT = 20;
/** The upload's config, written in a folder of fleet's. */
const UPLOAD_CONFIG = "wrangler.json";

export class CloudflareCloud implements Cloud {
  readonly kind = "cloudflare" as const;
  readonly wrangler: Wrangler;
  readonly api: CloudflareApi;
  private readonly reads: ScriptReads;
  readonly fetch: Fetcher;
  private subdomain?: Promise<string>;

  constructor(
    readonly access: CloudflareAccess,
    readonly workDir: string,
  ) {
    this.wrangler = new Wrangler(access);
    this.api = new CloudflareApi(access);
    this.reads = new ScriptReads(this.api, access.accountId);
    this.fetch = edgeFetcher(access.edgeUrl);
  }

  /** A script answering 503, named as a placeholder: Cloudflare refuses a service binding to a script that does not exist (10143). */
  async placeholder(script: string): Promise<boolean> {
    await mkdir(this.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.workDir, `placeholder-${script}-`));
    try {
      await writeFile(
        join(dir, "wrangler.jsonc"),
        JSON.stringify({ name: script, main: "index.js", compatibility_date: "2025-09-01", workers_dev: false }, null, 2),
      );
      const body = `placeholder of ${script}, deployed by worker-fleet so that a worker binding it could deploy first; its own code replaces it at its deploy`;
      const init = `{ status: 503, headers: { "x-fleet-placeholder": ${JSON.stringify(script)} } }`;
      await writeFile(join(dir, "index.js"), `export default { fetch: () => new Response(${JSON.stringify(body)}, ${init}) };\n`);
      await this.wrangler.deploy(dir, { config: "wrangler.jsonc" }, { message: PLACEHOLDER_MESSAGE });
      return true;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Builds the worker without credentials (build.ts), so that the upload runs nothing of the
   * repository's. An environment the config does not declare is the top level, as wrangler deploys it.
   */
  async prepare(checkout: string, config: string, environment?: string): Promise<Prepared> {
    const parsed = parseWranglerConfig(await readFile(join(checkout, config), "utf8"), config);
    const declared = environment && (parsed.raw.env as Record<string, unknown> | undefined)?.[environment] ? environment : undefined;
    const spec = specFromConfig(parsed, declared);
    const d1 = await d1MigrationsIn(checkout, config, declared);
    if (d1.length) spec.d1Migrations = d1Levels(d1);
    const build = { ...(declared ? { environment: declared } : {}), packageCache: packageCacheIn(this.workDir), logs: buildLogsIn(this.workDir) };
    const bundle = await buildBundle(checkout, config, join(checkout, BUILD_OUTPUT), build);
    return { checkout, config, ...(declared ? { environment: declared } : {}), spec, bundle };
  }

  async deploy(prepared: Prepared, source: VersionSource, secrets?: Record<string, string>): Promise<Deployed> {
    const outdir = prepared.bundle?.outdir;
    if (!outdir) throw new Error(`${prepared.spec.script} was prepared without a build`);
    await mkdir(this.workDir, { recursive: true });
    const annotate = { tag: source.commit.slice(0, TAG_LIMIT), message: source.message.slice(0, MESSAGE_LIMIT) };
    // wrangler starts in a folder of fleet's, with a config that uploads what was built (upload-config.ts)
    const dir = await mkdtemp(join(this.workDir, "upload-"));
    try {
      const raw = parseWranglerConfig(await readFile(join(prepared.checkout, prepared.config), "utf8"), prepared.config).raw;
      const configDir = resolve(prepared.checkout, dirname(prepared.config));
      await writeFile(join(dir, UPLOAD_CONFIG), JSON.stringify(uploadConfig(raw, configDir, outdir, prepared.environment), null, 2));
      const target = { config: UPLOAD_CONFIG, ...(prepared.environment ? { environment: prepared.environment } : {}) };
      // the schema first: the new version's queries meet the tables they were written for
      for (const binding of Object.keys(prepared.spec.d1Migrations ?? {})) await this.wrangler.applyD1Migrations(dir, target, binding);
      return await this.deployed(prepared, source, await this.wrangler.deploy(dir, target, annotate, secrets));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async deployed(prepared: Prepared, source: VersionSource, result: { script: string; versionId: string }): Promise<Deployed> {
    const listed = await this.reads.version(result.script, result.versionId).catch(() => undefined);
    const version = listed
      ? versionOf(listed)
      : {
          id: result.versionId,
          number: 0,
          createdAt: new Date().toISOString(),
          source: { repository: source.repository, commit: source.commit, message: source.message },
        };
    // what it holds now: a hostname whose route another script holds (a route wins over a custom
    // domain) is not its own yet, so it answers on workers.dev until the cutover
    const held = await this.hostnames();
    const routes = prepared.spec.routes.filter((h) => held.get(h) === result.script);
    const refused = prepared.spec.routes.filter((h) => held.has(h) && held.get(h) !== result.script).map((host) => ({ host, holder: held.get(host)! }));
    // a wildcard route is no hostname to ask: the worker answers on its workers.dev name too
    return { script: result.script, version, routes, refused, host: routes.find((h) => !isWildcardHost(h)) ?? (await this.workersDevHost(result.script)) };
  }

  /** Looked up through the API, one listing per kind: Cloudflare would find them one at a time, mid-deploy. */
  missingResources(resources: readonly ResourceLookup[]): Promise<ResourceLookup[]> {
    return missingOnAccount(this.api, this.access.accountId, resources);
  }

  async live(script: string): Promise<CloudVersion | undefined> {
    const deployments = await this.reads.deployments(script).catch(notDeployed);
    const current = liveVersionId(deployments[0]);
    if (!current) return undefined;
    const listed = await this.reads.version(script, current).catch(() => undefined);
    return listed ? versionOf(listed) : { id: current, number: 0, createdAt: deployments[0]!.createdOn };
  }

  async versions(script: string): Promise<CloudVersion[]> {
    return (await this.reads.versions(script).catch(notDeployed)).map(versionOf);
  }

  async rollback(script: string, to?: string, reason?: string): Promise<{ from: string; to: string }> {
    const deployments = await this.reads.deployments(script);
    const current = liveVersionId(deployments[0]);
    if (!current) throw new Error(`${script} has no deployment on Cloudflare`);
    const target = to ?? deployments.map(liveVersionId).find((v) => v && v !== current);
    if (!target) throw new Error(`${script} has only ever had one version live; there is nothing earlier to roll back to`);
    await this.wrangler.rollback({ name: script }, target, (reason ?? `fleet rollback of ${script}`).slice(0, MESSAGE_LIMIT));
    return { from: current, to: target };
  }

  hostnames(): Promise<Map<string, string>> {
    return this.api.hostnames();
  }

  secretNames(script: string): Promise<string[]> {
    return this.reads.secretNames(script).catch(notDeployed);
  }

  async workersDevHost(script: string): Promise<string> {
    this.subdomain ??= this.api.subdomain();
    return `${script}.${await this.subdomain}.workers.dev`;
  }

  async settle(): Promise<void> {}

  async dispose(): Promise<void> {}
}

/** The version a deployment serves: the one at the highest percentage (100% after a plain deploy). */
function liveVersionId(deployment: { versions: { versionId: string; percentage: number }[] } | undefined): string | undefined {
  return deployment?.versions.reduce<{ versionId: string; percentage: number } | undefined>(
    (best, v) => (!best || v.percentage > best.percentage ? v : best),
    undefined,
  )?.versionId;
}

/**
 * A version with the commit fleet recorded, when it did: the commit's first 20 hex digits in the
 * tag (an earlier fleet wrote the whole commit at the head of the message).
 */
function versionOf(v: CloudflareVersion): CloudVersion {
  const old = /^([0-9a-f]{40}) ?(.*)$/s.exec(v.message ?? "");
  if (old) return { id: v.id, number: v.number, createdAt: v.createdOn, source: { commit: old[1]!, message: old[2]! } };
  const tagged = v.tag && /^[0-9a-f]{20}$/.test(v.tag);
  return { id: v.id, number: v.number, createdAt: v.createdOn, ...(tagged ? { source: { commit: v.tag!, message: v.message ?? "" } } : {}) };
}

/** A script that does not exist has no versions, deployments or secrets (Cloudflare says 10007). */
function notDeployed(error: Error): never[] {
  if ((error instanceof CloudflareApiError && error.codes.includes(10007)) || /10007|does not exist/i.test(error.message)) return [];
  throw error;
}

/**
 * `https://<hostname>/…` over the internet, or through an edge that answers for every hostname
 * (the API stand-in's), which is told the hostname in X-Forwarded-Host.
 */
function edgeFetcher(edgeUrl: string | undefined): Fetcher {
  if (!edgeUrl) return (url, init) => fetch(url, init);
  return (url, init) => {
    const target = new URL(url);
    const headers = new Headers((init as RequestInit | undefined)?.headers);
    headers.set("x-forwarded-host", target.host);
    headers.set("x-forwarded-proto", target.protocol.slice(0, -1));
    return fetch(new URL(`${target.pathname}${target.search}`, edgeUrl), { ...init, headers });
  };
}
