#!/usr/bin/env node
// The Node check comes first and alone: fleet's own modules (and wrangler's) load only on a
// Node that can run them, so an old Node gets one clear line instead of a failure deep inside.
import { nodeVersionProblem } from "../dist/cli/node-version.js";

const problem = nodeVersionProblem(process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(process.argv.slice(2));
}
