// A worker repository as small as wrangler deploys: one module answering /health with its
// version, a production environment holding its hostname as a custom domain, optional bindings.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { git } from "../../src/git/git.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

export async function workerRepo(root: string, script: string, host: string, version: string, binds: Record<string, string> = {}): Promise<string> {
  const dir = join(root, script);
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(
    join(dir, "src", "index.js"),
    `export default { fetch() { return Response.json({ status: "ok", version: ${JSON.stringify(version)} }); } };\n`,
  );
  const services = Object.entries(binds).map(([binding, service]) => ({ binding, service }));
  await writeFile(
    join(dir, "wrangler.jsonc"),
    JSON.stringify({
      name: script,
      main: "src/index.js",
      compatibility_date: "2025-09-01",
      env: { production: { name: script, routes: [{ pattern: host, custom_domain: true }], ...(services.length ? { services } : {}) } },
    }),
  );
  await git(["init", "-q", "--initial-branch=main"], { cwd: dir });
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-qm", `version ${version}`], { cwd: dir, env: IDENTITY });
  return dir;
}
