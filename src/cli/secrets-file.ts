// `--secrets-file FILE` of create, deploy and migrate: a dotenv file's NAME=value pairs, read
// into memory only (never copied, printed or put on a command line).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { UserError } from "../errors.js";

/** The file's values; a file that cannot be read, or holds no NAME=value line, is the user's to fix. */
export async function readSecretsFile(cwd: string, given: string): Promise<Record<string, string>> {
  const file = resolve(cwd, given);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the secrets file ${given}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: "give a file of NAME=value lines (dotenv)",
    });
  }
  const values = parseEnv(text) as Record<string, string>;
  if (Object.keys(values).length === 0) throw new UserError(`the secrets file ${given} has no NAME=value line`, { hint: "one secret a line: JWT_SECRET=…" });
  return values;
}
