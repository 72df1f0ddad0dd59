// The forge a manifest names: the local one (default), or a GitHub organisation with the token
// from the environment.
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { Manifest } from "../manifest/schema.js";
import type { Forge } from "./forge.js";
import { GitHubForge } from "./github.js";
import { LocalForge } from "./local.js";

export function forgeFor(manifest: Manifest, monorepo: string, env: NodeJS.ProcessEnv, log?: (message: string) => void): Forge {
  if (manifest.providers.forge !== "github") return new LocalForge(monorepo, manifest.org);
  const token = env.GH_TOKEN || env.GITHUB_TOKEN;
  if (!token) {
    throw new UserError("providers.forge is github, and neither GH_TOKEN nor GITHUB_TOKEN is set", {
      hint:
        "export GH_TOKEN=<a token with Administration, Contents, Environments and Secrets read and write on the organisation's repositories, " +
        "and Members read on the organisation for teams' access>",
    });
  }
  const github = manifest.providers.github;
  return new GitHubForge({
    org: manifest.org,
    token,
    ...(github?.apiUrl ? { apiUrl: github.apiUrl } : {}),
    ...(github?.gitUrl ? { gitUrl: github.gitUrl } : {}),
    visibility: github?.visibility ?? "private",
    ...(Number(env.FLEET_HTTP_TIMEOUT) > 0 ? { requestTimeoutMs: Number(env.FLEET_HTTP_TIMEOUT) * 1000 } : {}),
    stateDir: join(monorepo, ".fleet"),
    ...(log ? { log } : {}),
  });
}
