import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseJsonc, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitText } from "../../src/git/git.js";
import { generateExample, type GeneratedExample } from "../../src/example/index.js";
import { declaredBindings, envNames, importSpecifiers, listFiles, parseModule, read, tempDir } from "./scan.js";

describe("the directories example", () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let example: GeneratedExample;
  beforeAll(async () => {
    root = await tempDir("directories");
    example = await generateExample(join(root.dir, "mono"), { layout: "directories", commits: 300 });
  });
  afterAll(() => root.cleanup());

  it("puts each worker in its own folder with its own config", () => {
    const { truth, dir } = example;
    expect(truth.layout).toBe("directories");
    expect(truth.services.length).toBeGreaterThanOrEqual(34);
    const formats = new Set(truth.services.map((service) => service.wranglerFile!.split(".").pop()));
    expect(formats).toEqual(new Set(["toml", "jsonc"]));
    const bases = new Set(truth.services.map((service) => service.dir!.split("/")[0]));
    expect(bases).toEqual(new Set(["workers", "apps", "services"]));
    for (const service of truth.services) {
      const text = read(dir, service.wranglerFile!);
      const errors: ParseError[] = [];
      const config = service.wranglerFile!.endsWith(".toml") ? parseToml(text) : parseJsonc(text, errors, { allowTrailingComma: false });
      expect(errors, service.wranglerFile).toEqual([]);
      expect(config.name).toBe(`chittyos-${service.id}-worker`);
      expect(config.main).toBe("src/index.js");
      expect(config.routes).toEqual([{ pattern: service.domain, custom_domain: true }]);
      expect(JSON.parse(read(dir, `${service.dir}/package.json`)).name).toBe(`@chittyos/${service.id}-worker`);
    }
    expect(existsSync(join(dir, "workers/docs-site"))).toBe(true);
    expect(listFiles(dir, "workers/docs-site").some((file) => file.includes("wrangler"))).toBe(false);
    expect(JSON.parse(read(dir, "package.json")).workspaces).toEqual(["workers/*", "apps/*", "services/*"]);
  });

  it("agrees with an independent reading of env reads, bindings, packages and dependencies", () => {
    const { truth, dir } = example;
    for (const service of truth.services) {
      const text = read(dir, service.wranglerFile!);
      const declared = declaredBindings(service.wranglerFile!.endsWith(".toml") ? parseToml(text) : parseJsonc(text));
      const sources = listFiles(dir, `${service.dir}/src`).filter((file) => file.endsWith(".js"));
      const code = sources.map((file) => read(dir, file)).join("\n");
      const reads = [...new Set(envNames(code))].sort();
      expect(reads, service.id).toEqual(service.envReads);
      expect(reads.filter((name) => declared.has(name)), service.id).toEqual(service.bindings);
      expect(reads.filter((name) => !declared.has(name)), service.id).toEqual(service.secrets);
      const bare = [...new Set(sources.flatMap((file) => importSpecifiers(read(dir, file))).filter((s) => !s.startsWith(".")))].sort();
      const pkg = JSON.parse(read(dir, `${service.dir}/package.json`));
      expect(service.npmDependencies, service.id).toEqual(Object.fromEntries(bare.map((name) => [name, pkg.dependencies[name]])));
      const viaBindings = reads.map((name) => declared.get(name)).map((worker) => truth.services.find((s) => `chittyos-${s.id}-worker` === worker)?.id);
      const viaUrls = truth.services.filter((other) => code.includes(`https://${other.domain}`)).map((other) => other.id);
      const dependsOn = [...new Set([...viaBindings, ...viaUrls])].filter((id): id is string => !!id && id !== service.id).sort();
      expect(dependsOn, service.id).toEqual(service.dependsOn);
    }
  });

  it("parses, and keeps every relative import inside the worker", () => {
    const { dir } = example;
    for (const file of listFiles(dir).filter((f) => f.endsWith(".js"))) {
      expect(() => parseModule(read(dir, file)), file).not.toThrow();
      for (const specifier of importSpecifiers(read(dir, file)).filter((s) => s.startsWith("."))) {
        expect(specifier.startsWith("../../"), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  it("renames a file inside a worker and moves one in from shared/", async () => {
    const renames = await gitText(["log", "--diff-filter=R", "-M", "--name-status", "--format="], { cwd: example.dir });
    expect(renames).toContain("workers/score/src/util.js\tworkers/score/src/lib.js");
    expect(renames).toContain("shared/format.js\tworkers/billing/src/format.js");
    expect(existsSync(join(example.dir, "shared"))).toBe(false);
  });
});
