// The status page: one self-contained HTML file (no script, no outside resource) with the
// progress, the matrix of workers by steps (each cell's evidence on hover), the dependency graph,
// health with latency, and the rollout by week. Made to be put on a wall.
import { STEPS, type StepState, type WorkerStatus } from "../checklist/steps.js";
import type { Manifest } from "../manifest/schema.js";
import { dependencyGraphSvg, nodeColor } from "./graph-svg.js";
import { workerPercent, type FleetStatus, type Progress } from "./summary.js";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** The latency bar of a health row: green, amber when degraded, red when down. */
const LATENCY_BAR_STYLE =
  ".lbar { display:block; height:8px; border-radius:4px; background:var(--ok); } " +
  ".lbar.degraded { background:var(--warn); } .lbar.down { background:var(--bad); }";
const CELL: Record<StepState, { text: string; cls: string }> = {
  done: { text: "✓", cls: "done" },
  missing: { text: "✗", cls: "missing" },
  "n/a": { text: "—", cls: "na" },
};

function ring(percent: number, label: string): string {
  const r = 52;
  const c = 2 * Math.PI * r;
  const circle = `cx="65" cy="65" r="${r}" fill="none"`;
  const track = `<circle ${circle} stroke="#e6e8ec" stroke-width="14"/>`;
  const dash = `${((percent / 100) * c).toFixed(1)} ${c.toFixed(1)}`;
  const arc = `<circle ${circle} stroke="#2f9e57" stroke-width="14" stroke-linecap="round" stroke-dasharray="${dash}" transform="rotate(-90 65 65)"/>`;
  const text = `<text x="65" y="72" text-anchor="middle" class="ring-text">${percent}%</text>`;
  return `<svg class="ring" viewBox="0 0 130 130" width="130" height="130" aria-label="${percent}% ${escape(label)}">${track}${arc}${text}</svg>`;
}

function progressRow(label: string, p: Progress): string {
  const bar = `<span class="pbar"><span style="width:${p.percent}%"></span></span>`;
  const meta = `<span class="pmeta">${p.migrated}/${p.workers} migrated</span>`;
  return `<div class="prow"><span class="plabel">${escape(label)}</span>${bar}<span class="pnum">${p.percent}%</span>${meta}</div>`;
}

function matrixRow(w: WorkerStatus): string {
  const cells = w.steps
    .map(
      (s) =>
        `<td class="cell ${CELL[s.state].cls}" title="${escape(`${STEPS.find((x) => x.key === s.step)!.title}: ${s.evidence}`)}">${CELL[s.state].text}</td>`,
    )
    .join("");
  const next = w.external ? `<span class="muted">external</span>` : w.next ? `<code>${escape(w.next.command)}</code>` : `<span class="ok">migrated</span>`;
  const swatch = `<span class="swatch" style="background:${nodeColor(w).stroke}"></span>`;
  const percent = w.external ? "" : `${workerPercent(w)}%`;
  const num = (value: string | number) => `<td class="num">${value}</td>`;
  return `<tr><th scope="row">${swatch}${escape(w.id)}</th>${num(w.phase)}${num(w.week ?? "")}${cells}${num(percent)}<td>${next}</td></tr>`;
}

function healthRows(workers: WorkerStatus[]): string {
  const checked = workers.filter((w) => w.health);
  const max = Math.max(50, ...checked.map((w) => w.health!.latencyMs));
  return checked
    .map((w) => {
      const h = w.health!;
      const badge = `<span class="badge ${h.state}">${h.state}</span>`;
      const url = `<td class="url">${escape(h.url)}</td>`;
      const width = Math.max(2, Math.round((h.latencyMs / max) * 100));
      const bar = `<span class="lbar ${h.state}" style="width:${width}%"></span>`;
      return `<tr><th scope="row">${escape(w.id)}</th><td>${badge}</td>${url}<td class="lat">${bar}</td><td class="num">${h.latencyMs} ms</td></tr>`;
    })
    .join("");
}

function timeline(status: FleetStatus): string {
  return status.timeline
    .map((t) => {
      const done = t.workers.filter((w) => w.migrated).length;
      const chips = t.workers
        .map((w) => `<span class="chip ${w.migrated ? "chip-done" : w.percent > 0 ? "chip-wip" : ""}" title="${w.percent}%">${escape(w.id)}</span>`)
        .join("");
      return `<div class="week"><div class="wk"><b>Week ${t.week}</b><span>${done}/${t.workers.length}</span></div><div class="chips">${chips}</div></div>`;
    })
    .join("");
}

export function renderHtml(status: FleetStatus, manifest: Manifest): string {
  const o = status.progress.overall;
  const legend = [
    ["#2f9e57", "migrated"],
    ["#d99a1e", "deployed, not cut over"],
    ["#c8b27a", "in progress"],
    ["#9aa1ab", "not started"],
    ["#5b7bd5", "external"],
  ]
    .map(([c, l]) => `<span><i style="background:${c}"></i>${l}</span>`)
    .join("");
  const source = `${escape(status.branch)} @ ${escape(status.commit.slice(0, 12))}`;
  const cloud = status.cloud.kind === "local" ? "local cloud" : "Cloudflare";
  const cloudError = status.cloud.error ? ` (${escape(status.cloud.error)})` : "";
  const graph = dependencyGraphSvg(status.workers);
  const stepHeads = STEPS.map((s) => `<th class="step">${escape(s.title)}</th>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(manifest.org)} fleet — migration status</title>
<style>
:root { --ink:#1d2330; --muted:#6b7380; --line:#e4e7ec; --bg:#f6f7f9; --ok:#2f9e57; --bad:#d64545; --warn:#d99a1e; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--ink); background:var(--bg); }
header { background:#111827; color:#fff; padding:22px 32px; display:flex; align-items:center; gap:28px; }
header h1 { margin:0 0 4px; font-size:24px; letter-spacing:.2px; }
header p { margin:0; color:#b9c0cc; }
.ring-text { font:700 26px system-ui, sans-serif; fill:#fff; }
main { padding:24px 32px 40px; display:grid; grid-template-columns: minmax(0,1fr); gap:22px; max-width:1500px; }
section { background:#fff; border:1px solid var(--line); border-radius:12px; padding:18px 20px; }
section h2 { margin:0 0 12px; font-size:16px; }
.cards { display:grid; grid-template-columns: repeat(4, minmax(0,1fr)); gap:14px; }
.card { background:#fff; border:1px solid var(--line); border-radius:12px; padding:14px 16px; }
.card b { display:block; font-size:26px; }
.card span { color:var(--muted); }
.prow { display:grid; grid-template-columns: 80px 1fr 48px 120px; align-items:center; gap:10px; margin:6px 0; }
.pbar { height:12px; background:#edf0f3; border-radius:6px; overflow:hidden; }
.pbar span { display:block; height:100%; background:linear-gradient(90deg,#36b86a,#2f9e57); }
.pnum { font-weight:600; text-align:right; } .pmeta, .muted { color:var(--muted); }
table { border-collapse:collapse; width:100%; }
th, td { padding:5px 8px; border-bottom:1px solid var(--line); text-align:left; white-space:nowrap; }
thead th { font-size:12px; color:var(--muted); font-weight:600; position:sticky; top:0; background:#fff; }
th.step { writing-mode: vertical-rl; transform: rotate(180deg); height:190px; vertical-align:bottom; text-align:left; }
header code { background:#1f2937; color:#e5e7eb; }
td.cell { text-align:center; font-weight:700; width:34px; }
td.done { color:var(--ok); background:#eefaf2; } td.missing { color:var(--bad); background:#fdf0f0; } td.na { color:#b3b9c2; }
td.num { text-align:right; color:var(--muted); }
.swatch { display:inline-block; width:9px; height:9px; border-radius:50%; margin-right:7px; }
code { background:#f1f3f6; padding:1px 6px; border-radius:5px; font-size:12.5px; }
.ok { color:var(--ok); font-weight:600; }
.graph { overflow-x:auto; }
.graph .label { font:600 12.5px system-ui, sans-serif; fill:#1d2330; }
.graph .pct { font:12px system-ui, sans-serif; fill:#6b7380; }
.graph .caption { font:12px system-ui, sans-serif; fill:#6b7380; }
.legend { display:flex; gap:16px; flex-wrap:wrap; color:var(--muted); margin-bottom:10px; }
.legend i { display:inline-block; width:11px; height:11px; border-radius:3px; margin-right:6px; vertical-align:-1px; }
.badge { padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; }
.badge.up { background:#dcf5e3; color:#1f7a43; } .badge.degraded { background:#fff1d6; color:#8a5d00; } .badge.down { background:#fde2e2; color:#a32626; }
td.url { color:var(--muted); font-family: ui-monospace, monospace; font-size:12.5px; }
td.lat { width:30%; } ${LATENCY_BAR_STYLE}
.week { display:grid; grid-template-columns: 110px 1fr; gap:12px; padding:8px 0; border-bottom:1px solid var(--line); }
.wk span { display:block; color:var(--muted); }
.chip { display:inline-block; margin:2px 4px 2px 0; padding:2px 9px; border-radius:11px; background:#f1f2f4; border:1px solid #dde1e6; font-size:12.5px; }
.chip-done { background:#dcf5e3; border-color:#9fd9b3; } .chip-wip { background:#fff1d6; border-color:#efd39a; }
footer { color:var(--muted); padding:0 32px 24px; }
</style>
</head>
<body>
<header>
${ring(o.percent, "of all steps done")}
<div><h1>${escape(manifest.org)} fleet — One Worker, One Repository</h1>
<p>${o.migrated} of ${o.workers} workers migrated · ${o.done} of ${o.applicable} checklist steps observed done · ${source} · ${cloud}${cloudError}</p>
<p>Observed ${escape(status.generatedAt.replace("T", " ").slice(0, 19))} UTC by <code>fleet status</code></p></div>
</header>
<main>
<div class="cards">
<div class="card"><b>${o.migrated}/${o.workers}</b><span>workers migrated</span></div>
<div class="card"><b>${status.health.up}</b><span>healthy now</span></div>
<div class="card"><b>${status.health.down + status.health.degraded}</b><span>down or degraded</span></div>
<div class="card"><b>${status.health.unchecked}</b><span>not deployed yet</span></div>
</div>
<section><h2>Progress by phase</h2>${progressRow("overall", o)}${status.progress.phases.map((p) => progressRow(`phase ${p.phase}`, p)).join("")}</section>
<section><h2>Dependency graph</h2><div class="legend">${legend}<span>· dot: health</span></div><div class="graph">${graph}</div></section>
<section><h2>Checklist</h2>
<table class="matrix"><thead><tr><th>worker</th><th>phase</th><th>week</th>${stepHeads}<th>done</th><th>next action</th></tr></thead>
<tbody>${status.workers.map(matrixRow).join("")}</tbody></table></section>
<section><h2>Rollout by week</h2>${timeline(status)}</section>
<section><h2>Health</h2><table><tbody>${healthRows(status.workers)}</tbody></table></section>
</main>
<footer>Every mark is observed: hover a cell for the evidence its probe saw.</footer>
</body>
</html>
`;
}
