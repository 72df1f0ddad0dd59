// package.json files of the monorepo, read strictly as npm reads them: one that does not parse is
// the user's to fix, named with its line and column (exit 2), never a crash.
import { parseTree, type ParseError } from "jsonc-parser";
import { UserError } from "../errors.js";
import { position } from "./ast.js";
import type { SourceTree } from "./source-tree.js";

export interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  main?: string;
  scripts?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The parsed package.json at `path`, undefined when there is none; a broken one is a UserError. */
export function readPackageJson(tree: SourceTree, path: string): Promise<PackageJson | undefined> {
  return tree.memo(`package-json:${path}`, async () => {
    const text = await tree.read(path);
    if (text === undefined) return undefined;
    return parsePackageJson(text, path);
  });
}

export function parsePackageJson(text: string, path: string): PackageJson {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    // JSON.parse says what, jsonc-parser says where
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    const at = errors[0] ? `:${position(text, errors[0].offset)}` : "";
    throw new UserError(`${path}${at}: not valid JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/s, "")})`, {
      hint: `fix ${path}; npm cannot read it either`,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UserError(`${path}: a package.json must hold an object`);
  return value as PackageJson;
}
