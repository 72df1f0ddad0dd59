// Every name a service may read from `env`, and how a wrangler config declares it. Names not
// listed as bindings are secrets: set with `wrangler secret put`, never in a config file.
import type { ServiceTriggers } from "./catalog.js";

export type Binding =
  | { kind: "kv"; name: string }
  | { kind: "d1"; name: string; database: string }
  | { kind: "ai"; name: string }
  | { kind: "do"; name: string; className: string }
  | { kind: "var"; name: string; value: string }
  | { kind: "service"; name: string; service: string };

export const BINDINGS: readonly Binding[] = [
  { kind: "kv", name: "PROJECTS" },
  { kind: "kv", name: "CACHE" },
  { kind: "kv", name: "REGISTRY_KV" },
  { kind: "d1", name: "DB", database: "chittyos-core" },
  { kind: "d1", name: "LEDGER_DB", database: "chittyos-ledger" },
  { kind: "ai", name: "AI" },
  { kind: "do", name: "SYNC_STATE", className: "SyncCoordinator" },
  { kind: "var", name: "ENVIRONMENT", value: "production" },
  { kind: "var", name: "LOG_LEVEL", value: "info" },
  { kind: "var", name: "CANON_VERSION", value: "2025.1" },
  { kind: "var", name: "RATE_LIMIT_PER_MINUTE", value: "120" },
  { kind: "service", name: "CHITTYID", service: "chittyos-id-worker" },
  { kind: "service", name: "CHITTYAUTH", service: "chittyos-auth-worker" },
  { kind: "service", name: "REGISTRY_SERVICE", service: "chittyos-registry-worker" },
  { kind: "service", name: "LEDGER_SERVICE", service: "chittyos-chittyledger-worker" },
];

export const SECRETS = [
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "JWT_SECRET",
  "STRIPE_SECRET_KEY",
  "SENDGRID_API_KEY",
  "WEBHOOK_SIGNING_SECRET",
  "NOTION_TOKEN",
] as const;

export function bindingFor(name: string): Binding | undefined {
  return BINDINGS.find((binding) => binding.name === name);
}

export interface Route {
  pattern: string;
  zoneName?: string;
  customDomain?: boolean;
}

export interface WranglerConfig {
  name: string;
  main: string;
  compatibilityDate: string;
  routes: Route[];
  bindings: Binding[];
  /** A comment placed at the top of the file. */
  comment: string;
  /** Crons and queues (producer and consumer) the config declares. */
  triggers?: ServiceTriggers[];
}

/** Stable made-up resource ids (32 hex digits), so configs look real and never change. */
export function resourceId(name: string): string {
  let out = "";
  let hash = 0x811c9dc5;
  for (let round = 0; out.length < 32; round++) {
    for (const char of `${name}:${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    out += hash.toString(16).padStart(8, "0");
  }
  return out.slice(0, 32);
}

function uuid(name: string): string {
  const hex = resourceId(`d1:${name}`);
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

const of = <K extends Binding["kind"]>(config: WranglerConfig, kind: K) =>
  config.bindings.filter((binding): binding is Extract<Binding, { kind: K }> => binding.kind === kind);

export function renderToml(config: WranglerConfig): string {
  const q = JSON.stringify;
  const out = [
    `# ${config.comment}`,
    `name = ${q(config.name)}`,
    `main = ${q(config.main)}`,
    `compatibility_date = ${q(config.compatibilityDate)}`,
    `compatibility_flags = ["nodejs_compat"]`,
  ];
  if (config.routes.length > 0) {
    const routes = config.routes.map((route) =>
      route.customDomain
        ? `  { pattern = ${q(route.pattern)}, custom_domain = true }`
        : `  { pattern = ${q(route.pattern)}, zone_name = ${q(route.zoneName ?? "")} }`,
    );
    out.push("", "routes = [", routes.join(",\n"), "]");
  }
  for (const ai of of(config, "ai")) out.push("", "[ai]", `binding = ${q(ai.name)}`);
  const vars = of(config, "var");
  if (vars.length > 0) out.push("", "[vars]", ...vars.map((v) => `${v.name} = ${q(v.value)}`));
  for (const kv of of(config, "kv")) {
    out.push("", "[[kv_namespaces]]", `binding = ${q(kv.name)}`, `id = ${q(resourceId(kv.name))}`);
  }
  for (const d1 of of(config, "d1")) {
    out.push("", "[[d1_databases]]", `binding = ${q(d1.name)}`, `database_name = ${q(d1.database)}`);
    out.push(`database_id = ${q(uuid(d1.database))}`);
  }
  const objects = of(config, "do");
  for (const object of objects) {
    out.push("", "[[durable_objects.bindings]]", `name = ${q(object.name)}`, `class_name = ${q(object.className)}`);
  }
  if (objects.length > 0) {
    const classes = objects.map((object) => q(object.className)).join(", ");
    out.push("", "[[migrations]]", `tag = "v1"`, `new_sqlite_classes = [${classes}]`);
  }
  out.push(...tomlTriggers(config.triggers ?? []));
  for (const service of of(config, "service")) {
    out.push("", "[[services]]", `binding = ${q(service.name)}`, `service = ${q(service.service)}`);
  }
  return out.join("\n") + "\n";
}

function tomlTriggers(triggers: ServiceTriggers[]): string[] {
  if (triggers.length === 0) return [];
  const q = JSON.stringify;
  const out = ["", "[triggers]", `crons = [${triggers.map((t) => q(t.cron.schedule)).join(", ")}]`];
  for (const t of triggers) out.push("", "[[queues.producers]]", `binding = ${q(t.queue.producer)}`, `queue = ${q(t.queue.name)}`);
  for (const t of triggers) out.push("", "[[queues.consumers]]", `queue = ${q(t.queue.name)}`, "max_batch_timeout = 1");
  return out;
}

export function renderJsonc(config: WranglerConfig): string {
  const fields: [string, unknown][] = [
    ["name", config.name],
    ["main", config.main],
    ["compatibility_date", config.compatibilityDate],
    ["compatibility_flags", ["nodejs_compat"]],
    ["routes", config.routes.map((r) => (r.customDomain ? { pattern: r.pattern, custom_domain: true } : { pattern: r.pattern, zone_name: r.zoneName }))],
  ];
  const ai = of(config, "ai")[0];
  if (ai) fields.push(["ai", { binding: ai.name }]);
  const vars = of(config, "var");
  if (vars.length > 0) fields.push(["vars", Object.fromEntries(vars.map((v) => [v.name, v.value]))]);
  const kv = of(config, "kv").map((b) => ({ binding: b.name, id: resourceId(b.name) }));
  if (kv.length > 0) fields.push(["kv_namespaces", kv]);
  const d1 = of(config, "d1").map((b) => ({ binding: b.name, database_name: b.database, database_id: uuid(b.database) }));
  if (d1.length > 0) fields.push(["d1_databases", d1]);
  const objects = of(config, "do");
  if (objects.length > 0) {
    fields.push(["durable_objects", { bindings: objects.map((b) => ({ name: b.name, class_name: b.className })) }]);
    fields.push(["migrations", [{ tag: "v1", new_sqlite_classes: objects.map((b) => b.className) }]]);
  }
  const services = of(config, "service").map((b) => ({ binding: b.name, service: b.service }));
  if (services.length > 0) fields.push(["services", services]);
  const body = fields.map(([key, value]) => `  ${JSON.stringify(key)}: ${compact(value)}`);
  return `// ${config.comment}\n{\n${body.join(",\n")}\n}\n`;
}

/** One-line JSON with spaces after separators, as people write small config values by hand. */
function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`);
    return `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}
