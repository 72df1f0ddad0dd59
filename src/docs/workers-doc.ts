// The monorepo's list of worker repositories (docs/workers.md): a block fleet writes between two
// markers, so that the rest of the file is the team's own and is never touched.
import { healthTargets } from "../health/where.js";
import { workerPatterns } from "../manifest/routes.js";
import { displayName, repoNameFor, repositoryUrl } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { probeOf, probeUrl } from "../health/probe.js";

export const WORKERS_DOC = "docs/workers.md";
const BEGIN = "<!-- fleet:workers — written by `fleet migrate`; edit outside this block -->";
const END = "<!-- /fleet:workers -->";

function block(text: string | undefined): { start: number; end: number } | undefined {
  if (text === undefined) return undefined;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  return start >= 0 && end > start ? { start, end: end + END.length } : undefined;
}

/** Ids whose repository the document's block lists. */
export function listedWorkers(text: string | undefined, manifest: Manifest): string[] {
  const found = block(text);
  if (!found) return [];
  const inside = text!.slice(found.start, found.end);
  return Object.keys(manifest.workers).filter((id) => inside.includes(`(${repositoryUrl(manifest, id)})`));
}

/** The document with `add` listed too; the text outside the block stays as it was. */
export function withWorkersListed(text: string | undefined, manifest: Manifest, add: readonly string[]): string {
  const ids = [...new Set([...listedWorkers(text, manifest), ...add])].sort();
  const rows = ids.map((id) => {
    const w = manifest.workers[id]!;
    // a wildcard route is shown as the pattern it is, its health where fleet asks it (its probe host)
    const pattern = workerPatterns(w)[0];
    const host = w.domain ? `https://${w.domain}` : pattern ? `\`${pattern}\`` : "—";
    const probeHost = w.domain ?? (pattern ? healthTargets(w).find((t) => t.via === "probe-host")?.host : undefined);
    const health = probeHost ? probeUrl(probeHost, probeOf(w)) : "—";
    return `| ${displayName(id, w)} | [${repoNameFor(manifest, id)}](${repositoryUrl(manifest, id)}) | ${host} | ${health} |`;
  });
  const rendered = [BEGIN, "| Service | Repository | Hostname | Health |", "| --- | --- | --- | --- |", ...rows, END].join("\n");
  const found = block(text);
  if (found) return text!.slice(0, found.start) + rendered + text!.slice(found.end);
  const head = text ?? "# Worker repositories\n\nServices that moved out of this monorepo into their own repositories (One Worker = One Repository).\n";
  return `${head}${head.endsWith("\n") ? "" : "\n"}\n${rendered}\n`;
}
