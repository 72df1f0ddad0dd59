// The cloud the manifest names, as a Cloud: the local one under .fleet/cloud, or the Cloudflare
// account in the environment (loaded only then: its SDK is not paid for by local runs).
import { join } from "node:path";
import type { Manifest } from "../manifest/schema.js";
import type { Cloud } from "./cloud.js";
import { LocalCloud } from "./local-cloud.js";

/** `persist: false` (local cloud): serve without the persisted KV/D1/R2 state, creating nothing. */
export async function cloudFor(
  manifest: Pick<Manifest, "providers">,
  monorepo: string,
  env: NodeJS.ProcessEnv,
  options: { persist?: boolean } = {},
): Promise<Cloud> {
  if (manifest.providers.cloud === "cloudflare") {
    const [{ CloudflareCloud }, { cloudflareCredentials }] = await Promise.all([
      import("./cloudflare/cloudflare-cloud.js"),
      import("./cloudflare/credentials.js"),
    ]);
    return new CloudflareCloud(cloudflareCredentials(env), join(monorepo, ".fleet", "cloudflare"));
  }
  return LocalCloud.at(monorepo, options);
}
