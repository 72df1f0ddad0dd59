// `fleet` entry: find the command, parse its declared options, run it, map errors to exit codes.
// Kept light: only the registry is imported up front, so `fleet --version` starts fast.
import { readFileSync, statSync } from "node:fs";
import { EXIT_INTERNAL, EXIT_USAGE, isUserError, UserError } from "../errors.js";
import { createContext } from "./context.js";
import { GLOBAL_OPTIONS, type Command, type Options } from "./define.js";
import { optionLines, parseCommandArgs } from "./options.js";
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
    const entry = COMMANDS[name];
    if (!entry) {
      const { closeMatches } = await import("../manifest/validate.js");
      const near = closeMatches(name, Object.keys(COMMANDS));
      throw new UserError(`unknown command "${name}"`, {
        hint: near.length ? `did you mean ${near.map((n) => `\`fleet ${n}\``).join(" or ")}? (\`fleet --help\` lists all)` : "run `fleet --help` for the list of commands",
      });
    }
    const command = (await entry.load()).default;
    const rest = argv.filter((_, i) => i !== argv.indexOf(name));
    const { values, positionals } = parseCommandArgs(name, command, rest);
    if (values.help) {
      out.print(commandHelp(name, command));
      return 0;
    }
    const max = command.maxPositionals ?? 0;
    if (positionals.length > max) {
      throw new UserError(`unexpected argument "${positionals[max]}" for \`fleet ${name}\``, { hint: `usage: fleet ${name} ${command.usage}` });
    }
    const cwd = typeof values.cwd === "string" ? values.cwd : process.cwd();
    if (!isDirectory(cwd)) throw new UserError(`--cwd ${cwd} is not a directory`);
    const ctx = createContext({
      cwd,
      config: values.config as string | undefined,
      json: Boolean(values.json),
      verbose: Boolean(values.verbose),
      out,
      env,
    });
    const run = async () => (await command.run(ctx, { values: values as never, positionals })) ?? 0;
    if (!command.writes) return await run();
    const { withMonorepoLock } = await import("../fs/lock.js");
    const timeout = Number(env.FLEET_LOCK_TIMEOUT ?? 120);
    return await withMonorepoLock(cwd, `fleet ${[name, ...positionals].join(" ")}`, { timeoutMs: (Number.isFinite(timeout) ? timeout : 120) * 1000, onWait: (who) => out.info(`waiting: the monorepo is locked by ${who}`) }, run);
  } catch (error) {
    return report(error, out);
  }
}

function report(error: unknown, out: Output): number {
  if (isUserError(error)) {
    out.info(`${out.c.red("error:")} ${error.message}`);
    for (const problem of error.problems) out.info(`  ${problem}`);
    if (error.hint) out.info(`${out.c.dim("hint:")} ${error.hint}`);
    if (out.options.verbose && error.cause) out.info(String((error.cause as Error).stack ?? error.cause));
    return EXIT_USAGE;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  out.info(`${out.c.red("internal error:")} ${stack}`);
  out.info("This is a bug in fleet; please report it with the command you ran.");
  return EXIT_INTERNAL;
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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

function commandHelp(name: string, command: Command<Options>): string {
  return [
    `Usage: fleet ${name} ${command.usage}`.trimEnd(),
    "",
    command.description,
    "",
    ...(Object.keys(command.options).length ? ["Options:", ...optionLines(command.options), ""] : []),
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
  ].join("\n");
}
