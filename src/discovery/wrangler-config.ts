// Reads a wrangler configuration (wrangler.toml, .json or .jsonc) into what fleet needs:
// name, entry, compatibility, routes, and every binding by name and kind.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { UserError } from "../errors.js";

export type BindingKind =
  | "kv"
  | "d1"
  | "r2"
  | "ai"
  | "durable-object"
  | "service"
  | "queue"
  | "var"
  | "vectorize"
  | "hyperdrive"
  | "analytics-engine"
  | "browser"
  | "assets"
  | "images"
  | "version-metadata"
  | "workflow"
  | "send-email";

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The binding's own entry from the config, as written (for copying into a worker's config). */
  config: Record<string, unknown>;
}

export interface Route {
  /** The route's pattern, such as "initiate.chitty.cc/*". */
  pattern: string;
  /** The hostname part of the pattern. */
  host: string;
  customDomain: boolean;
  zone?: string;
}

export interface WranglerConfig {
  file: string;
  name?: string;
  main?: string;
  compatibilityDate?: string;
  compatibilityFlags: string[];
  routes: Route[];
  bindings: Map<string, Binding>;
  /** Service bindings: binding name → target worker name. */
  services: Map<string, string>;
  /** Binding names that appear only in commented-out lines (a binding switched off for now). */
  commentedBindings: string[];
  /** Cron schedules (`triggers.crons`) of the top level. */
  crons: string[];
  /** Queues the top level consumes (`queues.consumers[].queue`). */
  queueConsumers: string[];
  /** Each `env.<name>` section's own name, routes (inherited when a section has none), crons and consumers. */
  environments: Map<string, { name?: string; routes: Route[]; crons?: string[]; queueConsumers: string[] }>;
  raw: Record<string, unknown>;
}

/**
 * The hostnames a config serves: production's are the `env.production` routes when that section
 * has its own, else the top level's; staging's are `env.staging`'s own.
 */
export function hostnamesOf(config: WranglerConfig): { production: string[]; staging: string[] } {
  const hosts = (routes: Route[]) => [...new Set(routes.map((r) => r.host).filter((h) => h.includes(".")))];
  const production = config.environments.get("production")?.routes;
  const staging = config.environments.get("staging")?.routes;
  return { production: hosts(production?.length ? production : config.routes), staging: hosts(staging ?? []) };
}

export { WRANGLER_FILES } from "./file-kinds.js";

// Array-valued binding sections: key in the config, kind, and the field that names the binding.
const LIST_SECTIONS: [string, BindingKind, string][] = [
  ["kv_namespaces", "kv", "binding"],
  ["d1_databases", "d1", "binding"],
  ["r2_buckets", "r2", "binding"],
  ["services", "service", "binding"],
  ["vectorize", "vectorize", "binding"],
  ["hyperdrive", "hyperdrive", "binding"],
  ["analytics_engine_datasets", "analytics-engine", "binding"],
  ["workflows", "workflow", "binding"],
  ["send_email", "send-email", "name"],
];
// Single-binding sections: { binding = "NAME" }.
const SINGLE_SECTIONS: [string, BindingKind][] = [
  ["ai", "ai"],
  ["browser", "browser"],
  ["assets", "assets"],
  ["images", "images"],
  ["version_metadata", "version-metadata"],
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses config text; `file` decides the syntax and names the file in errors. */
export function parseWranglerConfig(text: string, file: string): WranglerConfig {
  let raw: unknown;
  if (file.endsWith(".toml")) {
    try {
      raw = parseToml(text);
    } catch (error) {
      throw new UserError(`${file} is not valid TOML: ${(error as Error).message.split("\n")[0]}`, { cause: error });
    }
  } else {
    const errors: ParseError[] = [];
    raw = parseJsonc(text, errors, { allowTrailingComma: true });
    if (errors.length > 0) {
      throw new UserError(`${file} is not valid JSONC: ${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}`);
    }
  }
  if (!isObject(raw)) throw new UserError(`${file} does not hold a configuration object`);

  const bindings = new Map<string, Binding>();
  const services = new Map<string, string>();
  const add = (name: unknown, kind: BindingKind, config: Record<string, unknown>) => {
    if (typeof name === "string" && name) bindings.set(name, { name, kind, config });
  };
  for (const [key, kind, field] of LIST_SECTIONS) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item)) continue;
      add(item[field], kind, item);
      if (kind === "service" && typeof item.binding === "string" && typeof item.service === "string") services.set(item.binding, item.service);
    }
  }
  for (const [key, kind] of SINGLE_SECTIONS) {
    const section = raw[key];
    if (isObject(section)) add(section.binding, kind, section);
  }
  const durable = isObject(raw.durable_objects) ? raw.durable_objects.bindings : undefined;
  if (Array.isArray(durable)) for (const item of durable) if (isObject(item)) add(item.name, "durable-object", item);
  const queues = isObject(raw.queues) ? raw.queues.producers : undefined;
  if (Array.isArray(queues)) for (const item of queues) if (isObject(item)) add(item.binding, "queue", item);
  if (isObject(raw.vars)) for (const [name, value] of Object.entries(raw.vars)) add(name, "var", { value });

  return {
    file,
    name: typeof raw.name === "string" ? raw.name : undefined,
    main: typeof raw.main === "string" ? raw.main : undefined,
    compatibilityDate: typeof raw.compatibility_date === "string" ? raw.compatibility_date : undefined,
    compatibilityFlags: Array.isArray(raw.compatibility_flags) ? raw.compatibility_flags.filter((f): f is string => typeof f === "string") : [],
    routes: readRoutes(raw),
    crons: readCrons(raw) ?? [],
    queueConsumers: readConsumers(raw),
    bindings,
    services,
    commentedBindings: commentedBindings(text).filter((name) => !bindings.has(name)),
    environments: new Map(
      Object.entries(isObject(raw.env) ? raw.env : {})
        .filter((e): e is [string, Record<string, unknown>] => isObject(e[1]))
        .map(([name, section]) => {
          const crons = readCrons(section);
          const own = { routes: readRoutes(section), ...(crons ? { crons } : {}), queueConsumers: readConsumers(section) };
          return [name, { ...(typeof section.name === "string" ? { name: section.name } : {}), ...own }];
        }),
    ),
    raw,
  };
}

/** `triggers.crons`; undefined when the section sets none (an environment then inherits the top level's). */
function readCrons(section: Record<string, unknown>): string[] | undefined {
  const crons = isObject(section.triggers) ? section.triggers.crons : undefined;
  return Array.isArray(crons) ? crons.filter((c): c is string => typeof c === "string") : undefined;
}

/** The queues a section consumes (`queues.consumers`; not inherited by environments, as wrangler reads it). */
function readConsumers(section: Record<string, unknown>): string[] {
  const consumers = isObject(section.queues) ? section.queues.consumers : undefined;
  if (!Array.isArray(consumers)) return [];
  return consumers.flatMap((c) => (isObject(c) && typeof c.queue === "string" ? [c.queue] : []));
}

function readRoutes(raw: Record<string, unknown>): Route[] {
  const entries: unknown[] = [];
  if (Array.isArray(raw.routes)) entries.push(...raw.routes);
  if (raw.route !== undefined) entries.push(raw.route);
  const routes: Route[] = [];
  for (const entry of entries) {
    const pattern = typeof entry === "string" ? entry : isObject(entry) && typeof entry.pattern === "string" ? entry.pattern : undefined;
    if (!pattern) continue;
    const host = pattern
      .replace(/^[a-z]+:\/\//, "")
      .split("/")[0]!
      .replace(/^\*\.?/, "")
      .toLowerCase();
    routes.push({
      pattern,
      host,
      customDomain: isObject(entry) && entry.custom_domain === true,
      ...(isObject(entry) && typeof entry.zone_name === "string" ? { zone: entry.zone_name } : {}),
    });
  }
  return routes;
}

/** `# binding = "PLATFORM_KV"` or `// "binding": "PLATFORM_KV"`: names in commented-out lines. */
function commentedBindings(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const comment = /^\s*(?:#|\/\/)(.*)$/.exec(line)?.[1];
    const name = comment ? /["']?(?:binding|name)["']?\s*[=:]\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/.exec(comment)?.[1] : undefined;
    if (name) names.add(name);
  }
  return [...names].sort();
}
