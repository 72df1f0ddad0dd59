// Start-up cost of the CLI against bare `node -e 0` on the same Node binary.
// Run: npm run bench:startup   (after npm run build)
import { existsSync } from "node:fs";
import { compare, report } from "../lib/measure.ts";

const bin = new URL("../../bin/fleet.js", import.meta.url).pathname;
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) {
  console.error("build first: npm run build");
  process.exit(2);
}
const runs = Number(process.env.RUNS ?? 30);
const node = process.execPath;
const results = compare(
  [
    { name: "node -e 0 (anchor)", command: [node, "-e", "0"] },
    { name: "fleet --version", command: [node, bin, "--version"] },
    { name: "fleet --help", command: [node, bin, "--help"] },
  ],
  runs,
);
console.log(`Node ${process.version}, ${runs} interleaved runs each\n`);
console.log(report(results));
