// Who holds each of the fleet's hostnames on a Cloudflare account now, and whether it could move
// to its worker (zone, DNS): what `fleet plan` shows beside the plan when the manifest names
// Cloudflare. One walk of the account's custom domains and routes, then each hostname's DNS.
import { repoNameFor } from "../../manifest/names.js";
import { workerRouteHosts } from "../../manifest/routes.js";
import type { Manifest } from "../../manifest/schema.js";
import { CloudflareApi } from "./api.js";
import { cloudflareCredentials } from "./credentials.js";
import { hostnameReadiness, type DnsState } from "./hostname-readiness.js";

export interface HostnameHolder {
  host: string;
  worker: string;
  /** The script holding it now, or null. */
  holder: string | null;
  /** Held as a Workers Route or a custom domain (null: nobody holds it). */
  as: "route" | "domain" | null;
  dns: DnsState;
  /** Whether it is its worker's already ("moved"), else how the worker would get it. */
  move: "moved" | "hand-over" | "route" | "domain" | "blocked";
  problem?: string;
}

export interface CloudHostnames {
  kind: "cloudflare";
  hostnames: HostnameHolder[];
  /** Why the account could not be read (then `hostnames` is empty, not "nobody holds them"). */
  error?: string;
}

export async function cloudflareHostnames(manifest: Manifest, env: NodeJS.ProcessEnv): Promise<CloudHostnames> {
  const wanted = Object.entries(manifest.workers)
    .filter(([, w]) => !w.external)
    .flatMap(([id, w]) => workerRouteHosts(w).map((host) => ({ id, host, script: repoNameFor(manifest, id) })));
  try {
    const api = new CloudflareApi(cloudflareCredentials(env));
    const readiness = new Map(
      (
        await hostnameReadiness(
          api,
          wanted.map((w) => w.host),
        )
      ).map((r) => [r.host, r]),
    );
    const hostnames = wanted.map(({ id, host, script }): HostnameHolder => {
      const r = readiness.get(host)!;
      const holder = r.holding?.script ?? null;
      const move = holder === script ? "moved" : r.problem ? "blocked" : r.take!;
      return { host, worker: id, holder, as: r.holding?.kind ?? null, dns: r.dns, move, ...(r.problem && move !== "moved" ? { problem: r.problem } : {}) };
    });
    return { kind: "cloudflare", hostnames };
  } catch (error) {
    return { kind: "cloudflare", hostnames: [], error: `cannot read the Cloudflare account: ${(error as Error).message.split("\n")[0]}` };
  }
}
