// The monorepo's wrangler config at cutover: the hostname's route removed and a service binding
// to the worker added, as a text edit that leaves every other byte alone (comments, order,
// formatting). TOML and JSON(C) configs; the result is parsed again and compared with what was
// meant, so an edit that would change anything else is refused rather than written.
import { applyEdits, modify } from "jsonc-parser";
import { UserError } from "../errors.js";
import { parseWranglerConfig, type WranglerConfig } from "../discovery/wrangler-config.js";

export interface BindingPlan {
  /** The binding the router calls: an existing one to the worker's script, or a new name. */
  binding: string;
  /** Whether the config needs the binding added. */
  add: boolean;
}

/** The binding to use: one the config already has for `service`, else `<ID>_SERVICE` (made unique). */
export function bindingFor(config: WranglerConfig, id: string, service: string): BindingPlan {
  for (const [binding, target] of config.services) if (target === service) return { binding, add: false };
  const base = `${id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_SERVICE`;
  let binding = base;
  for (let n = 2; config.bindings.has(binding); n++) binding = `${base}_${n}`;
  return { binding, add: true };
}

export function editWranglerConfig(text: string, file: string, change: { host: string; binding: BindingPlan; service: string }): string {
  const before = parseWranglerConfig(text, file);
  let edited = before.routes.some((r) => r.host === change.host) ? removeRoute(text, file, change.host) : text;
  if (change.binding.add) edited = addService(edited, file, change.binding.binding, change.service);
  let after: WranglerConfig;
  try {
    after = parseWranglerConfig(edited, file);
  } catch {
    throw cannotEdit(file, change.host);
  }
  check(before, after, change);
  return edited;
}

function removeRoute(text: string, file: string, host: string): string {
  if (!file.endsWith(".toml")) {
    const raw = parseWranglerConfig(text, file).raw;
    if (Array.isArray(raw.routes)) {
      const index = raw.routes.findIndex((r) => routeHost(r) === host);
      if (index >= 0) return applyEdits(text, modify(text, ["routes", index], undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    if (raw.route !== undefined && routeHost(raw.route) === host) return applyEdits(text, modify(text, ["route"], undefined, {}));
    throw cannotEdit(file, host);
  }
  const escaped = host.replaceAll(".", "\\.");
  const pattern = `"(?:https?://)?\\*?\\.?${escaped}(?:/[^"]*)?"`;
  // An element of a routes array: an inline table or a string, with the comma that separates it.
  // (a bare string counts only as an array element or the value of `route =`)
  const element = new RegExp(`(\\{[^{}\\n]*pattern\\s*=\\s*${pattern}[^{}\\n]*\\}|(?<=(?:[[,]|\\broute\\s*=)\\s*)${pattern})`);
  const match = element.exec(text);
  if (!match) throw cannotEdit(file, host);
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

function addService(text: string, file: string, binding: string, service: string): string {
  if (file.endsWith(".toml")) {
    const block = `[[services]]\nbinding = "${binding}"\nservice = "${service}"\n`;
    return `${text}${text.endsWith("\n") ? "" : "\n"}\n${block}`;
  }
  const raw = parseWranglerConfig(text, file).raw;
  const path = Array.isArray(raw.services) ? ["services", raw.services.length] : ["services"];
  const value = Array.isArray(raw.services) ? { binding, service } : [{ binding, service }];
  return applyEdits(text, modify(text, path, value, { isArrayInsertion: Array.isArray(raw.services), formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

function routeHost(route: unknown): string | undefined {
  const pattern = typeof route === "string" ? route : typeof route === "object" && route && "pattern" in route ? String((route as { pattern: unknown }).pattern) : undefined;
  return pattern?.replace(/^[a-z]+:\/\//, "").split("/")[0]!.replace(/^\*\.?/, "").toLowerCase();
}

/** The edited config must differ from the original only by the route and the binding. */
function check(before: WranglerConfig, after: WranglerConfig, change: { host: string; binding: BindingPlan; service: string }): void {
  const strip = (c: WranglerConfig) => {
    const { routes: _r, route: _one, services: _s, ...rest } = c.raw;
    return JSON.stringify(rest);
  };
  const routesOk = JSON.stringify(after.routes) === JSON.stringify(before.routes.filter((r) => r.host !== change.host));
  const servicesOk = after.services.get(change.binding.binding) === change.service && after.services.size === before.services.size + (change.binding.add ? 1 : 0);
  if (strip(before) !== strip(after) || !routesOk || !servicesOk) {
    throw new UserError(`${before.file}: could not move ${change.host} to a service binding without changing anything else`, {
      hint: `remove the route for ${change.host} and add a service binding ${change.binding.binding} → ${change.service} by hand, commit, and run the cutover again`,
    });
  }
}

function cannotEdit(file: string, host: string): UserError {
  return new UserError(`${file}: found the route for ${host} but not in a form fleet can edit safely`, {
    hint: `remove the route for ${host} by hand, commit, and run the cutover again`,
  });
}
