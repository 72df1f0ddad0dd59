// Reading fleet.jsonc: JSONC syntax, then the schema, then the rules across fields. Every
// problem is reported with file:line:column, and loading never writes anything.
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { parse, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser";
import type { core } from "zod";
import { UserError } from "../errors.js";
import { Locator, formatPath, type JsonPath } from "./locate.js";
import { ManifestSchema, WorkerSchema, type Manifest } from "./schema.js";
import { crossFieldProblems, type Problem } from "./validate.js";

export const MANIFEST_FILE = "fleet.jsonc";

/** Reads and validates the manifest at `path`; throws UserError listing every problem. */
export async function loadManifest(path: string, cwd = process.cwd()): Promise<Manifest> {
  let text: string;
  try {
    text = decodeUtf8(await readFile(path), relative(cwd, path) || path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new UserError(`no manifest at ${relative(cwd, path) || path}`, {
        hint: "run `fleet init` in the monorepo to discover its workers, or pass --config FILE",
      });
    }
    throw error;
  }
  return parseManifest(text, relative(cwd, path) || path);
}

/** Validates manifest text; `file` is the name used in messages. */
export function parseManifest(text: string, file = MANIFEST_FILE): Manifest {
  const syntax: ParseError[] = [];
  const options = { allowTrailingComma: true, disallowComments: false };
  const raw: unknown = parse(text, syntax, options);
  const locator = new Locator(file, text, parseTree(text, undefined, options));
  if (syntax.length > 0) {
    throw new UserError(`${file} is not valid JSONC`, {
      problems: syntax.map((e) => `${locator.at(e.offset)} ${describeSyntax(e)}`),
      hint: "fix the syntax; comments and trailing commas are allowed",
    });
  }
  const problems: Problem[] = [];
  // A "__proto__" key is dropped by JSON parsing (or, with an object value, becomes the
  // object's prototype): refuse it rather than let it pass unseen.
  const reserved = findKeys(parseTree(text, undefined, options), "__proto__");
  if (reserved.length) {
    throw new UserError(`${file} has ${reserved.length} reserved key${reserved.length === 1 ? "" : "s"}`, {
      problems: reserved.map((offset) => `${locator.at(offset)} "__proto__" is not allowed as a key`),
      hint: `remove it from ${file} (nothing was changed)`,
    });
  }
  const result = ManifestSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(...fromZodIssue(issue));
      // zod skips the value of an invalid key; check it too, so one run shows everything.
      if (issue.code === "invalid_key" && issue.path.length === 2 && issue.path[0] === "workers") {
        const value = (raw as { workers: Record<string, unknown> }).workers[issue.path[1] as string];
        const inner = WorkerSchema.safeParse(value, { reportInput: true });
        if (!inner.success) problems.push(...inner.error.issues.flatMap((i) => fromZodIssue({ ...i, path: [...issue.path, ...i.path] })));
      }
    }
  }
  problems.push(...crossFieldProblems(raw));
  if (problems.length > 0) {
    const lines = dedupe(problems.map((p) => `${locator.of(p.path, p.key)} ${formatPath(p.path)}: ${p.message}`));
    throw new UserError(`${file} has ${lines.length} problem${lines.length === 1 ? "" : "s"}`, {
      problems: lines,
      hint: `fix ${file} and run the command again (nothing was changed)`,
    });
  }
  return result.data!;
}

/** Offsets of every property key named `name` in the tree. */
function findKeys(node: JsonNode | undefined, name: string): number[] {
  if (!node) return [];
  const here = node.type === "property" && node.children?.[0]?.value === name ? [node.children[0].offset] : [];
  return [...here, ...(node.children ?? []).flatMap((c) => findKeys(c, name))];
}

/**
 * The manifest's text; bytes that are not UTF-8 are refused with their line and column (a lenient
 * decoder would turn them into U+FFFD and let a corrupted name through).
 */
export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at).toString("utf8");
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    throw new UserError(`${file} is not valid UTF-8`, {
      problems: [`${file}:${line}:${column} byte 0x${bytes[at]!.toString(16).padStart(2, "0")} does not start or continue a UTF-8 character`],
      hint: `save ${file} as UTF-8 (nothing was changed)`,
    });
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    const next = bytes.subarray(i, i + length);
    if (next.length < length) return i;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(next);
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

function describeSyntax(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function fromZodIssue(issue: core.$ZodIssue): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({ path: [...path, k], key: true, message: `unknown key "${k}"` }));
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? issue.message;
      return [{ path, key: true, message: `invalid key ${JSON.stringify(path.at(-1))}: ${inner}` }];
    }
    case "invalid_type":
      if (issue.input === undefined) return [{ path, message: "is required" }];
      return [{ path, message: issue.message.replace(/^Invalid input: /, "") }];
    default:
      return [{ path, message: issue.message.replace(/^Invalid (string|input): /, "") }];
  }
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}

export type { JsonPath };
