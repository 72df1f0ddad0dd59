// The fleet's dependency graph as an SVG drawing: workers that depend on others or are depended
// on are laid out in columns by depth (dependencies to the left), with an arrow per dependency;
// workers with no dependency either way sit in a compact grid below. Colour shows the migration.
import type { WorkerStatus } from "../checklist/steps.js";
import { workerPercent } from "./summary.js";

const NODE_W = 200;
const NODE_H = 30;
const COL_GAP = 90;
const ROW_GAP = 12;
const PAD = 16;

export function nodeColor(w: WorkerStatus): { fill: string; stroke: string; label: string } {
  if (w.external) return { fill: "#e8eefc", stroke: "#5b7bd5", label: "external" };
  const percent = workerPercent(w);
  if (percent === 100) return { fill: "#dcf5e3", stroke: "#2f9e57", label: "migrated" };
  if (w.steps.some((s) => s.step === "deployed" && s.state === "done")) return { fill: "#fff1d6", stroke: "#d99a1e", label: "deployed, not cut over" };
  if (percent > 0) return { fill: "#fdf6e3", stroke: "#c8b27a", label: "in progress" };
  return { fill: "#f1f2f4", stroke: "#9aa1ab", label: "not started" };
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function dependencyGraphSvg(workers: WorkerStatus[]): string {
  const byId = new Map(workers.map((w) => [w.id, w]));
  const edges = workers.flatMap((w) => w.dependsOn.filter((d) => byId.has(d)).map((d) => ({ from: d, to: w.id })));
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen = new Set<string>()): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const deps = byId.get(id)!.dependsOn.filter((d) => byId.has(d));
    const d = deps.length ? 1 + Math.max(...deps.map((x) => depthOf(x, seen))) : 0;
    depth.set(id, d);
    return d;
  };
  const columns: string[][] = [];
  for (const w of workers.filter((x) => linked.has(x.id))) (columns[depthOf(w.id)] ??= []).push(w.id);
  const position = new Map<string, { x: number; y: number }>();
  columns.forEach((col, c) => col.sort().forEach((id, r) => position.set(id, { x: PAD + c * (NODE_W + COL_GAP), y: PAD + r * (NODE_H + ROW_GAP) })));
  const graphHeight = Math.max(0, ...columns.map((c) => c.length)) * (NODE_H + ROW_GAP);
  const graphWidth = columns.length * (NODE_W + COL_GAP) - COL_GAP;

  const loose = workers
    .filter((w) => !linked.has(w.id))
    .map((w) => w.id)
    .sort();
  const perRow = Math.max(1, Math.floor((Math.max(graphWidth, 4 * NODE_W) + COL_GAP / 3) / (NODE_W + COL_GAP / 3)));
  const looseTop = PAD + graphHeight + (loose.length ? 34 : 0);
  loose.forEach((id, i) => position.set(id, { x: PAD + (i % perRow) * (NODE_W + COL_GAP / 3), y: looseTop + Math.floor(i / perRow) * (NODE_H + ROW_GAP) }));
  const width = PAD * 2 + Math.max(graphWidth, Math.min(loose.length, perRow) * (NODE_W + COL_GAP / 3));
  const height = looseTop + Math.ceil(loose.length / perRow) * (NODE_H + ROW_GAP) + PAD;

  const parts: string[] = [];
  const arrowHead = `<path d="M0,0 L10,5 L0,10 z" fill="#8b95a5"/>`;
  parts.push(
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">${arrowHead}</marker></defs>`,
  );
  for (const e of edges) {
    const a = position.get(e.from)!;
    const b = position.get(e.to)!;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 2;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    const curve = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
    const title = `<title>${escape(e.to)} depends on ${escape(e.from)}</title>`;
    parts.push(`<path class="edge" d="${curve}" fill="none" stroke="#8b95a5" stroke-width="1.3" marker-end="url(#arrow)">${title}</path>`);
  }
  if (loose.length) parts.push(`<text x="${PAD}" y="${looseTop - 12}" class="caption">no dependencies either way</text>`);
  for (const w of workers) {
    const p = position.get(w.id)!;
    const color = nodeColor(w);
    const percent = w.external ? "" : `${workerPercent(w)}%`;
    const dot = w.health ? { up: "#2f9e57", degraded: "#d99a1e", down: "#d64545" }[w.health.state] : "#c3c8cf";
    const health = w.health ? `, health ${w.health.state} ${w.health.latencyMs} ms` : "";
    parts.push(
      `<g class="node" data-worker="${escape(w.id)}"><title>${escape(w.name)} — ${color.label}${health}</title>` +
        `<rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="7" fill="${color.fill}" stroke="${color.stroke}" stroke-width="1.5"/>` +
        `<circle cx="${p.x + 13}" cy="${p.y + NODE_H / 2}" r="4.5" fill="${dot}"/>` +
        `<text x="${p.x + 24}" y="${p.y + NODE_H / 2 + 4.5}" class="label">${escape(w.id)}</text>` +
        `<text x="${p.x + NODE_W - 8}" y="${p.y + NODE_H / 2 + 4.5}" text-anchor="end" class="pct">${percent}</text></g>`,
    );
  }
  const size = `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" ${size} role="img" aria-label="dependency graph of the fleet">${parts.join("")}</svg>`;
}
