// Workers on a Cloudflare account, through wrangler itself (fleet's own installation): deploy
// from a prepared checkout, list versions and deployments, roll back, upload secrets. Version
// ids come from wrangler's NDJSON output file, not from its human output.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { packageDir } from "../build.js";
import { wranglerCommands, type CloudflareCredentials, type Target, type WranglerCommand } from "./wrangler-commands.js";

export interface CloudflareVersion {
  id: string;
  number: number;
  createdOn: string;
}

export interface CloudflareDeployment {
  id: string;
  createdOn: string;
  versions: { versionId: string; percentage: number }[];
  message?: string;
}

/** The credentials from the environment, or a clear error naming what to set. */
export function cloudflareCredentials(env: NodeJS.ProcessEnv): CloudflareCredentials {
  const apiToken = env.CLOUDFLARE_API_TOKEN;
  const accountId = env.CLOUDFLARE_ACCOUNT_ID;
  if (!apiToken || !accountId) {
    throw new UserError(`providers.cloud is cloudflare, and ${[!apiToken && "CLOUDFLARE_API_TOKEN", !accountId && "CLOUDFLARE_ACCOUNT_ID"].filter(Boolean).join(" and ")} ${!apiToken && !accountId ? "are" : "is"} not set`, {
      hint: "the token needs Account › Workers Scripts: Edit, and Zone › Workers Routes: Edit for the fleet's zone (custom domains also need Zone › DNS: Edit)",
    });
  }
  return { apiToken, accountId, ...(env.CLOUDFLARE_API_BASE_URL ? { apiBaseUrl: env.CLOUDFLARE_API_BASE_URL } : {}) };
}

export class CloudflareCloud {
  constructor(private readonly credentials: CloudflareCredentials) {}

  /** Deploys the checkout; resolves with the new version's id. */
  async deploy(checkout: string, target: Target): Promise<{ script: string; versionId: string; targets: string[] }> {
    return this.withScratch(async (scratch) => {
      const command = wranglerCommands.deploy(this.credentials, target, join(scratch, "out.ndjson"), join(scratch, "logs"));
      await this.run(command, checkout);
      const events = (await readFile(command.outputFile!, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const deploy = events.find((e) => e.type === "deploy");
      if (!deploy || typeof deploy.version_id !== "string") throw new Error("wrangler deployed but reported no version id");
      return { script: String(deploy.worker_name), versionId: deploy.version_id, targets: (deploy.targets as string[] | undefined) ?? [] };
    });
  }

  /** Oldest first, as wrangler lists them. */
  async versions(checkout: string, target: Target): Promise<CloudflareVersion[]> {
    const out = await this.withScratch((s) => this.run(wranglerCommands.versionsList(this.credentials, target, join(s, "logs")), checkout));
    return (JSON.parse(jsonPart(out)) as { id: string; number: number; metadata: { created_on: string } }[]).map((v) => ({ id: v.id, number: v.number, createdOn: v.metadata.created_on }));
  }

  /** Newest first. */
  async deployments(checkout: string, target: Target): Promise<CloudflareDeployment[]> {
    const out = await this.withScratch((s) => this.run(wranglerCommands.deploymentsList(this.credentials, target, join(s, "logs")), checkout));
    return (JSON.parse(jsonPart(out)) as { id: string; created_on: string; versions: { version_id: string; percentage: number }[]; annotations?: Record<string, string> }[]).map((d) => ({
      id: d.id,
      createdOn: d.created_on,
      versions: d.versions.map((v) => ({ versionId: v.version_id, percentage: v.percentage })),
      ...(d.annotations?.["workers/message"] ? { message: d.annotations["workers/message"] } : {}),
    })).sort((a, b) => (a.createdOn < b.createdOn ? 1 : -1)); // newest first, whatever order wrangler prints
  }

  async rollback(checkout: string, target: Target, versionId: string, message: string): Promise<void> {
    await this.withScratch((s) => this.run(wranglerCommands.rollback(this.credentials, target, versionId, message, join(s, "logs")), checkout));
  }

  /** Uploads secrets through wrangler's standard input: the values are never written to a file. */
  async putSecrets(checkout: string, target: Target, values: Record<string, string>): Promise<void> {
    await this.withScratch((s) => this.run(wranglerCommands.secretBulk(this.credentials, target, join(s, "logs")), checkout, JSON.stringify(values)));
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

  private run(command: WranglerCommand, cwd: string, input?: string): Promise<string> {
    const cli = join(packageDir("wrangler"), "wrangler-dist", "cli.js");
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--no-warnings", cli, ...command.args], { cwd, env: { ...process.env, ...command.env }, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdin.on("error", () => {});
      child.stdin.end(input ?? "");
      child.on("close", (code) => {
        if (code === 0) return resolve(stdout);
        const reason = (stderr + stdout).split("\n").filter((l) => /ERROR|✘|failed/i.test(l)).slice(0, 4).join(" ").replace(/\x1b\[[0-9;]*m/g, "").trim();
        reject(new Error(`wrangler ${command.args[0]} ${command.args[1] ?? ""} failed (exit ${code}): ${redact(reason || stderr.slice(-500), this.credentials)}`));
      });
    });
  }
}

/** wrangler prints its banner before the JSON on some versions: take the JSON. */
function jsonPart(out: string): string {
  const start = out.search(/^[[{]/m);
  return start >= 0 ? out.slice(start) : out;
}

function redact(text: string, credentials: CloudflareCredentials): string {
  return text.replaceAll(credentials.apiToken, "[redacted]").replaceAll(Buffer.from(credentials.apiToken).toString("base64"), "[redacted]");
}
