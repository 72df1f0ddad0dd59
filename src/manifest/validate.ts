// Rules across fields. They read the raw (parsed JSONC) manifest defensively, so they can run
// even when shape checks failed elsewhere and every problem is reported in one go.
import type { JsonPath } from "./locate.js";
import { OWNER } from "./schema.js";
import { routeHostMatches, routePatternHost } from "./routes.js";

export interface Problem {
  path: JsonPath;
  /** Point at the key itself rather than its value. */
  key?: boolean;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Cross-field problems of a raw manifest: sources, domains, dependencies. */
export function crossFieldProblems(raw: unknown): Problem[] {
  if (!isObject(raw) || !isObject(raw.workers)) return [];
  const workers = raw.workers;
  const problems: Problem[] = [];
  const domains = new Map<string, string>();
  const routeHosts = new Map<string, string>();
  const layout = isObject(raw.monorepo) ? raw.monorepo.layout : undefined;

  for (const [id, entry] of Object.entries(workers)) {
    if (!isObject(entry)) continue;
    const at = (...rest: JsonPath): JsonPath => ["workers", id, ...rest];

    if (entry.external === undefined && entry.source === undefined) {
      problems.push({ path: at(), key: true, message: `worker "${id}" needs either "source" (where its code is) or "external" (its repository URL)` });
    }
    if (entry.external !== undefined && entry.source !== undefined) {
      problems.push({
        path: at("external"),
        key: true,
        message: `worker "${id}" has both "external" and "source"; an external worker lives elsewhere, so drop one`,
      });
    }
    if (isObject(entry.source)) problems.push(...sourceProblems(entry.source, at("source"), layout));

    const hostnames: [JsonPath, unknown][] = [
      [at("domain"), entry.domain],
      ...(Array.isArray(entry.aliases) ? entry.aliases.map((h, i): [JsonPath, unknown] => [at("aliases", i), h]) : []),
    ];
    for (const [path, value] of hostnames) {
      if (typeof value !== "string") continue;
      const domain = value.toLowerCase();
      const holder = domains.get(domain);
      if (holder !== undefined) problems.push({ path, message: `domain ${domain} is already used by worker "${holder}"` });
      else domains.set(domain, id);
    }
    problems.push(...routeProblems(entry, id, at, routeHosts));
    const calls = Array.isArray(entry.calls) ? entry.calls : [];
    calls.forEach((call, i) => {
      if (typeof call === "string" && call !== id && !(call in workers)) {
        const hint = closest(call, Object.keys(workers));
        problems.push({ path: at("calls", i), message: `unknown worker "${call}" in calls${hint ? ` (did you mean "${hint}"?)` : ""}` });
      }
    });

    const deps = Array.isArray(entry.dependsOn) ? entry.dependsOn : [];
    deps.forEach((dep, i) => {
      if (typeof dep !== "string") return;
      if (dep === id) problems.push({ path: at("dependsOn", i), message: `worker "${id}" depends on itself` });
      else if (!(dep in workers)) {
        const hint = closest(dep, Object.keys(workers));
        problems.push({ path: at("dependsOn", i), message: `unknown worker "${dep}" in dependsOn${hint ? ` (did you mean "${hint}"?)` : ""}` });
      }
    });
  }

  problems.push(...ownerProblems(raw));

  // a dependsOn cycle is not a problem: deploys break it at one edge (plan/graph.ts), whose
  // target goes up first as a placeholder
  return problems;
}

/**
 * A wildcard route belongs to one worker (Cloudflare refuses a pattern another script holds), and
 * a probe host must be a hostname one of the worker's wildcard routes serves.
 */
function routeProblems(entry: Record<string, unknown>, id: string, at: (...rest: JsonPath) => JsonPath, seen: Map<string, string>): Problem[] {
  const problems: Problem[] = [];
  const patterns = Array.isArray(entry.routes) ? entry.routes : [];
  patterns.forEach((pattern, i) => {
    if (typeof pattern !== "string") return;
    const host = routePatternHost(pattern);
    const holder = seen.get(host);
    if (holder !== undefined && holder !== id) problems.push({ path: at("routes", i), message: `route ${pattern} is already used by worker "${holder}"` });
    else seen.set(host, id);
  });
  if (typeof entry.probeHost === "string") {
    const hosts = patterns.filter((p): p is string => typeof p === "string").map(routePatternHost);
    if (!hosts.some((h) => routeHostMatches(h, entry.probeHost as string))) {
      const why = hosts.length ? `none of its routes (${hosts.join(", ")}) serves it` : `worker "${id}" has no wildcard route for it to stand for`;
      problems.push({ path: at("probeHost"), message: `probeHost ${entry.probeHost}: ${why}` });
    }
  }
  return problems;
}

/** A team among the code owners must be one of the organisation's: GitHub ignores any other. */
function ownerProblems(raw: Record<string, unknown>): Problem[] {
  if (typeof raw.org !== "string") return [];
  const org = raw.org.toLowerCase();
  const lists: [JsonPath, unknown][] = [
    [["owners"], raw.owners],
    ...Object.entries(raw.workers as Record<string, unknown>).map(([id, w]): [JsonPath, unknown] => [
      ["workers", id, "owners"],
      isObject(w) ? w.owners : undefined,
    ]),
  ];
  const problems: Problem[] = [];
  for (const [path, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((owner, i) => {
      const team = typeof owner === "string" && OWNER.test(owner) ? /^@([^/]+)\//.exec(owner) : null;
      if (team && team[1]!.toLowerCase() !== org)
        problems.push({
          path: [...path, i],
          message: `code owner ${owner} is a team of ${team[1]}, not of ${raw.org}: GitHub ignores teams of another organisation`,
        });
    });
  }
  return problems;
}

function sourceProblems(source: Record<string, unknown>, at: JsonPath, layout: unknown): Problem[] {
  const problems: Problem[] = [];
  const hasDir = source.dir !== undefined;
  const hasFile = source.file !== undefined;
  const hasConfig = source.config !== undefined;
  if (Number(hasDir) + Number(hasFile) + Number(hasConfig) !== 1) {
    problems.push({
      path: at,
      message: 'source needs exactly one of "dir" (its folder), "file" (a router service module) or "config" (a root wrangler config with its own main)',
    });
  } else if (hasDir || hasConfig) {
    for (const key of ["export", "style", "include"]) {
      if (source[key] !== undefined)
        problems.push({ path: [...at, key], key: true, message: `"${key}" belongs to a router source ("file"), not a "${hasDir ? "dir" : "config"}" source` });
    }
  } else if (source.export === undefined) {
    problems.push({ path: at, message: 'a router source needs "export": the handler\'s export name' });
  }
  if (layout === "router" && hasDir)
    problems.push({ path: [...at, "dir"], key: true, message: 'the monorepo layout is "router" but this worker has a "dir" source' });
  if (layout === "directories" && hasFile)
    problems.push({ path: [...at, "file"], key: true, message: 'the monorepo layout is "directories" but this worker has a "file" source' });
  return problems;
}

/** The candidate nearest to `word` by edit distance, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  return closeMatches(word, candidates, 1)[0];
}

/** Up to `limit` candidates near `word`, nearest first. */
export function closeMatches(word: string, candidates: readonly string[], limit = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: distance(word, c) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(Math.max(word.length, c.length) / 3)) || c.includes(word) || word.includes(c))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1));
  return scored.slice(0, limit).map(({ c }) => c);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
