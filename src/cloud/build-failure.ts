// A build wrangler refused, said the way a user can act on it: wrangler's own error lines (what
// failed, and where in which file), without colours or its banner, and its whole output kept in
// a log file under .fleet/logs/ that the message names.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const ANSI = /\x1b\[[0-9;]*m/g;

/** wrangler's error lines: each `[ERROR]` message with the `file:line:col` it points at, in one line. */
export function wranglerErrors(output: string): string {
  const lines = output.replace(ANSI, "").split("\n");
  const errors: string[] = [];
  for (const line of lines) {
    const error = /\[ERROR\]\s*(.*)$/.exec(line);
    if (error) {
      errors.push(error[1]!.trim());
      continue;
    }
    const at = /^\s*([^\s│╵]+:\d+:\d+):\s*$/.exec(line);
    if (at && errors.length) errors[errors.length - 1] += ` (${at[1]})`;
    // a config's problems are listed under the error that names the file ("Processing wrangler.jsonc configuration:")
    const item = /^\s+- (.+)$/.exec(line);
    if (item && errors.length) errors[errors.length - 1] += ` ${item[1]!.trim()}`;
  }
  // "Build failed with 1 error:" says nothing the errors after it do not
  const told = errors.filter((e, i) => !(/^Build failed with \d+ errors?:?$/.test(e) && i < errors.length - 1));
  return told.join("; ");
}

/** The build of one worker failed; `log` is where wrangler's whole output was kept. */
export class BuildFailed extends Error {
  constructor(
    readonly reason: string,
    readonly log: string | undefined,
  ) {
    super(`wrangler could not build it: ${reason}${log ? ` (wrangler's output: ${log})` : ""}`);
    this.name = "BuildFailed";
  }
}

/** Keeps wrangler's output under `logs` as `<name>-<time>.log`; resolves with the file's path. */
export async function keepLog(logs: string, name: string, output: string): Promise<string> {
  await mkdir(logs, { recursive: true });
  const file = join(logs, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.log`);
  await writeFile(file, output.replace(ANSI, ""));
  return file;
}
