import { describe, expect, it } from "vitest";
import { moduleClosure } from "../../src/discovery/closure.js";
import { readRouter } from "../../src/discovery/router.js";
import { SourceTree } from "../../src/discovery/source-tree.js";
import { fixtureRepo } from "../helpers/fixture.js";
import { ROUTER_FILES } from "./router-fixture.js";

describe("reading the platform router", () => {
  it("classifies every hostname: handler, context wrapper, service binding, placeholder", async () => {
    const tree = await SourceTree.open(await fixtureRepo(ROUTER_FILES));
    const router = await readRouter(tree, "src/platform-worker.js");
    const byHost = Object.fromEntries(router.entries.map((e) => [e.hostname, e]));
    expect(byHost["api.acme.dev"]).toMatchObject({ kind: "handler", style: "fetch", file: "src/services/api.js", export: "handleApi" });
    expect(byHost["billing.acme.dev"]).toMatchObject({ kind: "handler", style: "context", file: "src/services/billing.js", wrapper: "withContext", wrapperFile: "src/lib/context.js" });
    expect(byHost["search.acme.dev"]).toMatchObject({ kind: "handler", file: "src/services/search.js" });
    expect(byHost["id.acme.dev"]).toEqual({ kind: "binding", hostname: "id.acme.dev", binding: "IDENTITY" });
    expect(byHost["beta.acme.dev"]).toMatchObject({ kind: "skipped", reason: expect.stringContaining("null") });
    expect(byHost["status.acme.dev"]).toMatchObject({ kind: "skipped", reason: expect.stringContaining("defined in the router") });
  });

  it("finds a hostname forwarded to a service binding through a cast or an env parameter named otherwise", async () => {
    const router = ROUTER_FILES["src/platform-worker.js"]!.replace(
      '"id.acme.dev": (request, env) => env.IDENTITY.fetch(request),',
      '"id.acme.dev": (request, bindings) => bindings.IDENTITY.fetch(request),\n  "ids.acme.dev": (request, env) => (env as unknown as Env).IDENTITY!.fetch(request),',
    );
    const tree = await SourceTree.open(await fixtureRepo({ ...ROUTER_FILES, "src/platform-worker.ts": router }));
    const byHost = Object.fromEntries((await readRouter(tree, "src/platform-worker.ts")).entries.map((e) => [e.hostname, e]));
    expect(byHost["id.acme.dev"]).toEqual({ kind: "binding", hostname: "id.acme.dev", binding: "IDENTITY" });
    expect(byHost["ids.acme.dev"]).toEqual({ kind: "binding", hostname: "ids.acme.dev", binding: "IDENTITY" });
  });
});

describe("module closure", () => {
  it("follows relative imports transitively and reports a dangling one without failing", async () => {
    const tree = await SourceTree.open(await fixtureRepo(ROUTER_FILES));
    const api = await moduleClosure(tree, ["src/services/api.js"]);
    expect(api.files).toEqual(["src/lib/headers.js", "src/lib/response.js", "src/services/api.js"]);
    expect(api.packages).toEqual(["hono"]);
    expect(api.envReads).toEqual(["API_TOKEN", "CACHE", "DB", "ENVIRONMENT"]);
    expect(api.envObjects).toEqual(["DB"]);
    expect(api.urlHosts).toEqual(["billing.acme.dev"]);
    const billing = await moduleClosure(tree, ["src/services/billing.js"]);
    expect(billing.dangling).toEqual([{ from: "src/services/billing.js", specifier: "../lib/missing-metrics.js" }]);
    expect(billing.envReads).toEqual(["AI", "QUEUE", "STRIPE_SECRET_KEY"]);
  });

  it("reports a file that does not parse, naming its line", async () => {
    const tree = await SourceTree.open(await fixtureRepo({ "a.js": 'import "./b.js";\n', "b.js": "export const = 1;\n" }));
    const closure = await moduleClosure(tree, ["a.js"]);
    expect(closure.unparsable).toEqual([{ file: "b.js", message: expect.stringMatching(/^b\.js:1:\d+: Unexpected token/) }]);
  });
});
