// Every wrangler invocation the Cloudflare provider makes, built as data (argument list and
// environment) so that tests can check them without running anything. The API token and account
// travel in the environment only, never in the arguments (which `ps` shows).

export interface CloudflareCredentials {
  apiToken: string;
  accountId: string;
  /** Another API root (a stand-in in tests); wrangler reads CLOUDFLARE_API_BASE_URL. */
  apiBaseUrl?: string;
}

export interface WranglerCommand {
  args: string[];
  env: Record<string, string>;
  /** Where wrangler writes its NDJSON events (version ids), when the command reports one. */
  outputFile?: string;
}

export interface Target {
  /** The worker's wrangler config, relative to its checkout; or, without a checkout, its name. */
  config?: string;
  name?: string;
  /** The wrangler environment (staging, production); undefined for the top level. */
  environment?: string;
}

function base(credentials: CloudflareCredentials, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLOUDFLARE_API_TOKEN: credentials.apiToken,
    CLOUDFLARE_ACCOUNT_ID: credentials.accountId,
    ...(credentials.apiBaseUrl ? { CLOUDFLARE_API_BASE_URL: credentials.apiBaseUrl } : {}),
    WRANGLER_SEND_METRICS: "false",
    CI: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

const where = (t: Target) => [...(t.config ? ["--config", t.config] : ["--name", t.name!]), ...(t.environment === undefined ? [] : ["--env", t.environment])];

export const wranglerCommands = {
  /** Build, upload and deploy at 100%; the NDJSON "deploy" event carries the version id. */
  deploy(
    c: CloudflareCredentials,
    t: Target,
    outputFile: string,
    logDir: string,
    annotate: { tag?: string; message?: string } = {},
    secretsPipe?: string,
  ): WranglerCommand {
    const annotations = [...(annotate.tag ? ["--tag", annotate.tag] : []), ...(annotate.message ? ["--message", annotate.message] : [])];
    // secrets go up with the version, read as JSON from a named pipe: never a file or an argument
    const secrets = secretsPipe ? ["--secrets-file", secretsPipe] : [];
    return {
      args: ["deploy", ...where(t), ...annotations, ...secrets],
      env: base(c, { WRANGLER_OUTPUT_FILE_PATH: outputFile, WRANGLER_LOG_PATH: logDir }),
      outputFile,
    };
  },
  /** The build alone, as Cloudflare would receive it (no account needed). */
  dryRun(t: Target, outdir: string): WranglerCommand {
    return { args: ["deploy", "--dry-run", "--outdir", outdir, ...where(t)], env: { WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" } };
  },
  /** Back to an earlier version (wrangler: only recent ones, not across a Durable Object migration). */
  rollback(c: CloudflareCredentials, t: Target, versionId: string, message: string, logDir: string): WranglerCommand {
    return { args: ["rollback", versionId, ...where(t), "--message", message, "--yes"], env: base(c, { WRANGLER_LOG_PATH: logDir }) };
  },
  /**
   * A D1 database's pending migrations applied on the account (`<database>`: its binding or name
   * in the config); without a terminal wrangler applies them without asking.
   */
  d1MigrationsApply(c: CloudflareCredentials, t: Target, database: string, logDir: string): WranglerCommand {
    return { args: ["d1", "migrations", "apply", database, "--remote", ...where(t)], env: base(c, { WRANGLER_LOG_PATH: logDir }) };
  },
  /** Secrets from standard input (a JSON object), so the values never touch a file. */
  secretBulk(c: CloudflareCredentials, t: Target, logDir: string): WranglerCommand {
    return { args: ["secret", "bulk", ...where(t)], env: base(c, { WRANGLER_LOG_PATH: logDir }) };
  },
};
