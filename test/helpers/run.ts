// Runs `fleet` in-process and captures what it prints, as a user would see it without colour.
import { main } from "../../src/cli/main.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runFleet(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...process.env, NO_COLOR: "1", CI: "1", ...env },
  });
  return { code, stdout, stderr };
}
