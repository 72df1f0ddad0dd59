// Reads a wrangler configuration (wrangler.toml, .json or .jsonc) into what fleet needs:
// name, entry, compatibility, routes, and every binding by name and kind — which names are
// bindings, and of what kind, is wrangler's own reading (wrangler-bindings.ts).
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { UserError } from "../errors.js";
import { isWildcardHost, routePatternHost } from "../manifest/routes.js";
import { boundNames, type EntryPlace } from "./wrangler-bindings.js";

/**
 * A binding's kind: fleet's name for the kinds it has always named, else wrangler's own type
 * ("secrets_store_secret", "pipeline", "dispatch_namespace", "ratelimit", "unsafe_ratelimit"...).
 */
export type BindingKind = (typeof KIND_NAMES)[keyof typeof KIND_NAMES] | "d1" | "ai" | "service" | "queue" | "vectorize" | (string & {});

/** wrangler's binding types that fleet has its own (older) names for. */
const KIND_NAMES = {
  kv_namespace: "kv",
  r2_bucket: "r2",
  durable_object_namespace: "durable-object",
  plain_text: "var",
  json: "var",
  analytics_engine: "analytics-engine",
  version_metadata: "version-metadata",
  send_email: "send-email",
} as const;

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The binding's own entry from the config, as written (for copying into a worker's config); a var's is `{ value }`. */
  config: Record<string, unknown>;
  /** Where the entry sits in its section, to write it in another config at the same place. */
  at: EntryPlace;
}

export interface Route {
  /** The route's pattern as written, such as "initiate.chitty.cc/*" or "*.sites.example.test/*". */
  pattern: string;
  /** The host part of the pattern, lowercased: a hostname, or a host pattern (`*.sites.example.test`) — a wildcard stays one. */
  host: string;
  /** Whether the host is a pattern: it serves many hostnames (`*.a.b`: every one under a.b, not a.b itself). */
  wildcard: boolean;
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
  /** The top level's bindings, every kind wrangler reads (read on first use: see wrangler-bindings.ts). */
  bindings: Map<string, Binding>;
  /** The top level's service bindings: binding name → target worker name. */
  services: Map<string, string>;
  /** Binding names that appear only in commented-out lines (a binding switched off for now). */
  commentedBindings: string[];
  /** Cron schedules (`triggers.crons`) of the top level. */
  crons: string[];
  /** Queues the top level consumes (`queues.consumers[].queue`). */
  queueConsumers: string[];
  /**
   * Each `env.<name>` section's own name, routes (inherited when a section has none), crons,
   * consumers, and bindings (its own: wrangler's environments do not inherit them).
   */
  environments: Map<string, { name?: string; routes: Route[]; crons?: string[]; queueConsumers: string[]; bindings: Map<string, Binding> }>;
  raw: Record<string, unknown>;
}

/**
 * The routes a config deploys per environment: production's are the `env.production` routes when
 * that section has its own, else the top level's; staging's are `env.staging`'s own.
 */
function routesByEnvironment(config: WranglerConfig): { production: Route[]; staging: Route[] } {
  const production = config.environments.get("production")?.routes;
  return { production: production?.length ? production : config.routes, staging: config.environments.get("staging")?.routes ?? [] };
}

/** The hostnames a config serves, per environment (wildcard routes are not hostnames: see `wildcardRoutesOf`). */
export function hostnamesOf(config: WranglerConfig): { production: string[]; staging: string[] } {
  const hosts = (routes: Route[]) => [
    ...new Set(
      routes
        .filter((r) => !r.wildcard)
        .map((r) => r.host)
        .filter((h) => h.includes(".")),
    ),
  ];
  const { production, staging } = routesByEnvironment(config);
  return { production: hosts(production), staging: hosts(staging) };
}

/** The wildcard routes a config serves, per environment, as written (the host lowercased, no scheme): `*.sites.example.test/*`. */
export function wildcardRoutesOf(config: WranglerConfig): { production: string[]; staging: string[] } {
  const patterns = (routes: Route[]) => [...new Set(routes.filter((r) => r.wildcard).map(patternAsWritten))];
  const { production, staging } = routesByEnvironment(config);
  return { production: patterns(production), staging: patterns(staging) };
}

/** A route's pattern with its host lowercased and no scheme; the path stays as written. */
export function patternAsWritten(route: Pick<Route, "pattern" | "host">): string {
  const path = route.pattern
    .replace(/^[a-z]+:\/\//i, "")
    .split("/")
    .slice(1)
    .join("/");
  return path ? `${route.host}/${path}` : route.host;
}

export { WRANGLER_FILES } from "./file-kinds.js";

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

  // what the config binds is wrangler's answer, asked only when someone needs it
  const top = raw;
  let bound: Map<string, Binding> | undefined;
  const bindings = () => (bound ??= bindingsOf(top, file));
  let services: Map<string, string> | undefined;
  return {
    file,
    name: typeof raw.name === "string" ? raw.name : undefined,
    main: typeof raw.main === "string" ? raw.main : undefined,
    compatibilityDate: typeof raw.compatibility_date === "string" ? raw.compatibility_date : undefined,
    compatibilityFlags: Array.isArray(raw.compatibility_flags) ? raw.compatibility_flags.filter((f): f is string => typeof f === "string") : [],
    routes: readRoutes(raw, file),
    crons: readCrons(raw) ?? [],
    queueConsumers: readConsumers(raw),
    get bindings() {
      return bindings();
    },
    get services() {
      return (services ??= serviceTargets(bindings()));
    },
    get commentedBindings() {
      return commentedBindings(text).filter((name) => !bindings().has(name));
    },
    environments: new Map(
      Object.entries(isObject(raw.env) ? raw.env : {})
        .filter((e): e is [string, Record<string, unknown>] => isObject(e[1]))
        .map(([name, section]) => {
          const crons = readCrons(section);
          const own = { routes: readRoutes(section, `${file} (env.${name})`), ...(crons ? { crons } : {}), queueConsumers: readConsumers(section) };
          let sectionBindings: Map<string, Binding> | undefined;
          const environment = {
            ...(typeof section.name === "string" ? { name: section.name } : {}),
            ...own,
            get bindings() {
              return (sectionBindings ??= bindingsOf(section, `${file} (env.${name})`));
            },
          };
          return [name, environment];
        }),
    ),
    raw,
  };
}

/** A section's bindings by name, as wrangler reads them. */
function bindingsOf(section: Record<string, unknown>, file: string): Map<string, Binding> {
  const out = new Map<string, Binding>();
  for (const { name, type, config, at } of boundNames(section, file)) {
    if (!out.has(name)) out.set(name, { name, kind: (KIND_NAMES as Record<string, string>)[type] ?? type, config, at });
  }
  return out;
}

/** Service bindings: binding name → the worker it targets. */
function serviceTargets(bindings: Map<string, Binding>): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of bindings.values()) if (b.kind === "service" && typeof b.config.service === "string") out.set(b.name, b.config.service);
  return out;
}

/** The binding of `name` in the top level, else in the first environment that binds it. */
export function bindingOf(config: WranglerConfig, name: string): Binding | undefined {
  const top = config.bindings.get(name);
  if (top) return top;
  for (const environment of config.environments.values()) {
    const own = environment.bindings.get(name);
    if (own) return own;
  }
  return undefined;
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

/** A section's routes as written; a custom domain that is a wildcard is refused, as Cloudflare refuses it. */
function readRoutes(raw: Record<string, unknown>, file: string): Route[] {
  const entries: unknown[] = [];
  if (Array.isArray(raw.routes)) entries.push(...raw.routes);
  if (raw.route !== undefined) entries.push(raw.route);
  const routes: Route[] = [];
  for (const entry of entries) {
    const pattern = typeof entry === "string" ? entry : isObject(entry) && typeof entry.pattern === "string" ? entry.pattern : undefined;
    if (!pattern) continue;
    const host = routePatternHost(pattern);
    const customDomain = isObject(entry) && entry.custom_domain === true;
    if (customDomain && isWildcardHost(host)) {
      throw new UserError(`${file}: the custom domain ${pattern} is a wildcard, and Cloudflare attaches a custom domain to one hostname`, {
        hint: `make it a route in its zone (pattern "${host}/*" with zone_name, and a proxied wildcard DNS record), or list each hostname as a custom domain`,
      });
    }
    routes.push({
      pattern,
      host,
      wildcard: isWildcardHost(host),
      customDomain,
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
