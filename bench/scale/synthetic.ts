// A synthetic router-layout monorepo of any size, for the scale benchmark: N services behind a
// platform router, a few shared modules, and a history of C commits written by one
// `git fast-import` (each commit changes one service or a shared module, chosen by a fixed
// pseudo-random sequence). Deterministic: the same N and C give the same commit ids.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

const LIBS = ["src/lib/response.js", "src/lib/logger.js", "src/lib/auth.js"];

export function serviceId(i: number): string {
  return `svc-${String(i).padStart(3, "0")}`;
}

function serviceFile(i: number, revision: number): string {
  const lib = LIBS[i % LIBS.length]!;
  return [
    `import { helper } from "../lib/${lib.split("/").pop()}";`,
    `// revision ${revision}`,
    `export async function handle${i}(request, env) {`,
    `  return Response.json({ status: "ok", service: "${serviceId(i)}", value: helper(${revision}) });`,
    "}",
    "",
  ].join("\n");
}

function libFile(path: string, revision: number): string {
  return `// ${path}, revision ${revision}\nexport function helper(x) { return x + ${revision}; }\n`;
}

function router(n: number): string {
  const imports = Array.from({ length: n }, (_, i) => `import { handle${i} } from "./services/${serviceId(i)}.js";`);
  const routes = Array.from({ length: n }, (_, i) => `  "${serviceId(i)}.chitty.cc": handle${i},`);
  return [...imports, "", "const ROUTES = {", ...routes, "};", "", "export default {", "  async fetch(request, env, ctx) {", "    const handler = ROUTES[new URL(request.url).hostname];", '    return handler ? handler(request, env, ctx) : new Response("no service", { status: 404 });', "  },", "};", ""].join("\n");
}

function wrangler(n: number): string {
  const routes = Array.from({ length: n }, (_, i) => `  { pattern = "${serviceId(i)}.chitty.cc/*", zone_name = "chitty.cc" },`);
  return ['name = "chittyos-platform"', 'main = "src/platform-worker.js"', 'compatibility_date = "2025-09-01"', "", "routes = [", ...routes, "]", ""].join("\n");
}

export function generateSynthetic(dir: string, services: number, commits: number): void {
  mkdirSync(dir, { recursive: true });
  const run = (args: string[], input?: string) => {
    const r = spawnSync("git", args, { cwd: dir, input, encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  run(["init", "-q", "-b", "main"]);
  const chunks: string[] = [];
  const blob = (path: string, content: string) => `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  const commit = (n: number, message: string, files: string[]) => {
    const time = 1_700_000_000 + n * 60;
    chunks.push(`commit refs/heads/main\nmark :${n}\nauthor Bench <b@chitty.cc> ${time} +0000\ncommitter Bench <b@chitty.cc> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n${n > 1 ? `from :${n - 1}\n` : ""}${files.join("")}\n`);
  };
  const revisions = new Map<string, number>();
  const first = [blob("src/platform-worker.js", router(services)), blob("wrangler.toml", wrangler(services)), blob("package.json", '{ "name": "synthetic-monorepo", "private": true }\n')];
  for (const lib of LIBS) first.push(blob(lib, libFile(lib, 0)));
  for (let i = 0; i < services; i++) first.push(blob(`src/services/${serviceId(i)}.js`, serviceFile(i, 0)));
  commit(1, "chore: the platform and its services", first);
  let x = 12345;
  for (let n = 2; n <= commits; n++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    if (x % 10 === 0) {
      const lib = LIBS[x % LIBS.length]!;
      const r = (revisions.get(lib) ?? 0) + 1;
      revisions.set(lib, r);
      commit(n, `refactor(lib): ${lib} revision ${r}`, [blob(lib, libFile(lib, r))]);
    } else {
      const i = x % services;
      const path = `src/services/${serviceId(i)}.js`;
      const r = (revisions.get(path) ?? 0) + 1;
      revisions.set(path, r);
      commit(n, `feat(${serviceId(i)}): revision ${r}`, [blob(path, serviceFile(i, r))]);
    }
  }
  run(["fast-import", "--quiet"], chunks.join(""));
  run(["reset", "-q", "--hard", "main"]);
}
