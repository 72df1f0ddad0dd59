// The cost of reading code: fleet's parser (oxc-parser, JavaScript and TypeScript) against the
// JavaScript-only parser it replaced (acorn) on the same JavaScript files, then on TypeScript,
// and the whole `fleet init` on both monorepos against `node -e 0`.
// Run: npm run bench:discovery   (after npm run build)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse as acornParse } from "acorn";
import { parseSync } from "oxc-parser";
import { compare, median, report } from "../lib/measure.ts";
import { directoriesTsCorpus } from "../../test/corpus/directories-ts.ts";

const root = new URL("../..", import.meta.url).pathname;
if (!existsSync(join(root, "dist/cli/main.js"))) {
  console.error("build first: npm run build");
  process.exit(2);
}
const { generateExample } = (await import(join(root, "dist/example/index.js"))) as typeof import("../../src/example/index.ts");
const { moduleFacts } = (await import(join(root, "dist/discovery/js-module.js"))) as typeof import("../../src/discovery/js-module.ts");
const runs = Number(process.env.RUNS ?? 15);
const work = mkdtempSync(join(tmpdir(), "fleet-bench-discovery-"));
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8" });

try {
  // the example (router layout, JavaScript) and the TypeScript corpus (directories layout)
  const example = join(work, "example");
  await generateExample(example, { layout: "router", commits: 200 });
  const ts = join(work, "ts");
  mkdirSync(ts);
  git(ts, "init", "-q", "-b", "main");
  for (const [path, text] of Object.entries(directoriesTsCorpus(32).files)) {
    mkdirSync(dirname(join(ts, path)), { recursive: true });
    writeFileSync(join(ts, path), text);
  }
  git(ts, "add", "-A");
  git(ts, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "corpus");

  const codeOf = (dir: string, pattern: RegExp) =>
    git(dir, "ls-files").split("\n").filter((f) => pattern.test(f)).map((f) => ({ file: f, code: readFileSync(join(dir, f), "utf8") }));
  const js = codeOf(example, /\.m?js$/);
  const tsFiles = codeOf(ts, /\.tsx?$/);
  const bytes = (files: { code: string }[]) => files.reduce((n, f) => n + f.code.length, 0);

  // parse only, in-process, interleaved
  const timings = { acorn: [] as number[], oxcParse: [] as number[], oxcJs: [] as number[], oxcTs: [] as number[] };
  const time = (fn: () => void) => {
    const started = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let round = 0; round < runs + 3; round++) {
    const a = time(() => js.forEach((f) => acornParse(f.code, { ecmaVersion: "latest", sourceType: "module", locations: true })));
    const p = time(() => js.forEach((f) => parseSync(f.file, f.code, { lang: "jsx", sourceType: "module" }).program));
    const o = time(() => js.forEach((f) => moduleFacts(f.code, f.file)));
    const t = time(() => tsFiles.forEach((f) => moduleFacts(f.code, f.file)));
    if (round >= 3) {
      timings.acorn.push(a);
      timings.oxcParse.push(p);
      timings.oxcJs.push(o);
      timings.oxcTs.push(t);
    }
  }
  const anchor = median(timings.acorn);
  console.log(`Node ${process.version}, ${runs} interleaved rounds\n`);
  console.log("Parsing (in-process; fleet's side includes walking the AST for the facts it keeps):\n");
  console.log("| files | parser | median ms | vs acorn |\n| --- | --- | ---: | ---: |");
  console.log(`| example, ${js.length} JavaScript files, ${(bytes(js) / 1024).toFixed(0)} KiB | acorn parse only (anchor; what fleet used) | ${anchor.toFixed(1)} | 1.00x |`);
  console.log(`| the same | oxc-parser parse only | ${median(timings.oxcParse).toFixed(1)} | ${(median(timings.oxcParse) / anchor).toFixed(2)}x |`);
  console.log(`| the same | oxc-parser + facts | ${median(timings.oxcJs).toFixed(1)} | ${(median(timings.oxcJs) / anchor).toFixed(2)}x |`);
  console.log(`| TypeScript corpus, ${tsFiles.length} .ts/.tsx files, ${(bytes(tsFiles) / 1024).toFixed(0)} KiB | oxc-parser + facts (acorn cannot parse them) | ${median(timings.oxcTs).toFixed(1)} | — |`);

  const bin = join(root, "bin/fleet.js");
  const node = process.execPath;
  console.log("\nWhole command, `fleet init --dry-run` (discovery, every worker analysed):\n");
  console.log(
    report(
      compare(
        [
          { name: "node -e 0 (anchor)", command: [node, "-e", "0"] },
          { name: "fleet init, example (36 JS services, router)", command: [node, bin, "init", "--dry-run", "--cwd", example] },
          { name: "fleet init, TypeScript corpus (32 workers)", command: [node, bin, "init", "--dry-run", "--org", "acme", "--cwd", ts] },
        ],
        Math.max(5, Math.round(runs / 2)),
      ),
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
