// package-lock.json for a worker repository, so that its CI's `npm ci` works from the first
// push. npm resolves it (`npm install --package-lock-only`: metadata only, nothing installed,
// no scripts). Repositories of one fleet share most dependency sets, so resolutions are kept for
// a day in a cache keyed by what decides them (the dependency fields and overrides; under
// $FLEET_CACHE_DIR, else ~/.cache/worker-fleet), and each lockfile's root entry is then written
// from its own package.json, as npm writes it.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { run } from "../cloud/build.js";
import { npmEnv, withScratchHome } from "../cloud/build-env.js";

// A resolution is reused for a day: long enough for one `fleet create --all`, short enough that
// repositories created later get the versions published since.
const CACHE_FOR_MS = 24 * 60 * 60 * 1000;

const RESOLUTION_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "overrides"] as const;
// the fields of package.json npm copies into the lockfile's root entry (packages[""])
const ROOT_FIELDS = [
  "name",
  "version",
  "license",
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "bin",
  "engines",
  "funding",
  "os",
  "cpu",
] as const;

function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.FLEET_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "worker-fleet");
}

/**
 * `local`: package.json files of packages the worker repository holds (workspace packages it
 * carries, path → content), which its `file:` dependencies point at: npm reads them to resolve.
 */
export async function lockfileFor(packageJson: string, env: NodeJS.ProcessEnv = process.env, local: ReadonlyMap<string, string> = new Map()): Promise<string> {
  const pkg = JSON.parse(packageJson) as Record<string, unknown>;
  const key = createHash("sha256")
    .update(JSON.stringify(RESOLUTION_FIELDS.map((f) => [f, pkg[f] ?? null])))
    .update(JSON.stringify([...local].sort(([a], [b]) => (a < b ? -1 : 1))))
    .digest("hex")
    .slice(0, 32);
  const cached = join(cacheDir(env), "npm-locks", `${key}.json`);
  const fresh = await stat(cached).then(
    (s) => Date.now() - s.mtimeMs < CACHE_FOR_MS,
    () => false,
  );
  let lock = fresh
    ? await readFile(cached, "utf8").then(
        (t) => JSON.parse(t) as Record<string, any>,
        () => undefined,
      )
    : undefined;
  if (!lock) {
    lock = await resolve(pkg, local);
    await mkdir(join(cacheDir(env), "npm-locks"), { recursive: true });
    const temp = `${cached}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(lock));
    await rename(temp, cached);
  }
  const root: Record<string, unknown> = {};
  for (const field of ROOT_FIELDS) if (pkg[field] !== undefined) root[field] = pkg[field];
  const { name: _n, version: _v, ...rest } = lock;
  const out = {
    ...(pkg.name !== undefined ? { name: pkg.name } : {}),
    ...(pkg.version !== undefined ? { version: pkg.version } : {}),
    ...rest,
    packages: { ...lock.packages, "": root },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

async function resolve(pkg: Record<string, unknown>, local: ReadonlyMap<string, string>): Promise<Record<string, any>> {
  const dir = await mkdtemp(join(tmpdir(), "fleet-lock-"));
  try {
    for (const [path, content] of local) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const minimal: Record<string, unknown> = { name: "fleet-lock", version: "0.0.0", private: true };
    for (const field of RESOLUTION_FIELDS) if (pkg[field] !== undefined) minimal[field] = pkg[field];
    await writeFile(join(dir, "package.json"), JSON.stringify(minimal, null, 2));
    const args = ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--workspaces=false"];
    const npm = await withScratchHome((home) => run("npm", args, dir, npmEnv(home)));
    if (npm.code !== 0) {
      // the first line is what a per-worker result shows: npm's own reason, not only that it failed
      const lines = npm.output.split("\n").map((l) => l.replace(/^npm (error|ERR!)\s*/, "").trim());
      let reason = lines.find((l) => l && !/^code\b/.test(l)) ?? `npm exited ${npm.code}`;
      // a peer conflict (pnpm lets it pass, npm does not): name the two sides
      const conflict = lines.indexOf("Could not resolve dependency:");
      const found = lines.find((l) => l.startsWith("Found: "));
      if (conflict >= 0 && lines[conflict + 1]) {
        const foundNote = found ? ` (${found.replace(/^Found: /, "found ")})` : "";
        reason += `: ${lines[conflict + 1]}${foundNote}; an npm override in fleet.jsonc's npm.overrides can settle it`;
      }
      throw new Error(`npm could not resolve the worker's dependencies: ${reason}\n${npm.output.slice(-2000)}`);
    }
    return JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8")) as Record<string, any>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
