// The worker's env, not the process's: what the worker's code reads from its env (through casts,
// aliases, destructuring, brackets) is found; process.env in code that does not run in the worker
// (a container's program, Node scripts, test tooling, config files) is never a secret of it.
import { describe, expect, it } from "vitest";
import { analyzeWorker } from "../../src/discovery/analyze.js";
import { moduleFacts } from "../../src/discovery/js-module.js";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { writeFiles } from "../helpers/fixture.js";
import { tempDir } from "../helpers/tmp.js";

async function analyze(dir: string, files: Record<string, string>) {
  const root = await tempDir("fleet-env-");
  await writeFiles(root, files);
  const tree = SourceTree.fromFiles(root, Object.keys(files));
  return analyzeWorker({ tree, rootPackages: {} }, "runner", { source: { dir } } as never);
}

const config = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: "runner",
    main: "src/index.ts",
    compatibility_date: "2025-09-01",
    queues: { producers: [{ binding: "EXECUTION_QUEUE", queue: "executions" }] },
    kv_namespaces: [{ binding: "RUNS", id: "k" }],
    durable_objects: { bindings: [{ name: "SANDBOX", class_name: "Sandbox" }] },
    containers: [{ class_name: "Sandbox", image: "./container/Dockerfile" }],
    ...extra,
  });

describe("the worker's env", () => {
  it("reads env through casts, aliases, destructuring and brackets", () => {
    const facts = moduleFacts(
      `import { DurableObject } from "cloudflare:workers";
interface WorkerEnv { EXECUTION_QUEUE: Queue }
export class Runner extends DurableObject {
  async run(job: unknown) {
    await (this.env as unknown as WorkerEnv).EXECUTION_QUEUE.send(job);
    await (<WorkerEnv>this.env).OTHER_QUEUE.send(job);
    const token = (this.env as any).RUNNER_TOKEN;
    const typed = this.env satisfies object;
    return [token, env2()];
  }
}
function env2() { return 1; }
function outer(env: Env) {
  const e = env;
  function inner() { const e = new Error("x"); return e.message; }
  try { return [e.RUNS, inner()]; } catch (e) { return (e as Error).stack; }
}
export default {
  async fetch(request: Request, env: Env) {
    const e = env;
    const f = e as unknown as Record<string, KVNamespace>;
    await e.RUNS.get("a");
    await f.CACHE!.get("b");
    const { API_KEY, DB: database, ...rest } = env as Env;
    const ledger = env["LEDGER_URL"];
    const maybe = env?.OPTIONAL_FLAG;
    const bang = env!.WEBHOOK_SECRET;
    return Response.json({ API_KEY, database, rest, ledger, maybe, bang });
  },
};
`,
      "src/index.ts",
    );
    expect(facts.envReads).toEqual([
      "API_KEY",
      "CACHE",
      "DB",
      "EXECUTION_QUEUE",
      "LEDGER_URL",
      "OPTIONAL_FLAG",
      "OTHER_QUEUE",
      "RUNNER_TOKEN",
      "RUNS",
      "WEBHOOK_SECRET",
    ]);
    expect(facts.envObjects).toEqual(["CACHE", "EXECUTION_QUEUE", "OTHER_QUEUE", "RUNS"]);
  });

  it("tells process.env apart from the worker's env", () => {
    const facts = moduleFacts(
      `import { env as nodeEnv } from "node:process";
const penv = process.env;
const { PORT } = process.env;
export const home = process.env.HOME ?? penv.USERPROFILE ?? globalThis.process.env.TMP ?? nodeEnv.SHELL ?? process.env["LANG"];
export const mode = import.meta.env.MODE;
`,
      "container/server.ts",
    );
    expect(facts.envReads).toEqual([]);
    expect(facts.processEnvReads).toEqual(["HOME", "LANG", "PORT", "SHELL", "TMP", "USERPROFILE"]);
  });

  it("process.env in a container's program, a Node script and test tooling is not the worker's: no secrets from it", async () => {
    // nodejs_compat populates the worker's process.env, but none of these modules runs in the worker
    const files = {
      "workers/runner/wrangler.jsonc": config({ compatibility_flags: ["nodejs_compat"] }),
      "workers/runner/src/index.ts": `import { Container } from "@cloudflare/containers";
import { helper } from "./helper";
export class Sandbox extends Container { defaultPort = 8080; }
export default {
  async fetch(request: Request, env: Env) {
    const queue = (env as unknown as { EXECUTION_QUEUE: Queue }).EXECUTION_QUEUE;
    await queue.send({ url: request.url, token: env.RUNNER_TOKEN });
    return helper(env.SANDBOX, env.RUNS);
  },
};
`,
      "workers/runner/src/helper.ts": "export const helper = (a: unknown, b: unknown) => Response.json([a, b]);\n",
      "workers/runner/container/Dockerfile": 'FROM node:22-slim\nCOPY server.js .\nCMD ["node", "server.js"]\n',
      "workers/runner/container/server.js": `import { createServer } from "node:http";
const home = process.env.HOME;
createServer((req, res) => res.end(process.env.SESSION_ID + home)).listen(process.env.PORT ?? 8080);
`,
      "workers/runner/container/wrapper.mjs": "const { SESSION_ID, WORKSPACE } = process.env;\nconsole.log(SESSION_ID, WORKSPACE);\n",
      "workers/runner/scripts/seed.mjs": "#!/usr/bin/env node\nconst token = process.env.SEED_TOKEN;\nconsole.log(token, process.env.NODE_ENV);\n",
      "workers/runner/vitest.config.ts": `import { defineConfig } from "vitest/config";
export default defineConfig({ test: { reporters: process.env.VITEST ? ["default"] : [], env: { MODE: process.env.NODE_ENV! } } });
`,
      "workers/runner/build.config.mjs": "export default { minify: process.env.CI === 'true' };\n",
      "workers/runner/test/index.test.ts": 'import { it } from "vitest";\nit("x", () => { process.env.TEST_SECRET; });\n',
    };
    const analysis = await analyze("workers/runner", files);
    expect(analysis.bindings).toEqual(["EXECUTION_QUEUE", "RUNS", "SANDBOX"]);
    expect(analysis.secrets).toEqual(["RUNNER_TOKEN"]);
    // a main built before deploy (not in the tree): the folder's code, less what runs elsewhere
    const built = { ...files, "workers/runner/wrangler.jsonc": config({ main: "dist/worker.js", compatibility_flags: ["nodejs_compat"] }) };
    expect((await analyze("workers/runner", built)).secrets).toEqual(["RUNNER_TOKEN"]);
  });

  it("process.env in the worker's code is its env only when nodejs_compat populates it (NODE_ENV is the build's)", async () => {
    const code = `export default {
  fetch(request: Request, env: Env) {
    return Response.json({ token: process.env.API_TOKEN, mode: process.env.NODE_ENV, kv: env.RUNS });
  },
};
`;
    const files = (extra: Record<string, unknown>) => ({ "workers/runner/wrangler.jsonc": config(extra), "workers/runner/src/index.ts": code });
    const populated = await analyze("workers/runner", files({ compatibility_flags: ["nodejs_compat"], compatibility_date: "2025-04-01" }));
    expect(populated.secrets).toEqual(["API_TOKEN"]);
    const before = await analyze("workers/runner", files({ compatibility_flags: ["nodejs_compat"], compatibility_date: "2025-03-31" }));
    expect(before.secrets).toEqual([]);
    const flagged = await analyze(
      "workers/runner",
      files({ compatibility_flags: ["nodejs_compat", "nodejs_compat_populate_process_env"], compatibility_date: "2024-09-23" }),
    );
    expect(flagged.secrets).toEqual(["API_TOKEN"]);
    const optedOut = await analyze("workers/runner", files({ compatibility_flags: ["nodejs_compat", "nodejs_compat_do_not_populate_process_env"] }));
    expect(optedOut.secrets).toEqual([]);
    const noCompat = await analyze("workers/runner", files({ compatibility_date: "2026-01-01" }));
    expect(noCompat.secrets).toEqual([]);
    // Node.js compatibility is on by default from 2026-08-04 (unless no_nodejs_compat)
    const byDefault = await analyze("workers/runner", files({ compatibility_date: "2026-08-04" }));
    expect(byDefault.secrets).toEqual(["API_TOKEN"]);
    const refused = await analyze("workers/runner", files({ compatibility_date: "2026-08-04", compatibility_flags: ["no_nodejs_compat"] }));
    expect(refused.secrets).toEqual([]);
  });
});
