// `fleet status` for the terminal and for a tracking issue: the matrix of workers by steps,
// progress per phase, the rollout by week, and each worker's next action.
import { STEPS, type StepState } from "../checklist/steps.js";
import { table } from "../report/table.js";
import type { FleetStatus, Progress } from "./summary.js";

const MARK: Record<StepState, string> = { done: "✅", missing: "❌", "n/a": "—" };

export function bar(percent: number, width = 20): string {
  const filled = Math.round((percent / 100) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

const line = (label: string, p: Progress) =>
  `${label.padEnd(9)} ${bar(p.percent)} ${String(p.percent).padStart(3)}%  ${p.migrated}/${p.workers} workers migrated, ${p.done}/${p.applicable} steps`;

export function renderText(status: FleetStatus): string {
  const rows = status.workers.map((w) => [
    w.id,
    String(w.phase),
    String(w.week ?? ""),
    ...w.steps.map((s) => MARK[s.state]),
    w.scaffold?.state === "behind" ? "behind" : (w.scaffold?.state ?? ""),
    w.back?.waiting ? String(w.back.waiting) : "",
    w.external ? "external" : (w.next?.command ?? "done"),
  ]);
  const out = [table(["worker", "phase", "week", ...STEPS.map((s) => s.short), "template", "back", "next"], rows), ""];
  out.push(line("overall", status.progress.overall));
  for (const p of status.progress.phases) out.push(line(`phase ${p.phase}`, p));
  out.push("", "rollout by week:");
  for (const t of status.timeline) {
    const done = t.workers.filter((w) => w.migrated).length;
    const workers = t.workers.map((w) => (w.migrated ? `✅ ${w.id}` : w.id)).join(", ");
    out.push(`  week ${String(t.week).padEnd(3)} ${done}/${t.workers.length} migrated  ${workers}`);
  }
  const h = status.health;
  out.push("", `health: ${h.up} up, ${h.degraded} degraded, ${h.down} down, ${h.unchecked} not deployed`);
  const cloud = status.cloud.kind === "local" ? "the local cloud (.fleet/cloud)" : "Cloudflare";
  out.push(`cloud: ${cloud}${status.cloud.error ? ` — ${status.cloud.error}` : ""}`);
  return out.join("\n");
}

export function renderMarkdown(status: FleetStatus): string {
  const cloud = status.cloud.kind === "local" ? "the local cloud" : "Cloudflare";
  const cloudError = status.cloud.error ? ` (${status.cloud.error})` : "";
  const out = [
    `## Migration status — ${status.progress.overall.percent}% (${status.progress.overall.migrated}/${status.progress.overall.workers} workers migrated)`,
    "",
    `Observed by \`fleet status\` on ${status.branch} at \`${status.commit.slice(0, 12)}\`, ${status.generatedAt}, in ${cloud}${cloudError}.`,
    "",
    `| worker | phase | week | ${STEPS.map((s) => s.short).join(" | ")} | template | back | next |`,
    `| --- | ---: | ---: | ${STEPS.map(() => ":---:").join(" | ")} | --- | ---: | --- |`,
    ...status.workers.map((w) => {
      const next = w.external ? "external" : w.next ? `\`${w.next.command}\`` : "done";
      const steps = w.steps.map((s) => MARK[s.state]).join(" | ");
      return `| ${w.id} | ${w.phase} | ${w.week ?? ""} | ${steps} | ${w.scaffold?.state ?? ""} | ${w.back?.waiting || ""} | ${next} |`;
    }),
    "",
    "| phase | progress | migrated |",
    "| ---: | --- | ---: |",
    ...status.progress.phases.map((p) => `| ${p.phase} | ${p.percent}% (${p.done}/${p.applicable} steps) | ${p.migrated}/${p.workers} |`),
    "",
    "### Rollout by week",
    "",
    ...status.timeline.map(
      (t) => `- [${t.workers.every((w) => w.migrated) ? "x" : " "}] week ${t.week}: ${t.workers.map((w) => (w.migrated ? `~~${w.id}~~` : w.id)).join(", ")}`,
    ),
    "",
  ];
  return out.join("\n");
}
