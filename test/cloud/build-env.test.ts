// The environments fleet starts other programs with are built from an allow-list: whatever the
// operator's environment holds, no credential fleet reads, and no variable fleet did not choose,
// reaches a repository's build; the credentialed wrangler gets exactly its own credentials more.
import { describe, expect, it } from "vitest";
import { credentialedEnv, npmEnv, repositoryEnv } from "../../src/cloud/build-env.js";

/** An operator's environment: the credentials fleet reads, a runtime secret, and everyday variables. */
const OPERATOR: NodeJS.ProcessEnv = {
  PATH: "/usr/local/bin:/usr/bin:/bin",
  HOME: "/home/operator",
  LANG: "en_GB.UTF-8",
  TMPDIR: "/var/tmp",
  CLOUDFLARE_API_TOKEN: "cf-operator-token",
  CLOUDFLARE_ACCOUNT_ID: "operator-account",
  CLOUDFLARE_API_BASE_URL: "https://api.example.test/client/v4",
  GH_TOKEN: "ghp_operator",
  GITHUB_TOKEN: "ghp_operator_too",
  FLEET_GH_TOKEN: "ghp_fleet",
  FLEET_REGISTRY_TOKEN: "registry-token",
  JWT_SECRET: "jwt-value",
  AWS_SECRET_ACCESS_KEY: "aws-value",
  SSH_AUTH_SOCK: "/tmp/ssh-agent.sock",
  NODE_OPTIONS: "--require /home/operator/hook.js",
  HTTPS_PROXY: "http://proxy.example.test:3128",
  npm_config_registry: "https://npm.example.test/",
  npm_config__authToken: "npm-token",
};
const CREDENTIALS = [
  "CLOUDFLARE_API_TOKEN",
  "CLOUDFLARE_ACCOUNT_ID",
  "CLOUDFLARE_API_BASE_URL",
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "FLEET_GH_TOKEN",
  "FLEET_REGISTRY_TOKEN",
];

function values(env: Record<string, string>): string[] {
  return Object.values(env);
}

describe("the environments fleet starts programs with", () => {
  it("a repository's build gets PATH, language, network settings and a scratch HOME, and nothing else of the operator's", () => {
    const env = repositoryEnv("/scratch/home", OPERATOR);
    expect(env).toMatchObject({
      PATH: OPERATOR.PATH,
      LANG: "en_GB.UTF-8",
      TMPDIR: "/var/tmp",
      HOME: "/scratch/home",
      XDG_CONFIG_HOME: "/scratch/home/.config",
      CI: "1",
    });
    expect(env.HTTPS_PROXY).toBe(OPERATOR.HTTPS_PROXY);
    for (const name of [...CREDENTIALS, "JWT_SECRET", "AWS_SECRET_ACCESS_KEY", "SSH_AUTH_SOCK", "NODE_OPTIONS", "npm_config_registry"])
      expect(env).not.toHaveProperty(name);
    const secretValues = Object.entries(OPERATOR)
      .filter(([name]) => !["PATH", "LANG", "TMPDIR", "HTTPS_PROXY"].includes(name))
      .map(([, v]) => v);
    expect(values(env).filter((v) => secretValues.includes(v))).toEqual([]);
  });

  it("npm also gets the network settings and the npm settings an operator sets for it, never a token", () => {
    const env = npmEnv("/scratch/home", OPERATOR);
    expect(env).toMatchObject({
      HOME: "/scratch/home",
      HTTPS_PROXY: OPERATOR.HTTPS_PROXY,
      npm_config_registry: "https://npm.example.test/",
      npm_config_cache: "/home/operator/.npm",
    });
    for (const name of [...CREDENTIALS, "JWT_SECRET", "npm_config__authToken", "NODE_OPTIONS"]) expect(env).not.toHaveProperty(name);
  });

  it("fleet's own wrangler gets the credentials it is handed, and none it is not", () => {
    const env = credentialedEnv("/scratch/home", { CLOUDFLARE_API_TOKEN: "handed-token", CLOUDFLARE_ACCOUNT_ID: "handed-account" }, OPERATOR);
    expect(env).toMatchObject({ CLOUDFLARE_API_TOKEN: "handed-token", CLOUDFLARE_ACCOUNT_ID: "handed-account", HOME: "/scratch/home" });
    for (const name of ["CLOUDFLARE_API_BASE_URL", "GH_TOKEN", "GITHUB_TOKEN", "FLEET_GH_TOKEN", "FLEET_REGISTRY_TOKEN", "JWT_SECRET", "NODE_OPTIONS"])
      expect(env).not.toHaveProperty(name);
  });
});
