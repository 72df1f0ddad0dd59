// The migrations folder of a D1 database travels with every worker whose code reads the binding:
// a router's service carries the platform's folder in its split filter (paths kept where they
// are); a folder worker's is inside its folder, or carried beside it at its path when outside.
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { ROUTER_FILES } from "./router-fixture.js";

interface Planned {
  id: string;
  paths: string[];
  filter: { paths?: string[]; subdirectory?: string } | null;
  warnings: string[];
}

async function plan(files: Record<string, string>): Promise<Planned[]> {
  const dir = await fixtureRepo(files);
  const init = await runFleet(["init", "--cwd", dir, "--org", "acme"]);
  expect(init.code, init.stderr).toBe(0);
  const result = await runFleet(["plan", "--json", "--cwd", dir]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout).workers as Planned[];
}

describe("D1 migrations in the split", () => {
  it("router layout: a service reading env.DB carries the platform's migrations folder; one that does not, none", async () => {
    const workers = await plan({
      ...ROUTER_FILES,
      "migrations/0001_init.sql": "CREATE TABLE items (id INTEGER PRIMARY KEY);\n",
      "migrations/0002_more.sql": "ALTER TABLE items ADD COLUMN name TEXT;\n",
    });
    const api = workers.find((w) => w.id === "api")!;
    expect(api.paths).toEqual(expect.arrayContaining(["migrations/0001_init.sql", "migrations/0002_more.sql"]));
    expect(api.filter?.paths).toEqual(expect.arrayContaining(["migrations/0001_init.sql", "migrations/0002_more.sql"]));
    const search = workers.find((w) => w.id === "search")!;
    expect(search.paths.filter((p) => p.startsWith("migrations/"))).toEqual([]);
  });

  it("directories layout: the folder inside the worker's is in its split; one outside it is carried beside it, at its path", async () => {
    const worker = (dir: string, migrationsDir?: string) => ({
      [`workers/${dir}/wrangler.jsonc`]: JSON.stringify({
        name: `acme-${dir}`,
        main: "src/index.js",
        d1_databases: [{ binding: "DB", database_name: dir, database_id: `db-${dir}`, ...(migrationsDir ? { migrations_dir: migrationsDir } : {}) }],
      }),
      [`workers/${dir}/src/index.js`]: `export default { fetch: async (request, env) => Response.json(await env.DB.prepare("SELECT 1").all()) };\n`,
    });
    const workers = await plan({
      "package.json": JSON.stringify({ name: "@acme/workers", workspaces: ["workers/*"] }),
      ...worker("inside"),
      "workers/inside/migrations/0001_init.sql": "CREATE TABLE a (x);\n",
      ...worker("outside", "../../db/migrations"),
      "db/migrations/0001_init.sql": "CREATE TABLE b (x);\n",
    });
    const inside = workers.find((w) => w.id === "inside")!;
    expect(inside.paths).toContain("workers/inside/migrations/0001_init.sql");
    expect(inside.warnings.filter((w) => w.includes("migrations"))).toEqual([]);
    const outside = workers.find((w) => w.id === "outside")!;
    expect(outside.paths).toContain("db/migrations/0001_init.sql");
    expect(outside.filter).toEqual({ paths: ["workers/outside/", "db/migrations/"] });
  });
});
