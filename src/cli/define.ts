// Commands are declared, not hand-parsed: each declares its options — flags, strings (with their
// choices), whole numbers (with minimum and default) — and `main` parses them with node's own
// util.parseArgs, checks and converts them, and hands the handler typed values. Help text comes
// from the same declaration, so it cannot drift from what is accepted.
import type { Context } from "./context.js";

interface Described {
  description: string;
  /** The value's name in help and usage: `--timeout MS`. */
  placeholder?: string;
  short?: string;
}

export type OptionSpec =
  | (Described & { type: "boolean" })
  | (Described & { type: "string"; choices?: readonly string[]; default?: string })
  | (Described & { type: "integer"; min?: number; max?: number; default?: number });

export type Options = Record<string, OptionSpec>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  config: { type: "string", description: "path to fleet.jsonc (default: <cwd>/fleet.jsonc)" },
  cwd: { type: "string", description: "run as if started in this directory" },
  json: { type: "boolean", description: "machine-readable output on stdout" },
  verbose: { type: "boolean", description: "more detail, and stack traces of internal errors" },
  "no-color": { type: "boolean", description: "no colours (also NO_COLOR=1)" },
  help: { type: "boolean", short: "h", description: "this help" },
} as const satisfies Options;

type ValueOf<S> = S extends { type: "boolean" } ? boolean : S extends { type: "integer" } ? number : S extends { choices: readonly (infer C)[] } ? C : string;

/** What the handler gets: a declared default makes the value always present. */
export type ParsedValues<O extends Options> = { [K in keyof O as O[K] extends { default: unknown } ? K : never]: ValueOf<O[K]> } & {
  [K in keyof O as O[K] extends { default: unknown } ? never : K]?: ValueOf<O[K]>;
} & { [K in keyof typeof GLOBAL_OPTIONS]?: ValueOf<(typeof GLOBAL_OPTIONS)[K]> };

export interface CommandArgs<O extends Options> {
  values: ParsedValues<O>;
  positionals: string[];
}

export interface Command<O extends Options = Options> {
  /** Usage line after `fleet <name>`, such as "[WORKER...] [--all]". */
  usage: string;
  /** One paragraph shown by --help. */
  description: string;
  options: O;
  /** Changes the monorepo, its local forge or its local cloud: runs holding the monorepo's lock. */
  writes?: boolean;
  /** Largest number of positionals accepted (Infinity for lists); default 0. */
  maxPositionals?: number;
  /** Returns the exit code (0 when omitted). */
  run(ctx: Context, args: CommandArgs<O>): Promise<number | void>;
}

/** Declares a command; the identity function exists for type inference. */
export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** Options every health check of a command takes, with that command's defaults. */
export function healthOptions(defaults: { timeoutMs: number; retries: number }) {
  return {
    timeout: { type: "integer", min: 1, default: defaults.timeoutMs, description: "health check timeout per request, in ms", placeholder: "MS" },
    retries: { type: "integer", min: 0, default: defaults.retries, description: "health check retries, with backoff", placeholder: "N" },
  } as const satisfies Options;
}
