// The local cloud's state under <monorepo>/.fleet/cloud: every deployed version of every worker
// (bundle and metadata), which version is active, and which worker holds which hostname.
// A hostname held by another worker is refused, naming the holder, as Cloudflare refuses it.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";
import type { Bundle, BundleModule } from "./build.js";
import { isBinary, type ModuleType } from "./module-types.js";
import { RouteConflict, type VersionSource } from "./cloud.js";
import type { WorkerSpec } from "./spec.js";
import { objectsAfterDeploy, objectsAfterUndo, ObjectsRefused, transfersCrossed, type ObjectState } from "./objects.js";

export { RouteConflict, type VersionSource };

/** A deploy or rollback refused because another script consumes one of its queues already. */
export class QueueConsumerConflict extends Error {
  constructor(
    readonly script: string,
    readonly refused: { queue: string; consumer: string }[],
  ) {
    const list = refused.map((r) => `${r.queue} is consumed by ${r.consumer}`).join("; ");
    super(`${script} cannot consume: ${list} (a queue has one consumer; the other lets go first)`);
    this.name = "QueueConsumerConflict";
  }
}

export interface VersionRecord {
  version: number;
  createdAt: string;
  source: VersionSource;
  spec: WorkerSpec;
  main: string;
  modules: string[];
  /** Each module's type where it is not plain JavaScript (Text, Data, CompiledWasm…), by name. */
  types?: Record<string, ModuleType>;
}

export interface CloudState extends ObjectState {
  workers: Record<string, { active: number; latest: number }>;
  /** hostname → the script holding it */
  routes: Record<string, string>;
}

export interface DeployResult {
  script: string;
  version: number;
  /** Hostnames claimed now. */
  routes: string[];
  /** Hostnames it asked for that another worker holds (not claimed). */
  refused: { host: string; holder: string }[];
}

export class LocalCloudStore {
  constructor(readonly root: string) {}

  static at(monorepo: string): LocalCloudStore {
    return new LocalCloudStore(join(monorepo, ".fleet", "cloud"));
  }

  get stateFile(): string {
    return join(this.root, "state.json");
  }

  async state(): Promise<CloudState> {
    if (!existsSync(this.stateFile)) return { workers: {}, routes: {} };
    return JSON.parse(await readFile(this.stateFile, "utf8")) as CloudState;
  }

  private versionDir(script: string, version: number): string {
    return join(this.root, "scripts", script, `v${version}`);
  }

  async version(script: string, version: number): Promise<VersionRecord> {
    return JSON.parse(await readFile(join(this.versionDir(script, version), "meta.json"), "utf8")) as VersionRecord;
  }

  async modules(script: string, version: number): Promise<BundleModule[]> {
    const meta = await this.version(script, version);
    return Promise.all(
      meta.modules.map(async (name) => {
        const type = meta.types?.[name] ?? (name.endsWith(".wasm") ? "CompiledWasm" : "ESModule");
        const path = join(this.versionDir(script, version), "modules", name);
        return { name, type, contents: isBinary(type) ? new Uint8Array(await readFile(path)) : await readFile(path, "utf8") };
      }),
    );
  }

  async versions(script: string): Promise<VersionRecord[]> {
    const entry = (await this.state()).workers[script];
    if (!entry) return [];
    const out: VersionRecord[] = [];
    for (let v = 1; v <= entry.latest; v++) out.push(await this.version(script, v));
    return out;
  }

  /**
   * Stores a new version and makes it active. With `routes: "strict"` a hostname another worker
   * holds refuses the whole deploy; with "available" the worker is deployed without it (it
   * still answers on <script>.workers.dev) and the refusal is reported.
   */
  async deploy(
    spec: WorkerSpec,
    bundle: Bundle,
    source: VersionSource,
    options: { routes: "strict" | "available" } = { routes: "strict" },
  ): Promise<DeployResult> {
    const state = await this.state();
    const refused = spec.routes.flatMap((host) => {
      const holder = state.routes[host];
      return holder && holder !== spec.script ? [{ host, holder }] : [];
    });
    if (refused.length > 0 && options.routes === "strict") throw new RouteConflict(refused);
    await this.refuseSecondConsumer(spec.script, spec);
    const claimed = spec.routes.filter((h) => !refused.some((r) => r.host === h));
    // Durable Object namespaces: created, transferred (refused before anything is written)
    Object.assign(state, objectsAfterDeploy(state, spec));
    const version = (state.workers[spec.script]?.latest ?? 0) + 1;
    const dir = this.versionDir(spec.script, version);
    await mkdir(join(dir, "modules"), { recursive: true });
    // every file whole or not at all: a version left behind by a crash is overwritten by the next
    // deploy (state.json, written last, never names it)
    for (const module of bundle.modules) {
      await mkdir(dirname(join(dir, "modules", module.name)), { recursive: true });
      await writeFileAtomic(join(dir, "modules", module.name), module.contents);
    }
    const types = Object.fromEntries(bundle.modules.flatMap((m) => (m.type && m.type !== "ESModule" ? [[m.name, m.type]] : [])));
    const record: VersionRecord = {
      version,
      createdAt: new Date().toISOString(),
      source,
      spec: { ...spec, routes: claimed },
      main: bundle.main,
      modules: bundle.modules.map((m) => m.name),
      ...(Object.keys(types).length ? { types } : {}),
    };
    await writeFileAtomic(join(dir, "meta.json"), `${JSON.stringify(record, null, 2)}\n`);
    for (const [host, holder] of Object.entries(state.routes)) if (holder === spec.script && !claimed.includes(host)) delete state.routes[host];
    for (const host of claimed) state.routes[host] = spec.script;
    state.workers[spec.script] = { active: version, latest: version };
    await this.save(state);
    return { script: spec.script, version, routes: claimed, refused };
  }

  /**
   * Makes an earlier version active again (the previous one by default). Refused across a
   * Durable Object transfer, as Cloudflare refuses a rollback across a migration, unless
   * `undoTransfers`: then the namespaces go back to the script they came from (the cutover's undo).
   */
  async rollback(script: string, to?: number, options: { undoTransfers?: boolean } = {}): Promise<{ from: number; to: number }> {
    const state = await this.state();
    const entry = state.workers[script];
    if (!entry) throw new Error(`worker ${script} is not deployed`);
    const target = to ?? entry.active - 1;
    if (target < 1 || target > entry.latest) throw new Error(`worker ${script} has versions 1 to ${entry.latest}; there is no version ${target}`);
    const record = await this.version(script, target);
    const crossed = transfersCrossed(state, script, record.spec);
    if (crossed.length && !options.undoTransfers) {
      const classes = crossed.map((key) => state.objects![key]!.className).join(", ");
      throw new ObjectsRefused(
        `${script} v${target} is from before it took over the Durable Object namespace of ${classes}; a rollback cannot cross that transfer`,
      );
    }
    if (crossed.length) Object.assign(state, objectsAfterUndo(state, script, crossed));
    const refused = record.spec.routes.filter((h) => state.routes[h] && state.routes[h] !== script);
    if (refused.length) throw new RouteConflict(refused.map((host) => ({ host, holder: state.routes[host]! })));
    await this.refuseSecondConsumer(script, record.spec);
    for (const [host, holder] of Object.entries(state.routes)) if (holder === script && !record.spec.routes.includes(host)) delete state.routes[host];
    for (const host of record.spec.routes) state.routes[host] = script;
    const from = entry.active;
    state.workers[script] = { ...entry, active: target };
    await this.save(state);
    return { from, to: target };
  }

  /** A queue has one consumer, as on Cloudflare: a version consuming a queue another script's active version consumes is refused. */
  private async refuseSecondConsumer(script: string, spec: WorkerSpec): Promise<void> {
    const queues = Object.keys(spec.queueConsumers ?? {});
    if (queues.length === 0) return;
    const taken = await this.queueConsumers(script);
    const refused = queues.filter((q) => taken.has(q)).map((queue) => ({ queue, consumer: taken.get(queue)! }));
    if (refused.length) throw new QueueConsumerConflict(script, refused);
  }

  /** Each consumed queue's consumer among the active versions (but `except`'s). */
  async queueConsumers(except?: string): Promise<Map<string, string>> {
    const state = await this.state();
    const out = new Map<string, string>();
    for (const [script, entry] of Object.entries(state.workers)) {
      if (script === except) continue;
      for (const queue of Object.keys((await this.version(script, entry.active)).spec.queueConsumers ?? {})) out.set(queue, script);
    }
    return out;
  }

  /**
   * A new version of the active code with another set of hostnames (cutover's "the worker
   * takes the route"): the same bundle and source, so a rollback returns to the version before.
   */
  async redeployWithRoutes(script: string, routes: readonly string[], triggers?: Pick<WorkerSpec, "crons" | "queueConsumers">): Promise<DeployResult> {
    const entry = (await this.state()).workers[script];
    if (!entry) throw new Error(`worker ${script} is not deployed`);
    const record = await this.version(script, entry.active);
    const modules = await this.modules(script, entry.active);
    // cutover's triggers come with the hostnames: the worker runs the crons and consumes the queues from this version on
    const spec = {
      ...record.spec,
      routes: [...routes].sort(),
      ...(triggers
        ? {
            crons: [...new Set([...(record.spec.crons ?? []), ...(triggers.crons ?? [])])],
            queueConsumers: { ...record.spec.queueConsumers, ...triggers.queueConsumers },
          }
        : {}),
    };
    return this.deploy(spec, { main: record.main, modules }, record.source);
  }

  /** Gives up hostnames (cutover moves a route by releasing it here and claiming it there). */
  async releaseRoutes(script: string, hosts: readonly string[]): Promise<void> {
    const state = await this.state();
    for (const host of hosts) if (state.routes[host] === script) delete state.routes[host];
    await this.save(state);
  }

  private async save(state: CloudState): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeFileAtomic(this.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  }
}
