// Runs one command by name with its arguments, in this process: the command's module loaded, its
// declared options parsed and checked, its context built, the monorepo's lock held when it
// writes (re-entrant: a caller holding it already, such as `fleet demo`, is fine). `main` is
// this plus the process's streams and exit code; `fleet demo` calls it for each step it shows.
import { statSync } from "node:fs";
import { EXIT_INTERNAL, EXIT_USAGE, isUserError, UserError } from "../errors.js";
import { createContext } from "./context.js";
import { GLOBAL_OPTIONS, type Command, type Options } from "./define.js";
import { optionLines, parseCommandArgs } from "./options.js";
import type { Output } from "./output.js";
import { COMMANDS } from "./registry.js";

/** Runs `fleet <name> <args>`; resolves with its exit code, throws what the command throws. */
export async function runCommand(name: string, args: string[], io: { out: Output; env: NodeJS.ProcessEnv }): Promise<number> {
  const { out, env } = io;
  const entry = COMMANDS[name];
  if (!entry) {
    const { closeMatches } = await import("../manifest/validate.js");
    const near = closeMatches(name, Object.keys(COMMANDS));
    throw new UserError(`unknown command "${name}"`, {
      hint: near.length
        ? `did you mean ${near.map((n) => `\`fleet ${n}\``).join(" or ")}? (\`fleet --help\` lists all)`
        : "run `fleet --help` for the list of commands",
    });
  }
  const command = (await entry.load()).default;
  const { values, positionals } = parseCommandArgs(name, command, args);
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
  const ctx = createContext({ cwd, config: values.config as string | undefined, json: Boolean(values.json), verbose: Boolean(values.verbose), out, env });
  const run = async () => (await command.run(ctx, { values: values as never, positionals })) ?? 0;
  if (!command.writes) return await run();
  const { withMonorepoLock } = await import("../fs/lock.js");
  const timeout = Number(env.FLEET_LOCK_TIMEOUT ?? 120);
  const lock = { timeoutMs: (Number.isFinite(timeout) ? timeout : 120) * 1000, onWait: (who: string) => out.info(`waiting: the monorepo is locked by ${who}`) };
  return await withMonorepoLock(cwd, `fleet ${[name, ...positionals].join(" ")}`, lock, run);
}

/** What a command threw, told the user: their mistake is exit 2 with its hint; anything else is a bug, with its stack. */
export function reportError(error: unknown, out: Output): number {
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

export function commandHelp(name: string, command: Command<Options>): string {
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
