// Declared options: main converts whole numbers and checks choices and bounds before a command
// runs; a wrong value is the user's mistake (exit 2, the flag named); help shows the defaults.
import { describe, expect, it } from "vitest";
import { defineCommand } from "../../src/cli/define.js";
import { optionLines, parseCommandArgs } from "../../src/cli/options.js";
import { isUserError } from "../../src/errors.js";
import { runFleet } from "../helpers/run.js";

const command = defineCommand({
  usage: "[--tries N] [--mode a|b] [--name X]",
  description: "a test command",
  options: {
    tries: { type: "integer", min: 1, max: 9, default: 3, description: "how many", placeholder: "N" },
    mode: { type: "string", choices: ["a", "b"], description: "which" },
    name: { type: "string", description: "free text" },
    quick: { type: "boolean", description: "a flag" },
  },
  async run() {},
});

describe("declared options", () => {
  it("become typed values: whole numbers converted, defaults applied, choices kept", () => {
    expect(parseCommandArgs("t", command as never, ["--tries", "7", "--mode", "b", "x"])).toEqual({ values: { tries: 7, mode: "b" }, positionals: ["x"] });
    expect(parseCommandArgs("t", command as never, ["--quick"]).values).toEqual({ tries: 3, quick: true });
  });

  it("refuse a value outside the declaration, naming the flag and what it must be", () => {
    const refusal = (argv: string[]) => {
      try {
        parseCommandArgs("t", command as never, argv);
      } catch (error) {
        return isUserError(error) ? error.message : `not a user error: ${String(error)}`;
      }
      return "accepted";
    };
    expect(refusal(["--tries", "0"])).toBe('--tries must be a whole number from 1 to 9, not "0"');
    expect(refusal(["--tries", "2.5"])).toBe('--tries must be a whole number from 1 to 9, not "2.5"');
    expect(refusal(["--tries", "soon"])).toBe('--tries must be a whole number from 1 to 9, not "soon"');
    expect(refusal(["--mode", "c"])).toBe('--mode must be a or b, not "c"');
    expect(refusal(["--nope"])).toMatch(/Unknown option '--nope' \(in `fleet t`\)/);
  });

  it("show their choices and defaults in help", () => {
    const lines = optionLines(command.options);
    expect(lines.find((l) => l.includes("--tries"))).toMatch(/--tries N +how many \(default 3\)$/);
    expect(lines.find((l) => l.includes("--mode"))).toMatch(/--mode VALUE +which \(a or b\)$/);
  });

  it("are the same for every health check: fleet health, status, deploy and cutover refuse a bad --timeout alike", async () => {
    for (const name of ["health", "status", "deploy", "cutover"]) {
      const r = await runFleet([name, "--timeout", "0", "--cwd", process.cwd()]);
      expect(r.code, `fleet ${name}`).toBe(2);
      expect(r.stderr, `fleet ${name}`).toContain('--timeout must be a whole number of at least 1, not "0"');
      expect((await runFleet([name, "--help"])).stdout, `fleet ${name} --help`).toMatch(/--timeout MS +health check timeout per request, in ms \(default \d+\)/);
    }
  });
});
