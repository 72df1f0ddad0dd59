// From argv to the typed values a command declared: node's util.parseArgs does the parsing;
// this checks choices and whole numbers, applies defaults, and says what is wrong in the
// user's terms (exit 2).
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UserError } from "../errors.js";
import { GLOBAL_OPTIONS, type Command, type OptionSpec, type Options } from "./define.js";

export function parseCommandArgs(name: string, command: Command<Options>, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const declared: Options = { ...GLOBAL_OPTIONS, ...command.options };
  const config: ParseArgsOptionsConfig = Object.fromEntries(
    Object.entries(declared).map(([flag, spec]) => [
      flag,
      { type: spec.type === "boolean" ? "boolean" : "string", ...(spec.short ? { short: spec.short } : {}) },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UserError(`${message} (in \`fleet ${name}\`)`, { hint: `usage: fleet ${name} ${command.usage}; see \`fleet ${name} --help\`` });
  }
  const values: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(declared)) {
    const given = parsed.values[flag];
    const value = given ?? ("default" in spec ? spec.default : undefined);
    if (value === undefined) continue;
    values[flag] = given === undefined ? value : convert(name, flag, spec, given);
  }
  return { values, positionals: parsed.positionals };
}

function convert(name: string, flag: string, spec: OptionSpec, given: string | boolean): unknown {
  if (spec.type === "boolean") return given;
  const text = String(given);
  if (spec.type === "integer") {
    const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
    const min = spec.min ?? 0;
    if (!Number.isSafeInteger(n) || n < min || (spec.max !== undefined && n > spec.max)) {
      const range = spec.max !== undefined ? ` from ${min} to ${spec.max}` : min > 0 ? ` of at least ${min}` : " (0 or more)";
      throw new UserError(`--${flag} must be a whole number${range}, not "${text}"`, { hint: `see \`fleet ${name} --help\`` });
    }
    return n;
  }
  if (spec.choices && !spec.choices.includes(text)) {
    throw new UserError(`--${flag} must be ${spec.choices.join(" or ")}, not "${text}"`, { hint: `see \`fleet ${name} --help\`` });
  }
  return text;
}

/** Help lines of declared options: the flag, its value's name, what it does, its default. */
export function optionLines(options: Options): string[] {
  const rows = Object.entries(options).map(([flag, o]) => {
    const short = o.short ? `-${o.short}, ` : "    ";
    const value = o.type === "boolean" ? "" : ` ${o.placeholder ?? (o.type === "integer" ? "N" : "VALUE")}`;
    const choices = o.type === "string" && o.choices ? ` (${o.choices.join(" or ")})` : "";
    const fallback = o.type !== "boolean" && o.default !== undefined ? ` (default ${o.default})` : "";
    return [`${short}--${flag}${value}`, `${o.description}${choices}${fallback}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`);
}
