// Slow suite: fleet as users get it. `npm pack` of this repository, installed with plain
// `npm install` into an empty folder, then every command run from there — never from this
// repository's own node_modules (the children's PATH has no node_modules/.bin of ours, and the
// folders live outside this repository, so nothing resolves back into it).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { satisfiesNode } from "../../src/cli/node-version.js";
import { NO_SECRETS } from "../lifecycle/fixture.js";
import { tempDir } from "../helpers/tmp.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** PATH without any node_modules/.bin, with `nodeDir` (a Node of our choosing) first. */
function pathWith(nodeDir: string): string {
  const rest = (process.env.PATH ?? "").split(delimiter).filter((d) => d && !d.includes(`node_modules`));
  return [nodeDir, ...rest].join(delimiter);
}

const NODE_24 = dirname(process.execPath);

function sh(command: string, args: string[], cwd: string, options: { path?: string; env?: Record<string, string> } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...NO_SECRETS, NO_COLOR: "1", CI: "1", PATH: options.path ?? pathWith(NODE_24), ...options.env };
    for (const key of Object.keys(env)) if (key.startsWith("npm_") || key === "NODE_PATH" || key === "INIT_CWD") delete env[key];
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A Node.js older than fleet needs, from the machine's own PATH (these machines have Node 20). */
function oldNode(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"].filter((d) => d && !d.includes("node_modules"));
  for (const dir of dirs) {
    const node = join(dir, "node");
    if (!existsSync(node)) continue;
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (version && !satisfiesNode(version, "22.12")) return dir;
  }
  return undefined;
}

describe("fleet installed from its package, as users install it", () => {
  let root: string;
  let app: string;
  let tarball: string;

  beforeAll(async () => {
    root = await tempDir("fleet-install-");
    const packed = await sh("npm", ["pack", "--pack-destination", root], REPO);
    expect(packed.code, packed.output.slice(-3000)).toBe(0);
    tarball = join(root, (await readdir(root)).find((f) => f.endsWith(".tgz"))!);
    app = join(root, "app");
    await mkdir(app);
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "trying-fleet", private: true, type: "module" }));
    const installed = await sh("npm", ["install", "--no-audit", "--no-fund", tarball], app);
    expect(installed.code, installed.output.slice(-3000)).toBe(0);
    console.log(`npm install of ${tarball.split("/").pop()}: ${spawnSync("du", ["-sh", join(app, "node_modules")], { encoding: "utf8" }).stdout.trim()}`);
  }, 600_000);

  it("runs the whole demo: npx fleet demo", async () => {
    const demo = await sh("npx", ["fleet", "demo", "--dir", join(root, "demo")], app);
    expect(demo.code, demo.output.slice(-4000)).toBe(0);
    expect(demo.output).toContain("$ fleet cutover project-initiation --apply");
    expect(existsSync(join(root, "demo", "fleet-status.html"))).toBe(true);
  }, 600_000);

  it("creates, syncs and deploys a generated example's workers", async () => {
    const mono = join(root, "mono");
    const fleet = (...args: string[]) => sh("npx", ["fleet", ...args, "--cwd", mono], app);
    expect((await sh("npx", ["fleet", "example", mono, "--commits", "200"], app)).code).toBe(0);
    for (const step of [["init"], ["create", "--all"], ["sync", "--all"], ["deploy", "--platform"], ["deploy", "--all"]]) {
      const result = await fleet(...step);
      expect(result.code, `fleet ${step.join(" ")}:\n${result.output.slice(-4000)}`).toBe(0);
    }
    const health = await fleet("health", "project-initiation", "--json");
    expect(health.code, health.output.slice(-3000)).toBe(0);
  }, 900_000);

  it("is a typed library: the package's entry splits the example, and its types check", async () => {
    const mono = join(root, "library-mono");
    expect((await sh("npx", ["fleet", "example", mono, "--commits", "120"], app)).code).toBe(0);
    await writeFile(
      join(app, "split.ts"),
      [
        `import { init, plan, split, type SplitResult } from "worker-fleet";`,
        `const cwd = process.argv[2]!;`,
        `await init({ cwd });`,
        `const fleet = await plan({ cwd });`,
        `const result: SplitResult = await split({ cwd, workers: fleet.order.slice(0, 3) });`,
        `// @ts-expect-error: the types say what a call takes (a list of worker ids, not a number)`,
        `if (process.argv[3] === "never") await split({ cwd, workers: 3 });`,
        `console.log(JSON.stringify({ order: fleet.order.length, workers: result.workers.map((w) => ({ id: w.id, ref: w.ref, commit: w.commit, commits: w.commits })) }));`,
        "",
      ].join("\n"),
    );
    const typesNode = await sh("npm", ["install", "--no-audit", "--no-fund", "-D", "@types/node@24", "typescript@5"], app);
    expect(typesNode.code, typesNode.output.slice(-2000)).toBe(0);
    await writeFile(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2023", strict: true, noEmit: true, skipLibCheck: true }, files: ["split.ts"] }));
    const types = await sh("npx", ["--no-install", "tsc", "-p", "tsconfig.json"], app);
    expect(types.code, types.output).toBe(0);
    // Node runs the TypeScript file itself (type stripping), importing the installed package
    const run = await sh(process.execPath, ["split.ts", mono], app);
    expect(run.code, run.output).toBe(0);
    const { order, workers } = JSON.parse(run.output.trim().split("\n").at(-1)!) as { order: number; workers: { id: string; ref: string; commit: string; commits: number }[] };
    expect(order).toBeGreaterThan(30);
    expect(workers).toHaveLength(3);
    for (const w of workers) {
      expect(w.commits).toBeGreaterThan(0);
      const ref = spawnSync("git", ["rev-parse", w.ref], { cwd: mono, encoding: "utf8" });
      expect(ref.stdout.trim(), w.id).toBe(w.commit);
    }
  }, 600_000);

  it("on a Node older than 22.12 every command exits 2 at once, naming both versions", async () => {
    const old = oldNode();
    if (!old) {
      console.log("no Node older than 22.12 on this machine's PATH: the old-Node check is covered by test/cli/node-version.test.ts only");
      return;
    }
    const mono = join(root, "mono");
    const refused = await sh("npx", ["fleet", "plan", "--cwd", mono], app, { path: pathWith(old) });
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toMatch(/^error: fleet needs Node\.js 22\.12 or newer; this is Node\.js 20\.\d+\.\d+/m);
    expect(refused.output).toContain("nvm install 24");
    expect(refused.output).not.toMatch(/\n\s+at /); // no stack
    const works = await sh("npx", ["fleet", "plan", "--cwd", mono], app);
    expect(works.code, works.output).toBe(0);
  }, 120_000);

  it("a monorepo that lists worker-fleet gets a CI workflow that installs it with npm ci and runs that fleet", async () => {
    const mono = join(root, "ci-mono");
    expect((await sh("npx", ["fleet", "example", mono, "--commits", "120"], app)).code).toBe(0);
    const pkgFile = join(mono, "package.json");
    const pkg = JSON.parse(await readFile(pkgFile, "utf8")) as Record<string, unknown>;
    // Only fleet, to keep the install small. The override: vite 8.4.0 (what Vitest resolves to
    // today) names an optional dependency the registry answers 404 for, and `npm ci` then finds
    // the lockfile "out of sync"; nothing of fleet's, but it would fail this check for that alone.
    await writeFile(pkgFile, JSON.stringify({ ...pkg, dependencies: {}, devDependencies: {}, overrides: { vite: "~8.3.0" } }, null, 2));
    // the team's way: fleet installed into the monorepo itself
    const install = await sh("npm", ["install", "--no-audit", "--no-fund", "-D", tarball], mono);
    expect(install.code, install.output.slice(-3000)).toBe(0);
    for (const step of [["init"], ["create", "--all"], ["ci"]]) {
      const result = await sh("npx", ["--no-install", "fleet", ...step], mono);
      expect(result.code, `fleet ${step.join(" ")}:\n${result.output.slice(-3000)}`).toBe(0);
    }
    // the workflow's own steps, run as the runner would after checkout
    const workflow = parseYaml(await readFile(join(mono, ".github", "workflows", "fleet-sync.yml"), "utf8")) as { jobs: { sync: { steps: { run?: string }[] } } };
    const runs = workflow.jobs.sync.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual(["npm ci", "npx --no-install fleet sync --changed"]);
    for (const line of runs) {
      const result = await sh("bash", ["-c", line], mono);
      expect(result.code, `${line}:\n${result.output.slice(-3000)}`).toBe(0);
      if (line.includes("fleet sync")) expect(result.output).toMatch(/\d+ merged/);
    }
  }, 900_000);
});
