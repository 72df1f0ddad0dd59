// The fleet the example monorepo contains, in the order services join the history. Both
// layouts render the same services, so discovery can be compared across them.

export type LibKey = "context" | "headers" | "response" | "crypto" | "auth" | "logger" | "validate" | "cache" | "rate-limit" | "ids" | "pagination" | "db";

export type NpmPackage = "hono" | "nanoid";

export interface ServiceSpec {
  id: string;
  /** First label of the hostname: `<label>.chitty.cc`. */
  label: string;
  style: "fetch" | "context";
  /** Shared modules the service file imports directly. */
  libs: LibKey[];
  /** Names the service file reads as `env.NAME`. */
  env: string[];
  /** Fleet services it calls by https URL. */
  urls?: string[];
  npm?: NpmPackage[];
  test?: boolean;
  /** Lives in src/handlers/ first and is renamed into src/services/ later. */
  legacy?: boolean;
  /** Imports a module that no longer exists. */
  dangling?: boolean;
  /** Defines the SyncCoordinator durable object class. */
  durableObject?: boolean;
  /** Reads `context.env.NAME` instead of destructuring env. */
  contextEnv?: boolean;
  /** Part of the first commit. */
  initial?: boolean;
  /** Router layout: a cron and a queue the platform declares, each running a function of the service. */
  triggers?: ServiceTriggers;
}

export interface ServiceTriggers {
  cron: { schedule: string; run: string };
  queue: { name: string; producer: string; run: string };
}

export const NPM_VERSIONS: Record<NpmPackage, string> = { hono: "^4.6.0", nanoid: "^5.0.7" };

const s = (id: string, label: string, style: "fetch" | "context", libs: LibKey[], env: string[], extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  id,
  label,
  style,
  libs,
  env,
  ...extra,
});

export const SERVICES: readonly ServiceSpec[] = [
  s("project-initiation", "initiate", "fetch", ["response", "validate", "ids", "logger"], ["PROJECTS", "REGISTRY_SERVICE", "CHITTYID"], {
    test: true,
    initial: true,
    triggers: {
      cron: { schedule: "*/30 * * * *", run: "sweepStaleProjects" },
      queue: { name: "chittyos-project-events", producer: "PROJECT_EVENTS", run: "recordProjectEvents" },
    },
  }),
  s("registry", "registry", "fetch", ["response", "logger"], ["REGISTRY_KV", "ENVIRONMENT"], { npm: ["hono"], test: true, initial: true }),
  s("chittyledger", "ledger", "fetch", ["response", "pagination"], ["LEDGER_DB"], { test: true, initial: true }),
  s("canon", "canon", "fetch", ["response", "db"], ["CANON_VERSION"], { test: true, legacy: true, initial: true }),
  s("ai-gateway", "ai", "context", ["response", "rate-limit", "cache", "logger"], ["AI", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"], { test: true }),
  s("langchain", "langchain", "context", ["response"], ["AI", "OPENAI_API_KEY"], { urls: ["ai-gateway"], contextEnv: true }),
  s("beacon", "beacon", "context", ["logger"], ["ENVIRONMENT"], { urls: ["registry"], test: true, legacy: true }),
  s("sync", "sync", "fetch", ["response", "auth"], ["SYNC_STATE", "REGISTRY_SERVICE"], { test: true, durableObject: true }),
  s("chat", "chat", "context", ["response", "rate-limit"], ["AI"], { urls: ["ai-gateway"] }),
  s("evidence", "evidence", "fetch", ["response", "crypto", "db", "ids"], []),
  s("trust", "trust", "fetch", ["response", "auth"], [], { npm: ["nanoid"], test: true }),
  s("score", "score", "context", ["response", "cache"], ["ENVIRONMENT"], { test: true }),
  s("verify", "verify", "fetch", ["auth"], ["CHITTYAUTH", "JWT_SECRET"]),
  s("notary", "notary", "fetch", ["response", "crypto"], ["DB"], { dangling: true }),
  s("cases", "cases", "context", ["response", "db", "pagination", "ids"], []),
  s("docs", "docs", "fetch", ["headers"], ["ENVIRONMENT"], { legacy: true }),
  s("schema", "schema", "fetch", ["response", "validate"], [], { urls: ["canon"], test: true }),
  s("router-admin", "admin", "context", ["auth", "logger"], ["ENVIRONMENT", "REGISTRY_KV"], { contextEnv: true }),
  s("billing", "billing", "fetch", ["response", "auth"], ["STRIPE_SECRET_KEY", "LEDGER_DB"]),
  s("finance", "finance", "fetch", ["response", "pagination"], ["LEDGER_SERVICE"]),
  s("contracts", "contracts", "context", ["response", "db", "ids"], []),
  s("calendar", "calendar", "fetch", ["response"], ["DB"]),
  s("mail", "mail", "fetch", ["validate"], ["SENDGRID_API_KEY"]),
  s("notify", "notify", "context", ["rate-limit"], [], { urls: ["mail"] }),
  s("webhooks", "hooks", "fetch", ["crypto", "logger"], ["WEBHOOK_SIGNING_SECRET"]),
  s("search", "search", "context", ["cache", "pagination"], ["AI"]),
  s("analytics", "analytics", "fetch", ["db", "logger"], ["CACHE"]),
  s("storage", "files", "fetch", ["headers", "auth", "ids"], []),
  s("audit", "audit", "fetch", ["db", "pagination", "auth"], []),
  s("flow", "flow", "context", ["response", "logger"], [], { urls: ["notify"] }),
  s("forms", "forms", "fetch", ["validate", "ids"], ["PROJECTS"]),
  s("assets", "assets", "fetch", ["headers", "cache"], [], { npm: ["hono"] }),
  s("dispute", "dispute", "context", ["response", "auth"], [], { urls: ["cases", "evidence"] }),
  s("property", "property", "fetch", ["response", "db", "pagination"], ["NOTION_TOKEN"]),
  s("intake", "intake", "context", ["validate"], [], { urls: ["project-initiation"] }),
  s("dashboard", "dashboard", "context", ["auth", "cache"], ["ENVIRONMENT"], { urls: ["registry"] }),
];

export function serviceById(id: string): ServiceSpec {
  const spec = SERVICES.find((service) => service.id === id);
  if (!spec) throw new Error(`unknown example service ${id}`);
  return spec;
}

export function domainOf(spec: ServiceSpec): string {
  return `${spec.label}.chitty.cc`;
}

/** `project-initiation` -> `handleProjectInitiation`. */
export function handlerName(id: string): string {
  return (
    "handle" +
    id
      .split("-")
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join("")
  );
}

/** Workers outside the monorepo that the router forwards to. */
export const EXTERNAL = [
  { id: "id", domain: "id.chitty.cc", binding: "CHITTYID", service: "chittyos-id-worker" },
  { id: "auth", domain: "auth.chitty.cc", binding: "CHITTYAUTH", service: "chittyos-auth-worker" },
] as const;
