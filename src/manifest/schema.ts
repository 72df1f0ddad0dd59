// The manifest (`fleet.jsonc`) has one schema. Types are inferred from it and the JSON Schema
// for editors is generated from it (schema/fleet.schema.json, pinned by a test).
// Shape checks live here; rules across fields (unknown dependsOn, duplicate domains, cycles)
// live in validate.ts so that every problem can be reported at once.
import { z } from "zod";

/** Worker ids become repository, branch and file names: keep them to a safe alphabet. */
export const WORKER_ID = /^[a-z0-9-]{1,40}$/;
const HOST_LABELS = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}`;
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABELS}$`);
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;
/** A team's slug as GitHub makes it from the team's name. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** A semantic version as semver.org's own expression reads it (no leading "v"). */
const NUMBER = String.raw`(0|[1-9]\d*)`;
const PRERELEASE_ID = String.raw`(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const BUILD_ID = "[0-9a-zA-Z-]+";
export const SEMVER = new RegExp(
  String.raw`^${NUMBER}\.${NUMBER}\.${NUMBER}(?:-(${PRERELEASE_ID}(?:\.${PRERELEASE_ID})*))?(?:\+(${BUILD_ID}(?:\.${BUILD_ID})*))?$`,
);
/** A code owner as CODEOWNERS writes it: `@org/team-slug` or `@login`. */
export const OWNER = /^@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[a-z0-9][a-z0-9._-]{0,99}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;

/** Repository permissions as GitHub names them, weakest first. */
export const PERMISSIONS = ["pull", "triage", "push", "maintain", "admin"] as const;
const permission = z.enum(PERMISSIONS);

/** Who may do what in a worker repository (teams of the organisation, and users as direct collaborators). */
export const AccessSchema = z
  .strictObject({
    teams: z
      .record(z.string().regex(TEAM_SLUG, { message: "must be a team slug such as platform-team" }), permission)
      .optional()
      .describe("Team slug → pull, triage, push, maintain or admin"),
    users: z
      .record(z.string().regex(GITHUB_OWNER, { message: "must be a GitHub login" }), permission)
      .optional()
      .describe("GitHub login → pull, triage, push, maintain or admin (a direct collaborator; outside the organisation, an invitation)"),
  })
  .describe("Teams and users and their permission on the worker repositories; a worker's entries add to the fleet's and win over them");

const owners = z
  .array(z.string().regex(OWNER, { message: "must be @org/team-slug or @login, as CODEOWNERS writes them" }))
  .describe("Who reviews: the code owners written to .github/CODEOWNERS (@org/team-slug or @login)");

const protect = z.boolean().describe("Protect main with a ruleset: changes by pull request with a code owner's review; fleet's own sync still pushes");

/** A path inside the monorepo: relative, forward slashes, no `..`, no leading `./`. */
const repoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.includes("\\") && !/^[A-Za-z]:/.test(p) && p.split("/").every((s) => s !== ".." && s !== "." && s !== ""), {
    message: "must be a relative path inside the monorepo (forward slashes, no '..', '.', or empty segments)",
  });

const hostname = z.string().regex(HOSTNAME, { message: "must be a lowercase hostname such as initiate.chitty.cc" });

/** A wildcard route as a wrangler config writes it: `*.sites.example.test/*` (a host pattern, then a path). */
const WILDCARD_ROUTE = new RegExp(String.raw`^\*\.?${HOST_LABELS}(?:/\S*)?$`);
const wildcardRoute = z
  .string()
  .regex(WILDCARD_ROUTE, { message: "must be a wildcard route pattern such as *.sites.example.test/* (a hostname goes in domain or aliases)" });

/** Where a worker's code lives in the monorepo: a directory, or a service module of the router. */
export const SourceSchema = z
  .strictObject({
    dir: repoPath.optional().describe("directories layout: the worker's folder, split like filter-repo --subdirectory-filter"),
    config: repoPath
      .optional()
      .describe(
        "a wrangler config of its own at the monorepo root (wrangler-evidence.toml): " +
          "the worker is that config and its main's module closure, kept where they are",
      ),
    file: repoPath.optional().describe("router layout: the service module the platform router imports the handler from"),
    export: z.string().regex(JS_IDENTIFIER, { message: "must be a JavaScript identifier" }).optional().describe("router layout: the handler's export name"),
    style: z
      .enum(["fetch", "context"])
      .optional()
      .describe("router layout: handler takes (request, env, ctx) ('fetch') or the router's context object ('context')"),
    include: z.array(repoPath).optional().describe("router layout: extra monorepo files that belong to the worker (its tests, the context builder)"),
  })
  .describe("One of { dir }, { config } or { file, export, style, include }");

export const WorkerSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("Display name; defaults to the id in title case"),
    description: z.string().optional().describe("One line about the service, used in its README and catalog entry"),
    domain: hostname.optional().describe("The hostname the worker answers on, such as initiate.chitty.cc"),
    aliases: z
      .array(hostname)
      .optional()
      .describe("Other hostnames it serves (the router maps them to the same handler): routed, health-checked, registered and moved with the domain"),
    paths: z
      .array(z.string().regex(/^\/[^\s]*$/, { message: "must be a path prefix such as /pass" }))
      .optional()
      .describe("Path prefixes the platform router sends to this worker on any hostname (pathname.startsWith)"),
    routes: z
      .array(wildcardRoute)
      .optional()
      .describe(
        "Wildcard routes it serves, as its wrangler config writes them (*.sites.example.test/*): kept as patterns — " +
          "routed, registered and moved at cutover as written; health asks probeHost, else its workers.dev name",
      ),
    probeHost: hostname.optional().describe("A hostname one of its wildcard routes serves, where health asks for them (default: its workers.dev name)"),
    stagingHostnames: z.array(hostname).optional().describe("Hostnames of its staging environment (routes of env.staging)"),
    stagingRoutes: z.array(wildcardRoute).optional().describe("Wildcard routes of its staging environment (env.staging), as written"),
    health: z
      .strictObject({
        path: z
          .string()
          .regex(/^\/[^\s]*$/, { message: "must be a path such as /health" })
          .optional()
          .describe("Path asked on its hostname (default /health)"),
        statuses: z
          .array(z.string().regex(/^[1-5](\d\d|xx)$/, { message: "must be a status code such as 200 or a class such as 2xx" }))
          .min(1)
          .optional()
          .describe('Statuses that count as healthy (default ["200"])'),
        body: z.enum(["ok", "any"]).optional().describe("'ok': the JSON body's status must be ok or healthy (default); 'any': the status alone decides"),
      })
      .optional()
      .describe(
        "How to tell it is healthy; discovery writes { path: '/', statuses: ['2xx','3xx','4xx'], body: 'any' } for a worker whose code routes no /health",
      ),
    phase: z.int().positive().default(1).describe("Migration phase (1 first); dependencies should not be in a later phase"),
    week: z.int().positive().optional().describe("Planned migration week"),
    dependsOn: z
      .array(z.string())
      .default([])
      .describe("Ids of workers that must be deployed and healthy first (hard: service bindings, or your word); a cycle is refused"),
    calls: z
      .array(z.string())
      .optional()
      .describe("Ids of workers its code calls by URL (soft): they order deploys where they can; a cycle among them is broken, with a note"),
    external: z.url().optional().describe("Repository URL of a worker that already lives in its own repository"),
    source: SourceSchema.optional(),
    access: AccessSchema.optional(),
    owners: owners.optional().describe("Code owners of this worker's repository (instead of the fleet's)"),
    protect: protect.optional(),
    version: z
      .string()
      .regex(SEMVER, { message: "must be a semantic version such as 1.0.0 (no leading v)" })
      .optional()
      .describe(
        "The version its repository starts at (CHANGELOG.md's first release, package.json, release-please's manifest); " +
          "default: the version of its own package.json, else 1.0.0",
      ),
  })
  .describe("One worker: a service of the monorepo, or an external one");

const ProvidersSchema = z
  .strictObject({
    forge: z.enum(["local", "github"]).default("local").describe("Where worker repositories live"),
    cloud: z.enum(["local", "cloudflare"]).default("local").describe("Where workers run"),
    registry: z
      .union([z.literal("local"), z.url()])
      .default("local")
      .describe("'local' or the URL of a registry with the same API"),
    github: z
      .strictObject({
        visibility: z.enum(["private", "public"]).default("private").describe("Visibility of the repositories fleet creates"),
        apiUrl: z.url().optional().describe("REST API root for GitHub Enterprise Server (default https://api.github.com)"),
        gitUrl: z.url().optional().describe("Where git reaches the repositories (default https://github.com)"),
      })
      .optional()
      .describe("Settings of the github forge; the token comes from GH_TOKEN or GITHUB_TOKEN"),
  })
  .describe("Providers; the local, embedded ones are the default");

const MonorepoSchema = z
  .strictObject({
    layout: z
      .enum(["router", "directories"])
      .describe("router: one platform worker with src/services/*; directories: workers/<name>/ each with a wrangler config"),
    branch: z.string().min(1).optional().describe("Branch whose history is split; default: the branch checked out"),
    router: repoPath.optional().describe("router layout: the platform worker's entry (default src/platform-worker.js)"),
    wrangler: repoPath
      .optional()
      .describe("router layout: the platform worker's wrangler config, the one it is deployed with (found from package.json's scripts: --config)"),
    shared: z
      .array(repoPath)
      .optional()
      .describe("Folders that are shared packages, not workers, though they have a wrangler config (fleet init leaves them out)"),
  })
  .describe("How the workers live in the monorepo");

export const ManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    org: z.string().regex(GITHUB_OWNER, { message: "must be a GitHub organisation or user name" }).describe("Owner of the worker repositories"),
    repoName: z
      .string()
      .refine((s) => s.includes("{service}"), { message: "must contain {service}" })
      .refine((s) => /^[A-Za-z0-9._-]+$/.test(s.replaceAll("{service}", "x")), { message: "may only contain letters, digits, '.', '_', '-' and {service}" })
      .default("chittyos-{service}-worker")
      .describe("Repository name pattern; {service} is replaced by the worker id"),
    zone: hostname.describe("The Cloudflare zone the fleet's hostnames live in"),
    topics: z
      .array(z.string().regex(TOPIC, { message: "topics are lowercase letters, digits and '-'" }))
      .default([])
      .describe("Topics every worker repository gets"),
    secrets: z
      .array(z.string().regex(ENV_NAME, { message: "must be an environment variable name" }))
      .default([])
      .describe("Secrets every worker repository needs (names only)"),
    compatibilityDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date such as 2025-09-01" })
      .optional()
      .describe("The compatibility date of the wrangler configs fleet generates (default: the monorepo's); `fleet update` brings a change to every repository"),
    npm: z
      .strictObject({
        overrides: z
          .record(z.string(), z.union([z.string(), z.record(z.string(), z.unknown())]))
          .optional()
          .describe("npm overrides every worker repository's package.json gets (pin a transitive dependency fleet-wide)"),
      })
      .optional()
      .describe("npm settings of the worker repositories"),
    access: AccessSchema.optional(),
    owners: owners.optional(),
    protect: protect.optional(),
    monorepo: MonorepoSchema,
    providers: ProvidersSchema.default({ forge: "local", cloud: "local", registry: "local" }),
    workers: z.record(z.string().regex(WORKER_ID, { message: "worker ids are 1-40 of a-z, 0-9 and '-'" }), WorkerSchema),
  })
  .describe("worker-fleet manifest (fleet.jsonc)");

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type WorkerEntry = z.output<typeof WorkerSchema>;
export type WorkerSource = z.output<typeof SourceSchema>;
export type Permission = (typeof PERMISSIONS)[number];

/** The manifest's JSON Schema, for editors (`$schema`). */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ManifestSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
}
