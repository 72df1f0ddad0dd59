// What fleet needs to reach a Cloudflare account, from the environment only (never a file or an
// argument): the API token and account id, optionally another API root, and optionally where
// `https://<hostname>/` is fetched (the API stand-in's edge when trying fleet without an account).
import { UserError } from "../../errors.js";
import type { CloudflareCredentials } from "./wrangler-commands.js";

export interface CloudflareAccess extends CloudflareCredentials {
  /** An origin that answers for every hostname (X-Forwarded-Host says which); unset: the internet. */
  edgeUrl?: string;
}

/** The credentials from the environment, or a clear error naming what to set. */
export function cloudflareCredentials(env: NodeJS.ProcessEnv): CloudflareAccess {
  const apiToken = env.CLOUDFLARE_API_TOKEN;
  const accountId = env.CLOUDFLARE_ACCOUNT_ID;
  if (!apiToken || !accountId) {
    const missing = [!apiToken && "CLOUDFLARE_API_TOKEN", !accountId && "CLOUDFLARE_ACCOUNT_ID"].filter(Boolean).join(" and ");
    const verb = !apiToken && !accountId ? "are" : "is";
    const permissions = "Account › Workers Scripts: Edit, Zone › Workers Routes: Edit, Zone › Zone: Read and Zone › DNS: Read";
    throw new UserError(`providers.cloud is cloudflare, and ${missing} ${verb} not set`, { hint: `the token needs ${permissions} for the fleet's zones` });
  }
  return {
    apiToken,
    accountId,
    ...(env.CLOUDFLARE_API_BASE_URL ? { apiBaseUrl: env.CLOUDFLARE_API_BASE_URL } : {}),
    ...(env.FLEET_EDGE_URL ? { edgeUrl: env.FLEET_EDGE_URL } : {}),
  };
}
