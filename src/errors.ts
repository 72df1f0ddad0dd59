// Few error types, as the exit codes are API:
//   0 ok, 1 findings or partial failure, 2 bad input or configuration (nothing changed).
// A UserError is the user's to fix: one clear message, no stack. Anything else is ours: stack.

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** A bug in fleet (an error that is not the user's): exit 1 like a failure, with the stack, never 2. */
export const EXIT_INTERNAL = 1;

export interface UserErrorDetails {
  /** What to do about it, shown on its own line. */
  hint?: string;
  /** Further problems of the same kind (each already carrying its location). */
  problems?: string[];
  /** The underlying error, kept for --verbose. */
  cause?: unknown;
}

/** A mistake in the user's input or environment: exit 2, no stack trace, nothing changed. */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly problems: string[];
  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "UserError";
    this.hint = details.hint;
    this.problems = details.problems ?? [];
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
