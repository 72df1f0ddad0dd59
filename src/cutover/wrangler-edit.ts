// The monorepo's wrangler config at cutover: the worker's hostnames' routes removed and a service
// binding to the worker added, as a text edit that leaves every other byte alone (comments,
// order, formatting). TOML and JSON(C) configs. wrangler does not inherit bindings into `env.*`
// sections, and each section may have routes of its own: so the routes leave every section that
// has them, and the binding goes into the top level and into every environment (deployed with
// `--env production`, a router without it would forward to a binding that does not exist). The
// result is parsed again and compared with what was meant, so an edit that would change anything
// else is refused rather than written.
import { applyEdits, modify } from "jsonc-parser";
import { UserError } from "../errors.js";
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";
import { routePatternHost } from "../manifest/routes.js";

export interface BindingPlan {
  /** The binding the router calls: an existing one to the worker's script, or a new name. */
  binding: string;
  /** Whether the top level of the config needs the binding added. */
  add: boolean;
}

export interface ConfigChange {
  /** Every route host of the worker (hostnames, and wildcard routes' hosts as written): their routes leave the platform. */
  hosts: readonly string[];
  binding: BindingPlan;
  /** The worker's script name, the binding's target. */
  service: string;
}

/** The top level ("") or one `env.<name>` section, parsed on its own. */
interface Section {
  env: string;
  config: WranglerConfig;
}

function sectionsOf(config: WranglerConfig): Section[] {
  const envs = config.raw.env;
  const sections: Section[] = [{ env: "", config }];
  if (typeof envs === "object" && envs && !Array.isArray(envs)) {
    for (const [env, raw] of Object.entries(envs)) {
      if (typeof raw === "object" && raw && !Array.isArray(raw))
        sections.push({ env, config: parseWranglerConfig(JSON.stringify(raw), `${config.file}#env.${env}.json`) });
    }
  }
  return sections;
}

/** The binding to use: one the config already has for `service`, else `<ID>_SERVICE` (unique in every section). */
export function bindingFor(config: WranglerConfig, id: string, service: string): BindingPlan {
  const sections = sectionsOf(config);
  for (const { config: section } of sections) {
    for (const [binding, target] of section.services) if (target === service) return { binding, add: !config.services.has(binding) };
  }
  const base = `${id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_SERVICE`;
  let binding = base;
  for (let n = 2; sections.some((s) => s.config.bindings.has(binding)); n++) binding = `${base}_${n}`;
  return { binding, add: true };
}

export function editWranglerConfig(text: string, file: string, change: ConfigChange): string {
  const before = parseWranglerConfig(text, file);
  const hosts = new Set(change.hosts);
  let edited = text;
  for (const section of sectionsOf(before)) {
    for (const route of section.config.routes) if (hosts.has(route.host)) edited = removeRoute(edited, file, section.env, route.host);
  }
  for (const section of sectionsOf(before)) {
    if (section.config.services.get(change.binding.binding) !== change.service)
      edited = addService(edited, file, section.env, change.binding.binding, change.service);
  }
  let after: WranglerConfig;
  try {
    after = parseWranglerConfig(edited, file);
  } catch {
    throw cannotEdit(file, change.hosts);
  }
  check(before, after, change);
  return edited;
}

function removeRoute(text: string, file: string, env: string, host: string): string {
  if (!file.endsWith(".toml")) {
    const prefix = env ? ["env", env] : [];
    const all = parseWranglerConfig(text, file).raw;
    const raw = (env ? (all.env as Record<string, Record<string, unknown>>)[env]! : all) as Record<string, unknown>;
    if (Array.isArray(raw.routes)) {
      const index = raw.routes.findIndex((r) => routeHost(r) === host);
      if (index >= 0) return applyEdits(text, modify(text, [...prefix, "routes", index], undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    if (raw.route !== undefined && routeHost(raw.route) === host) return applyEdits(text, modify(text, [...prefix, "route"], undefined, {}));
    throw cannotEdit(file, [host]);
  }
  // TOML: the first route of this host anywhere; called once per route, so every one goes
  // (which section's comes first does not matter, they all leave). The host as written: a
  // wildcard route is its own (`*.a.b`), never the route of the hostname a.b.
  const escaped = host.replaceAll(".", "\\.").replaceAll("*", "\\*");
  const pattern = `"(?:https?://)?${escaped}(?:/[^"]*)?"`;
  // An element of a routes array: an inline table or a string, with the comma that separates it.
  // (a bare string counts only as an array element or the value of `route =`)
  const element = new RegExp(`(\\{[^{}\\n]*pattern\\s*=\\s*${pattern}[^{}\\n]*\\}|(?<=(?:[[,]|\\broute\\s*=)\\s*)${pattern})`);
  const match = element.exec(text);
  if (!match) throw cannotEdit(file, [host]);
  const start = match.index;
  const end = start + match[0].length;
  // On a line of its own (as wrangler's docs write routes): the whole line goes. TOML allows
  // the comma this may leave after the element before it.
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", end) < 0 ? text.length : text.indexOf("\n", end) + 1;
  if (/^\s*$/.test(text.slice(lineStart, start)) && /^\s*,?\s*(#.*)?\r?\n?$/.test(text.slice(end, lineEnd))) {
    if (!/route\s*=\s*$/.test(text.slice(lineStart, start))) return text.slice(0, lineStart) + text.slice(lineEnd);
  }
  // `route = "…"`: the key goes with it
  const routeKey = /^[ \t]*route\s*=\s*$/.exec(text.slice(lineStart, start));
  if (routeKey) return text.slice(0, lineStart) + text.slice(lineEnd);
  // inside a line: the element and the comma after it, or before it when it is the last
  const after = /^\s*,[ \t]*/.exec(text.slice(end));
  if (after) return text.slice(0, start) + text.slice(end + after[0].length);
  const before = /,\s*$/.exec(text.slice(0, start));
  return before ? text.slice(0, before.index) + text.slice(end) : text.slice(0, start) + text.slice(end);
}

function addService(text: string, file: string, env: string, binding: string, service: string): string {
  if (file.endsWith(".toml")) {
    const table = env ? `env.${/^[A-Za-z0-9_-]+$/.test(env) ? env : JSON.stringify(env)}.services` : "services";
    const block = `[[${table}]]\nbinding = "${binding}"\nservice = "${service}"\n`;
    return `${text}${text.endsWith("\n") ? "" : "\n"}\n${block}`;
  }
  const all = parseWranglerConfig(text, file).raw;
  const raw = (env ? (all.env as Record<string, Record<string, unknown>>)[env]! : all) as Record<string, unknown>;
  const prefix = env ? ["env", env, "services"] : ["services"];
  const list = Array.isArray(raw.services);
  const path = list ? [...prefix, (raw.services as unknown[]).length] : prefix;
  const value = list ? { binding, service } : [{ binding, service }];
  return applyEdits(text, modify(text, path, value, { isArrayInsertion: list, formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

/** The host of a route as written (`a.b/path*` → `a.b`, `*.a.b/*` → `*.a.b`), from a config's string or object form. */
export function routeHost(route: unknown): string | undefined {
  const pattern =
    typeof route === "string" ? route : typeof route === "object" && route && "pattern" in route ? String((route as { pattern: unknown }).pattern) : undefined;
  return pattern === undefined ? undefined : routePatternHost(pattern);
}

/**
 * The edited config must differ from the original only by the routes and the bindings: in each
 * section, the hosts' routes gone, the binding to the worker present, everything else equal.
 */
function check(before: WranglerConfig, after: WranglerConfig, change: ConfigChange): void {
  const hosts = new Set(change.hosts);
  const strip = (raw: Record<string, unknown>) => {
    const { routes: _r, route: _one, services: _s, env: _e, ...rest } = raw;
    return JSON.stringify(rest);
  };
  const sectionsAfter = new Map(sectionsOf(after).map((s) => [s.env, s.config]));
  const sectionsBefore = sectionsOf(before);
  const ok =
    sectionsAfter.size === sectionsBefore.length &&
    sectionsBefore.every(({ env, config }) => {
      const edited = sectionsAfter.get(env);
      if (!edited || strip(config.raw) !== strip(edited.raw)) return false;
      const routesOk = JSON.stringify(edited.routes) === JSON.stringify(config.routes.filter((r) => !hosts.has(r.host)));
      const had = config.services.get(change.binding.binding) === change.service;
      const servicesOk = edited.services.get(change.binding.binding) === change.service && edited.services.size === config.services.size + (had ? 0 : 1);
      return routesOk && servicesOk;
    });
  if (!ok) {
    const binding = `a service binding ${change.binding.binding} → ${change.service}`;
    throw new UserError(`${before.file}: could not move ${change.hosts.join(", ")} to a service binding without changing anything else`, {
      hint: `remove the routes of ${change.hosts.join(", ")} and add ${binding} (in every [env.*] section too) by hand, commit, and run the cutover again`,
    });
  }
}

function cannotEdit(file: string, hosts: readonly string[]): UserError {
  return new UserError(`${file}: found the route for ${hosts.join(", ")} but not in a form fleet can edit safely`, {
    hint: `remove the route for ${hosts.join(", ")} by hand, commit, and run the cutover again`,
  });
}
