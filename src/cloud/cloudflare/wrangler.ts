// What changes Workers on a Cloudflare account, through wrangler itself (fleet's own
// installation): deploy from a prepared checkout, roll back, upload secrets. Reads go through the
// API (script-reads.ts), a request each instead of a wrangler process.
// Version ids come from wrangler's NDJSON output file, not from its human output. wrangler runs in
// a folder of fleet's (never a checkout: it would load the checkout's .env), with an environment
// of fleet's choosing plus the credentials (build-env.ts), and HOME in its scratch folder.
import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageDir } from "../build.js";
import { credentialedEnv } from "../build-env.js";
import { wranglerCommands, type CloudflareCredentials, type Target, type WranglerCommand } from "./wrangler-commands.js";

export interface CloudflareVersion {
  id: string;
  number: number;
  createdOn: string;
  /** What the deploy said with --tag and --message (workers/tag, workers/message). */
  tag?: string;
  message?: string;
}

export interface CloudflareDeployment {
  id: string;
  createdOn: string;
  versions: { versionId: string; percentage: number }[];
  message?: string;
}

export class Wrangler {
  constructor(private readonly credentials: CloudflareCredentials) {}

  /** Deploys with the config in `configDir` (a folder of fleet's); resolves with the new version's id. */
  async deploy(
    configDir: string,
    target: Target,
    annotate: { tag?: string; message?: string } = {},
    secrets?: Record<string, string>,
  ): Promise<{ script: string; versionId: string; targets: string[] }> {
    const withSecrets = secrets !== undefined && Object.keys(secrets).length > 0;
    return this.withScratch(async (scratch) => {
      const pipe = withSecrets ? join(scratch, "secrets") : undefined;
      const command = wranglerCommands.deploy(this.credentials, target, join(scratch, "out.ndjson"), join(scratch, "logs"), annotate, pipe);
      if (pipe) await throughPipe(pipe, JSON.stringify(secrets), () => this.run(command, configDir, undefined, scratch));
      else await this.run(command, configDir, undefined, scratch);
      const events = (await readFile(command.outputFile!, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const deploy = events.find((e) => e.type === "deploy");
      if (!deploy || typeof deploy.version_id !== "string") throw new Error("wrangler deployed but reported no version id");
      return { script: String(deploy.worker_name), versionId: deploy.version_id, targets: (deploy.targets as string[] | undefined) ?? [] };
    });
  }

  async rollback(target: Target, versionId: string, message: string): Promise<void> {
    await this.withScratch((s) => this.run(wranglerCommands.rollback(this.credentials, target, versionId, message, join(s, "logs")), s));
  }

  /**
   * Applies a D1 database's pending migrations (what wrangler's d1_migrations table lacks) from the
   * migrations folder the config in `configDir` (a folder of fleet's: upload-config.ts) names.
   */
  async applyD1Migrations(configDir: string, target: Target, database: string): Promise<void> {
    await this.withScratch((s) => this.run(wranglerCommands.d1MigrationsApply(this.credentials, target, database, join(s, "logs")), configDir));
  }

  /** Uploads secrets through wrangler's standard input: the values are never written to a file. */
  async putSecrets(target: Target, values: Record<string, string>): Promise<void> {
    await this.withScratch((s) => this.run(wranglerCommands.secretBulk(this.credentials, target, join(s, "logs")), s, JSON.stringify(values)));
  }

  /** wrangler's logs and output file go to a scratch folder that is removed afterwards. */
  private async withScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "fleet-wrangler-"));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** `home`: the scratch folder its HOME points at (by default the folder it starts in). */
  private run(command: WranglerCommand, cwd: string, input?: string, home = cwd): Promise<string> {
    const cli = join(packageDir("wrangler"), "wrangler-dist", "cli.js");
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--no-warnings", cli, ...command.args], {
        cwd,
        env: credentialedEnv(home, command.env),
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdin.on("error", () => {});
      child.stdin.end(input ?? "");
      child.on("close", (code) => {
        if (code === 0) return resolve(stdout);
        const reason = (stderr + stdout)
          .split("\n")
          .filter((l) => /ERROR|✘|failed|\[code: \d+\]/i.test(l))
          .slice(0, 6)
          .join(" ")
          .replace(/\x1b\[[0-9;]*m/g, "")
          .trim();
        reject(
          new Error(`wrangler ${command.args[0]} ${command.args[1] ?? ""} failed (exit ${code}): ${redact(reason || stderr.slice(-500), this.credentials)}`),
        );
      });
    });
  }
}

const execFileAsync = promisify(execFile);

/**
 * Hands `text` to a reader through a named pipe (mkfifo): wrangler's --secrets-file reads a path,
 * and a pipe's contents live in the kernel only — nothing rests on disk. (Standard input is a
 * socket for a child Node starts, which /dev/stdin cannot open.) If the reader never opens the
 * pipe, it is opened here once the reader is done, so the writer lets go.
 */
async function throughPipe<T>(path: string, text: string, reader: () => Promise<T>): Promise<T> {
  await execFileAsync("mkfifo", ["-m", "600", path]);
  const writing = (async () => {
    const handle = await open(path, "w");
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
  })();
  writing.catch(() => undefined);
  try {
    return await reader();
  } finally {
    const unblock = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writing.catch(() => undefined);
    await unblock?.close();
  }
}

function redact(text: string, credentials: CloudflareCredentials): string {
  return text.replaceAll(credentials.apiToken, "[redacted]").replaceAll(Buffer.from(credentials.apiToken).toString("base64"), "[redacted]");
}
