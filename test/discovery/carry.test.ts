// What a folder worker needs from outside its folder, read from its code and its wrangler config:
// carried when git has it inside the monorepo, else uncarriable with the reason — and what its own
// build may still make (a module inside its folder, a module only import() asks for) is neither.
import { describe, expect, it } from "vitest";
import { fixtureRepo } from "../helpers/fixture.js";
import { runFleet } from "../helpers/run.js";

interface Planned {
  id: string;
  filterRepo: string;
  carried: { path: string; for: string }[];
  uncarriable: { path: string; for: string; reason: string }[];
  warnings: string[];
}

const worker = (name: string, config: Record<string, unknown>, code = "export default { fetch: () => new Response('ok') };\n") => ({
  [`workers/${name}/wrangler.jsonc`]: JSON.stringify({ name: `acme-${name}`, main: "index.js", compatibility_date: "2025-09-01", ...config }),
  [`workers/${name}/index.js`]: code,
});

describe("what a folder worker needs from outside its folder", () => {
  it("carries what git has, refuses what lies outside the monorepo or is not in git, and leaves to the worker what its own build may make", async () => {
    const dir = await fixtureRepo({
      "package.json": JSON.stringify({ name: "@acme/workers", private: true, workspaces: ["workers/*"] }),
      "tsconfig.base.json": "{}\n",
      "tsconfig.worker.json": JSON.stringify({ extends: "./tsconfig.base.json" }),
      "src/worker.js": "export default { fetch: () => new Response('ok') };\n",
      ...worker("far", { containers: [{ class_name: "C", image: "../../../elsewhere/Dockerfile" }] }),
      ...worker("around", { containers: [{ class_name: "C", image: "./Dockerfile", image_build_context: ".." }] }),
      "workers/around/Dockerfile": "FROM alpine\n",
      ...worker("site", { assets: { directory: "../../dist/site" } }),
      ...worker("registry", { containers: [{ class_name: "C", image: "registry.example.com/app:1.2" }] }),
      ...worker("own", {}, `import "./generated.js";\nexport default { fetch: async () => (await import("../../missing.js")).default };\n`),
      ...worker("main-out", { main: "../../src/worker.js", tsconfig: "../../tsconfig.worker.json" }),
    });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const result = await runFleet(["plan", "--json", "--cwd", dir]);
    expect(result.code, result.stderr).toBe(0);
    const plan = new Map((JSON.parse(result.stdout) as { workers: Planned[] }).workers.map((w) => [w.id, w]));
    const refused = (id: string) => plan.get(id)!.uncarriable.map((u) => [u.path, u.for, u.reason]);

    expect(refused("far")).toEqual([
      ["../elsewhere/Dockerfile", "containers[0].image", "outside the monorepo"],
      ["../elsewhere/", "containers[0].image_build_context", "outside the monorepo"],
    ]);
    expect(refused("around")).toEqual([["workers/", "containers[0].image_build_context", expect.stringContaining("a folder around the worker's own")]]);
    expect(refused("site")).toEqual([["dist/site/", "assets.directory", expect.stringContaining("not in git")]]);
    // an image from a registry is no path; a module inside the folder its build may make, and one only import() asks for, are its own to have
    for (const id of ["registry", "own"]) expect({ id, refused: refused(id), carried: plan.get(id)!.carried }).toEqual({ id, refused: [], carried: [] });
    expect(plan.get("own")!.warnings).toContain("workers/own/index.js imports ./generated.js, which does not exist");
    expect(plan.get("main-out")!.filterRepo).toBe("--path workers/main-out/ --path src/worker.js --path tsconfig.base.json --path tsconfig.worker.json");
    expect(plan.get("main-out")!.carried.map((c) => c.for)).toEqual(["main", "tsconfig (extended by tsconfig.worker.json)", "tsconfig"]);
  });

  it("a router service's static import of a module git does not have is refused; one only import() asks for is a warning", async () => {
    const dir = await fixtureRepo({
      "package.json": JSON.stringify({ name: "@acme/platform", private: true }),
      "wrangler.toml": 'name = "platform"\nmain = "src/platform-worker.js"\n',
      "src/platform-worker.js": [
        `import { handleA } from "./services/a.js";`,
        `import { handleB } from "./services/b.js";`,
        `const services = { "a.acme.dev": handleA, "b.acme.dev": handleB };`,
        "export default { fetch: (request, env, ctx) => services[new URL(request.url).hostname](request, env, ctx) };",
        "",
      ].join("\n"),
      "src/services/a.js": `import { version } from "../generated/version.js";\nexport const handleA = () => new Response(version);\n`,
      "src/services/b.js": `export const handleB = async () => { try { await import("../generated/metrics.js"); } catch {} return new Response("b"); };\n`,
    });
    expect((await runFleet(["init", "--cwd", dir])).code).toBe(0);
    const plan = JSON.parse((await runFleet(["plan", "--json", "--cwd", dir])).stdout) as { workers: Planned[] };
    const byId = new Map(plan.workers.map((w) => [w.id, w]));
    expect(byId.get("a")!.uncarriable).toEqual([
      { path: "src/generated/version.js", for: "imported by src/services/a.js (../generated/version.js)", reason: expect.stringContaining("not in git") },
    ]);
    expect(byId.get("b")!.uncarriable).toEqual([]);
    expect(byId.get("b")!.warnings).toContain("src/services/b.js imports ../generated/metrics.js, which does not exist");
  });
});
