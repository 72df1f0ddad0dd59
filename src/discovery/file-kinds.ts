// What kind of file a path is, as discovery, the split, the checklist and the deploy all judge
// it: one definition each.

/** A test file: under test/, tests/ or __tests__/, named *.test.* or *.spec.*, or test-*.js at the top. */
export const TEST_FILE = /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]sx?$|^test-[^/]+\.[cm]?[jt]sx?$/;

/** The names wrangler looks for, in its order. */
export const WRANGLER_FILES = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"] as const;
