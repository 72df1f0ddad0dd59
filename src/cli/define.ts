// Commands are declared, not hand-parsed: each declares its options for node's own
// util.parseArgs, and the handler's argument types are inferred from that declaration.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { Context } from "./context.js";

type ParsedValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof GLOBAL_OPTIONS; strict: true; allowPositionals: true }>
>["values"];

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  config: { type: "string", description: "path to fleet.jsonc (default: <cwd>/fleet.jsonc)" },
  cwd: { type: "string", description: "run as if started in this directory" },
  json: { type: "boolean", description: "machine-readable output on stdout" },
  verbose: { type: "boolean", description: "more detail, and stack traces of internal errors" },
  "no-color": { type: "boolean", description: "no colours (also NO_COLOR=1)" },
  help: { type: "boolean", short: "h", description: "this help" },
} as const satisfies Options;

export type Options = Record<string, ParseArgsOptionsConfig[string] & { description: string; placeholder?: string }>;

export interface CommandArgs<O extends ParseArgsOptionsConfig> {
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
