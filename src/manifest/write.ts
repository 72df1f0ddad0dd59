// Writing fleet.jsonc. A new file is rendered with comments that explain each part; an
// existing one is edited in place with jsonc-parser, so the user's comments, formatting and
// values stay as they are and only what is new is added.
import { applyEdits, modify, parseTree, findNodeAtLocation, type FormattingOptions } from "jsonc-parser";

export interface RenderWorker {
  id: string;
  entry: Record<string, unknown>;
  note?: string;
}

export interface RenderInput {
  header: Record<string, unknown>;
  workers: RenderWorker[];
}

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: "\n" };

const FIELD_NOTES: Record<string, string> = {
  $schema: "Editor completion and checks for this file.",
  org: "GitHub organisation (or user) that will own the worker repositories.",
  repoName: "Repository name pattern: {service} becomes the worker id.",
  zone: "Cloudflare zone of the fleet's hostnames.",
  topics: "Topics every worker repository gets, besides the org, cloudflare-workers, worker and its id.",
  secrets: "Actions secrets every worker repository needs (names only; values come from the environment).",
  monorepo: "How the workers live in this repository.",
  providers: "Where repositories live, where workers run, and the service registry (local = embedded).",
  workers: "One entry per worker. Edit freely: `fleet init` keeps your changes and only adds what is new.",
};

/** Renders a whole new manifest with explanatory comments. */
export function renderManifest(input: RenderInput): string {
  const lines = ["// fleet.jsonc — the worker-fleet manifest, written by `fleet init`.", "{"];
  const header = Object.entries(input.header);
  header.forEach(([key, value]) => {
    if (FIELD_NOTES[key]) lines.push(`  // ${FIELD_NOTES[key]}`);
    lines.push(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), 2)},`);
  });
  lines.push(`  // ${FIELD_NOTES.workers}`);
  lines.push('  "workers": {');
  input.workers.forEach((worker, i) => {
    if (worker.note) lines.push(`    // ${worker.note}`);
    const comma = i < input.workers.length - 1 ? "," : "";
    lines.push(`    ${JSON.stringify(worker.id)}: ${indent(JSON.stringify(worker.entry, null, 2), 4)}${comma}`);
  });
  lines.push("  }", "}", "");
  return lines.join("\n");
}

/** Adds workers (and missing top-level keys) to existing manifest text, keeping everything else. */
export function addToManifest(text: string, add: { header: Record<string, unknown>; workers: RenderWorker[] }): string {
  let out = text;
  const root = parseTree(out);
  for (const [key, value] of Object.entries(add.header)) {
    if (root && findNodeAtLocation(root, [key]) === undefined) out = applyEdits(out, modify(out, [key], value, { formattingOptions: FORMAT }));
  }
  for (const worker of add.workers) {
    out = applyEdits(out, modify(out, ["workers", worker.id], worker.entry, { formattingOptions: FORMAT }));
  }
  return out;
}

function indent(json: string, spaces: number): string {
  return json.replaceAll("\n", `\n${" ".repeat(spaces)}`);
}
