import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateExample, type GeneratedExample } from "../../src/example/index.js";
import { closureOf, declaredBindings, envNames, listFiles, parseModule, read, tempDir } from "./scan.js";

/** Hostname -> how the router's ROUTES object answers it, read from the router's syntax tree. */
function readRoutes(code: string) {
  const program = parseModule(code) as any;
  const imports = new Map<string, string>();
  for (const node of program.body) {
    if (node.type !== "ImportDeclaration") continue;
    for (const specifier of node.specifiers) imports.set(specifier.local.name, node.source.value);
  }
  const routes = new Map<string, { kind: string; name?: string; source?: string; binding?: string }>();
  for (const node of program.body) {
    if (node.type !== "VariableDeclaration") continue;
    const declarator = node.declarations.find((d: any) => d.id.name === "ROUTES");
    if (!declarator) continue;
    for (const property of declarator.init.properties) {
      const value = property.value;
      let route: { kind: string; name?: string; source?: string; binding?: string };
      if (value.type === "Identifier" && imports.has(value.name)) route = { kind: "fetch", name: value.name, source: imports.get(value.name) };
      else if (value.type === "CallExpression") {
        const name = value.arguments[0].name;
        route = { kind: "context", name, source: imports.get(name) };
      } else if (value.type === "ArrowFunctionExpression") route = { kind: "forward", binding: value.body.callee.object.property.name };
      else route = { kind: "other" };
      routes.set(property.key.value, route);
    }
  }
  return routes;
}

describe("the router example at the default length", () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let example: GeneratedExample;
  beforeAll(async () => {
    root = await tempDir("router");
    example = await generateExample(join(root.dir, "mono"));
  }, 60_000);
  afterAll(() => root.cleanup());

  it("has 3000 commits and the catalog's services", () => {
    expect(example.commits).toBe(3000);
    const ids = example.truth.services.map((service) => service.id);
    expect(ids.length).toBeGreaterThanOrEqual(34);
    expect(ids).toEqual([...ids].sort());
    for (const id of ["project-initiation", "ai-gateway", "langchain", "registry", "canon", "chittyledger", "beacon", "sync"]) {
      expect(ids).toContain(id);
    }
    const styles = example.truth.services.map((service) => service.style);
    expect(styles.filter((style) => style === "context").length).toBeGreaterThan(8);
    expect(new Set(example.truth.services.map((service) => service.domain)).size).toBe(ids.length);
  });

  it("is made of JavaScript that parses as modules", () => {
    const scripts = listFiles(example.dir).filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(50);
    for (const file of scripts) expect(() => parseModule(read(example.dir, file)), file).not.toThrow();
  });

  it("maps every service, external worker and placeholder in the router", () => {
    const { truth, dir } = example;
    const routes = readRoutes(read(dir, truth.routerFile!));
    expect(read(dir, truth.routerFile!)).toContain(`import { withContext } from "./lib/context.js"`);
    expect(existsSync(join(dir, truth.contextModule!))).toBe(true);
    for (const service of truth.services) {
      expect(routes.get(service.domain), service.domain).toEqual({
        kind: service.style,
        name: service.export,
        source: "./" + service.file!.slice("src/".length),
      });
    }
    for (const ext of truth.external) expect(routes.get(ext.domain)).toEqual({ kind: "forward", binding: ext.binding });
    for (const host of truth.placeholders) expect(routes.get(host)?.kind).toBe("other");
    expect(routes.size).toBe(truth.services.length + truth.external.length + truth.placeholders.length);
  });

  it("agrees with an independent reading of closures, env reads, packages and dependencies", () => {
    const { truth, dir } = example;
    const config = parseToml(read(dir, truth.wranglerConfig!)) as Record<string, any>;
    const declared = declaredBindings(config);
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(config.routes.map((route: any) => route.pattern)).toEqual(expect.arrayContaining(truth.services.map((s) => `${s.domain}/*`)));
    for (const service of truth.services) {
      const closure = closureOf(dir, service.file!);
      expect(closure.files, service.id).toEqual(service.closure);
      expect(closure.dangling, service.id).toEqual(service.danglingImports);
      const code = closure.files.map((file) => read(dir, file)).join("\n");
      const reads = [...new Set(envNames(code))].sort();
      expect(reads, service.id).toEqual(service.envReads);
      expect(reads.filter((name) => declared.has(name)), service.id).toEqual(service.bindings);
      expect(reads.filter((name) => !declared.has(name)), service.id).toEqual(service.secrets);
      expect(service.npmDependencies, service.id).toEqual(Object.fromEntries(closure.bare.map((name) => [name, pkg.dependencies[name]])));
      const viaBindings = reads.map((name) => declared.get(name)).map((worker) => truth.services.find((s) => `chittyos-${s.id}-worker` === worker)?.id);
      const viaUrls = truth.services.filter((other) => code.includes(`https://${other.domain}`)).map((other) => other.id);
      const dependsOn = [...new Set([...viaBindings, ...viaUrls])].filter((id): id is string => !!id && id !== service.id).sort();
      expect(dependsOn, service.id).toEqual(service.dependsOn);
    }
  });

  it("has the edge cases discovery must handle", () => {
    const { truth, dir } = example;
    const dangling = truth.services.filter((service) => service.danglingImports!.length > 0);
    expect(dangling).toHaveLength(1);
    expect(existsSync(join(dir, "src/lib/legacy-metrics.js"))).toBe(false);
    expect(truth.services.some((service) => service.secrets.length > 0)).toBe(true);
    expect(truth.services.find((service) => service.id === "project-initiation")!.dependsOn).toContain("registry");
    expect(Object.keys(truth.services.find((service) => service.id === "registry")!.npmDependencies)).toEqual(["hono"]);
    expect(truth.services.filter((service) => "nanoid" in service.npmDependencies).length).toBeGreaterThan(2);
    expect(read(dir, "src/platform-worker.js")).toContain(`"beta.chitty.cc": null`);
  });

  it("has no dependency cycles", () => {
    const dependsOn = new Map(example.truth.services.map((service) => [service.id, service.dependsOn]));
    const done = new Set<string>();
    const visit = (id: string, path: string[]) => {
      expect(path, `cycle through ${id}`).not.toContain(id);
      if (done.has(id)) return;
      for (const next of dependsOn.get(id) ?? []) visit(next, [...path, id]);
      done.add(id);
    };
    for (const id of dependsOn.keys()) visit(id, []);
    expect([...dependsOn.values()].flat().length).toBeGreaterThan(8);
  });

  it("lists the tests that import each service", () => {
    const { truth, dir } = example;
    const tests = listFiles(dir, "test").filter((file) => file.endsWith(".test.js"));
    expect(tests.length).toBeGreaterThanOrEqual(10);
    for (const service of truth.services) {
      const importing = tests.filter((test) => closureOf(dir, test).files.includes(service.file!) && read(dir, test).includes(service.file!.slice(4)));
      expect(importing, service.id).toEqual(service.tests);
    }
    expect(tests.filter((test) => read(dir, test).includes("./helpers.js"))).toHaveLength(1);
  });
});
