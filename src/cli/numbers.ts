import { UserError } from "../errors.js";

/** A whole-number option (`--timeout 3000`), or its default; anything else is a usage error. */
export function wholeNumberOption(flag: string, text: string | undefined, fallback: number, min = 0): number {
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ""}, not "${text}"`);
  return n;
}
