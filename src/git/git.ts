// Runs one git command and collects its output: argument arrays, never a shell string. The
// long-lived git sessions are started beside it — `cat-file --batch` (cat-file.ts), the split's
// fast-export and fast-import streams and its `diff-tree --stdin` (history/) — with the same rule.
import { spawn, type SpawnOptions } from "node:child_process";
import { UserError } from "../errors.js";

export interface GitOptions {
  /** Working directory (a work tree or a bare repository). */
  cwd: string;
  /** Text written to git's standard input. */
  input?: string | Buffer;
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string>;
  /** Exit codes that are not failures (for `git diff --quiet` and friends). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Raised when git exits with an unexpected code; keeps git's own message. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed (exit ${code}): ${stderr.trim() || "no message"}`);
    this.name = "GitError";
  }
}

// Dates, names and locale must not leak from the user's configuration into what we read.
const STABLE_ENV = { LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" };

/** Runs git with `args` and resolves with its output; rejects with GitError on failure. */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: { ...process.env, ...STABLE_ENV, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    };
    const child = spawn("git", args as string[], spawnOptions);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(new UserError("git was not found on PATH", { hint: "install git 2.39 or newer" }));
      } else reject(error);
    });
    child.on("close", (code) => {
      const result = {
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? -1,
      };
      if (code === 0 || options.okCodes?.includes(code ?? -1)) resolve(result);
      else reject(new GitError(args, result.code, result.stderr));
    });
    child.stdin!.on("error", () => {
      // git may exit before reading all input; the exit code tells what happened.
    });
    child.stdin!.end(options.input ?? "");
  });
}

/** Runs git and returns its standard output without the trailing newline. */
export async function gitText(args: readonly string[], options: GitOptions): Promise<string> {
  const { stdout } = await git(args, options);
  return stdout.replace(/\n$/, "");
}

/** The text of `path` at `commit`, or undefined when the commit does not have it (or there is no commit). */
export async function fileAt(repo: string, commit: string | undefined, path: string): Promise<string | undefined> {
  if (!commit) return undefined;
  const shown = await git(["cat-file", "-p", `${commit}:${path}`], { cwd: repo, okCodes: [128] });
  return shown.code === 0 ? shown.stdout : undefined;
}

/**
 * Starts a long-running git process whose standard input is streamed (fast-import,
 * cat-file --batch). The caller writes to `stdin` and awaits `done`.
 */
export function gitStream(args: readonly string[], options: Omit<GitOptions, "input">) {
  const child = spawn("git", args as string[], {
    cwd: options.cwd,
    env: { ...process.env, ...STABLE_ENV, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const err: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new GitError(args, code ?? -1, Buffer.concat(err).toString("utf8")));
    });
  });
  return { stdin: child.stdin, stdout: child.stdout, done, child };
}
