// `fleet` entry: find the command, parse its declared options, run it, map errors to exit codes.
// Kept light: only the registry is imported up front, so `fleet --version` starts fast.
import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { GLOBAL_OPTIONS } from "./define.js";
import { optionLines } from "./options.js";
import { reportError, runCommand } from "./run-command.js";
import { Output, type Stream } from "./output.js";
import { COMMANDS } from "./registry.js";

export interface MainIO {
  stdout?: Stream;
  stderr?: Stream;
  env?: NodeJS.ProcessEnv;
}

/** Runs `fleet` with `argv` (without node and script) and resolves with the exit code. */
export async function main(argv: readonly string[], io: MainIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const wantsColor = !argv.includes("--no-color") && !env.NO_COLOR && env.TERM !== "dumb";
  const out = new Output({
    stdout,
    stderr,
    color: wantsColor && (Boolean(env.FORCE_COLOR) || Boolean(stdout.isTTY)),
    verbose: argv.includes("--verbose"),
    live: Boolean(stderr.isTTY) && !env.CI,
  });

  const name = commandName(argv);
  try {
    if (argv[0] === "--version" || argv[0] === "-v") {
      out.print(version());
      return 0;
    }
    if (name === undefined) {
      if (argv.length > 0 && !argv.every((a) => a === "--help" || a === "-h" || a === "--no-color")) {
        throw new UserError(`no command given in: fleet ${argv.join(" ")}`, { hint: "run `fleet --help` for the list of commands" });
      }
      out.print(generalHelp());
      return 0;
    }
    return await runCommand(
      name,
      argv.filter((_, i) => i !== argv.indexOf(name)),
      { out, env },
    );
  } catch (error) {
    return reportError(error, out);
  }
}

/** The first argument that is neither an option nor the value of one. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return argv[i + 1];
    if (!arg.startsWith("-")) return arg;
    if ((arg === "--config" || arg === "--cwd") && !arg.includes("=")) i++;
  }
  return undefined;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    "fleet — one Worker, one repository: carve Cloudflare Workers out of a monorepo and run the fleet",
    "",
    "Usage: fleet <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([n, e]) => `  ${n.padEnd(width)}  ${e.summary}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "  -v, --version  the version",
    "",
    "Exit codes: 0 ok, 1 findings or partial failure, 2 bad input or configuration (nothing changed).",
  ].join("\n");
}
