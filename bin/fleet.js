#!/usr/bin/env node
// The Node check comes first and alone: fleet's own modules (and wrangler's) load only on a
// Node that can run them, so an old Node gets one clear line instead of a failure deep inside.
import module from "node:module";
import { nodeVersionProblem } from "../dist/cli/node-version.js";

const problem = nodeVersionProblem(process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  // V8 keeps the compiled code of fleet's modules on disk, so each run after the first skips
  // compiling them (Node's own cache, as TypeScript's tsc uses it; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
  module.enableCompileCache?.();
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(process.argv.slice(2));
}
