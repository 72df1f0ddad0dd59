// fleet ci: the monorepo's workflow that syncs the changed workers on every push.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

interface Workflow {
  on: { push: { branches: string[] } };
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: { sync: { steps: { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }[] } };
}

describe("fleet ci", () => {
  let dir: string;
  const file = () => join(dir, ".github", "workflows", "fleet-sync.yml");
  beforeAll(async () => {
    dir = join(await tempDir("fleet-ci-"), "monorepo");
    await generateExample(dir, { layout: "router", commits: 20 });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
  });

  it("writes a workflow that runs fleet sync --changed on every push to the branch, with the whole history", async () => {
    const result = await runFleet(["ci", "--cwd", dir]);
    expect(result.code, result.stderr).toBe(0);
    const workflow = parseYaml(await readFile(file(), "utf8")) as Workflow;
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
    const steps = workflow.jobs.sync.steps;
    expect(steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { "fetch-depth": 0 } });
    const sync = steps.find((s) => s.run?.includes("fleet sync"))!;
    expect(sync.run).toMatch(/npx --yes --package worker-fleet@\d+\.\d+\.\d+ fleet sync --changed$/);
    expect(sync.env).toBeUndefined(); // the local forge needs no token
    // the command it runs is one fleet accepts
    const args = sync.run!.split(" fleet ")[1]!.split(" ");
    expect((await runFleet([...args, "--dry-run", "--cwd", dir])).code).not.toBe(2);
    expect((await runFleet(["ci", "--cwd", dir])).stderr).toContain("nothing to do");
  });

  it("with the github forge, the token comes from the FLEET_GH_TOKEN secret; another workflow of that name is left alone", async () => {
    const manifest = join(dir, "fleet.jsonc");
    const text = await readFile(manifest, "utf8");
    await writeFile(manifest, applyEdits(text, modify(text, ["providers", "forge"], "github", {})));
    await writeFile(file(), "name: ours\n");
    const refused = await runFleet(["ci", "--cwd", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("exists with other content; left alone");
    expect(await readFile(file(), "utf8")).toBe("name: ours\n");
    const forced = await runFleet(["ci", "--force", "--cwd", dir]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain("add the Actions secret FLEET_GH_TOKEN");
    const workflow = parseYaml(await readFile(file(), "utf8")) as Workflow;
    expect(workflow.jobs.sync.steps.find((s) => s.run?.includes("fleet sync"))!.env).toEqual({ GH_TOKEN: "${{ secrets.FLEET_GH_TOKEN }}" });
  });

  it("with worker-fleet in the monorepo's package.json, installs the monorepo's locked version and runs that fleet", async () => {
    const pkgFile = join(dir, "package.json");
    const pkg = JSON.parse(await readFile(pkgFile, "utf8"));
    await writeFile(pkgFile, JSON.stringify({ ...pkg, devDependencies: { ...pkg.devDependencies, "worker-fleet": "^0.1.0" } }, null, 2));
    const stepsOf = async () => (parseYaml(await readFile(file(), "utf8")) as Workflow).jobs.sync.steps;

    await writeFile(join(dir, "package-lock.json"), "{}\n");
    const npm = await runFleet(["ci", "--force", "--cwd", dir]);
    expect(npm.code, npm.stderr).toBe(0);
    expect(npm.stdout).toContain("after npm ci");
    let steps = await stepsOf();
    const runs = steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual(["npm ci", "npx --no-install fleet sync --changed"]);
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!.with).toMatchObject({ "node-version": 24, cache: "npm" });
    expect(steps.at(-1)!.env).toEqual({ GH_TOKEN: "${{ secrets.FLEET_GH_TOKEN }}" });

    await rm(join(dir, "package-lock.json"));
    await writeFile(join(dir, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
    expect((await runFleet(["ci", "--force", "--cwd", dir])).code).toBe(0);
    steps = await stepsOf();
    expect(steps.flatMap((s) => (s.run ? [s.run] : []))).toEqual(["pnpm install --frozen-lockfile", "pnpm exec fleet sync --changed"]);
    expect(steps.findIndex((s) => s.uses?.startsWith("pnpm/action-setup@"))).toBeLessThan(steps.findIndex((s) => s.uses?.startsWith("actions/setup-node@")));

    // listed but with no lockfile npm ci could use: the version it names, through npx
    await rm(join(dir, "pnpm-lock.yaml"));
    await writeFile(pkgFile, JSON.stringify({ ...pkg, devDependencies: { "worker-fleet": "0.1.0" } }, null, 2));
    expect((await runFleet(["ci", "--force", "--cwd", dir])).code).toBe(0);
    expect((await stepsOf()).at(-1)!.run).toBe("npx --yes --package worker-fleet@0.1.0 fleet sync --changed");

    await writeFile(pkgFile, "{ not json");
    const broken = await runFleet(["ci", "--force", "--cwd", dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/package\.json:1:3: not valid JSON/);
    await writeFile(pkgFile, JSON.stringify(pkg, null, 2));
  });
});
