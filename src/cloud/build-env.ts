// The environments fleet starts other programs with. A worker repository's content (its custom
// build command, the modules wrangler's bundler loads, the config npm reads) is code its team
// wrote: it runs with an environment built here on purpose, from an allow-list, never with
// fleet's own. So no token fleet holds (GH_TOKEN, CLOUDFLARE_API_TOKEN, FLEET_REGISTRY_TOKEN, a
// runtime secret's value) and no variable fleet did not choose ever reaches it, and HOME is a
// scratch folder, so that the operator's ~/.npmrc, wrangler login and git credentials are not
// where its tools look. The credentialed wrangler (upload, rollback, D1 migrations) gets its
// token on top of the same allow-list, and runs nothing of a repository's (cloudflare/upload-config.ts).
import { homedir, tmpdir } from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";

/** What any program needs to run as it would for the user: where programs are, language and time zone, where temporary files go. */
const BASIC = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"] as const;
/**
 * What a program that reaches the network needs behind a proxy or a private certificate
 * authority: npm, fleet's wrangler, and a custom build that installs packages itself.
 */
const NETWORK = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
] as const;

function pick(from: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (from[name] !== undefined) out[name] = from[name]!;
  return out;
}

const QUIET = { WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };

/** node's compile cache: where a build's wrangler keeps what it parsed, shared by every build (wrangler's code, not a repository's). */
function compileCache(from: NodeJS.ProcessEnv): string {
  return from.NODE_COMPILE_CACHE ?? join(tmpdir(), "node-compile-cache");
}

/**
 * For whatever runs a repository's content: wrangler's bundling and custom build. HOME and the
 * XDG folders are the scratch `home`, so nothing the operator keeps under their home is where a
 * tool would read it; the network settings pass, as a build that installs packages needs them.
 */
export function repositoryEnv(home: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ...pick(from, BASIC),
    ...pick(from, NETWORK),
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    NODE_COMPILE_CACHE: compileCache(from),
    ...QUIET,
  };
}

/** npm's own settings an operator may set for fleet on purpose: another registry, or a config file of their choosing (a private registry's login). */
const NPM_SETTINGS = ["npm_config_registry", "npm_config_userconfig"] as const;

/**
 * For npm installing or resolving a repository's dependencies (scripts off: npm runs none of
 * the repository's code, but reads its package.json and any .npmrc it carries, whose `${VAR}`
 * references would expand from this environment). npm's package cache stays the operator's, so
 * packages are not downloaded again for every build.
 */
export function npmEnv(home: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ...repositoryEnv(home, from),
    ...pick(from, NPM_SETTINGS),
    npm_config_cache: from.npm_config_cache ?? join(from.HOME ?? homedir(), ".npm"),
  };
}

/** For fleet's own wrangler reaching Cloudflare with fleet's credentials (`credentials`), in a folder of fleet's. */
export function credentialedEnv(home: string, credentials: Record<string, string>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { ...repositoryEnv(home, from), ...credentials };
}

/** A scratch HOME for one program run, removed afterwards. */
export async function withScratchHome<T>(work: (home: string) => Promise<T>): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), "fleet-home-"));
  try {
    return await work(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
