// The platform's wrangler config at cutover lets go of the worker's triggers: its crons leave
// every `triggers.crons` list and its queues' `[[queues.consumers]]` entries leave every section.
// TOML is edited as text, line by line; JSON(C) through jsonc-parser's edits (which re-indent the
// objects they change). A `crons` list is left empty rather than removed: wrangler clears a
// script's schedules for an empty list and leaves them as they are when the key is absent. A queue
// has one consumer, so the platform must stop consuming before the worker can start; a cron both
// declared would run twice. The result is parsed again and compared, section by section, with what
// was meant: anything else changed is refused, and the file is left for the user to edit.
import { applyEdits, modify } from "jsonc-parser";
import { UserError } from "../errors.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";

export interface TriggerDrop {
  crons: readonly string[];
  queues: readonly string[];
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

export function dropTriggers(text: string, file: string, drop: TriggerDrop): string {
  if (drop.crons.length === 0 && drop.queues.length === 0) return text;
  const before = parseWranglerConfig(text, file).raw;
  const edited = file.endsWith(".toml") ? dropToml(text, drop) : dropJsonc(text, file, drop);
  let after: Raw;
  try {
    after = parseWranglerConfig(edited, file).raw;
  } catch {
    throw cannotEdit(file, drop);
  }
  if (JSON.stringify(expected(before, drop)) !== JSON.stringify(expected(after, { crons: [], queues: [] }))) throw cannotEdit(file, drop);
  return edited;
}

/** The config as it must read afterwards: each section without the crons and the consumers dropped. */
function expected(raw: Raw, drop: TriggerDrop): Raw {
  const section = (s: Raw): Raw => {
    const out: Raw = { ...s };
    if (isObject(s.triggers) && Array.isArray(s.triggers.crons))
      out.triggers = { ...s.triggers, crons: s.triggers.crons.filter((c) => !drop.crons.includes(c as string)) };
    if (isObject(s.queues) && Array.isArray(s.queues.consumers)) {
      const consumers = s.queues.consumers.filter((c) => !(isObject(c) && drop.queues.includes(c.queue as string)));
      const { consumers: _gone, ...rest } = s.queues;
      out.queues = consumers.length ? { ...rest, consumers } : rest;
    }
    // a `queues` left empty and one never written read the same
    if (isObject(out.queues) && Object.keys(out.queues).length === 0) delete out.queues;
    return out;
  };
  const top = section(raw);
  if (isObject(raw.env)) top.env = Object.fromEntries(Object.entries(raw.env).map(([k, v]) => [k, isObject(v) ? section(v) : v]));
  return top;
}

function dropJsonc(text: string, file: string, drop: TriggerDrop): string {
  const format = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  let edited = text;
  const raw = parseWranglerConfig(text, file).raw;
  const prefixes: string[][] = [[], ...Object.keys(isObject(raw.env) ? raw.env : {}).map((env) => ["env", env])];
  for (const prefix of prefixes) {
    // indexes from the end, so each removal leaves the ones before it where they were
    const section = () => prefix.reduce<Raw>((s, k) => (s[k] as Raw) ?? {}, parseWranglerConfig(edited, file).raw);
    const crons = isObject(section().triggers) ? ((section().triggers as Raw).crons as unknown[] | undefined) : undefined;
    for (let i = (crons?.length ?? 0) - 1; i >= 0; i--) {
      if (drop.crons.includes(crons![i] as string)) edited = applyEdits(edited, modify(edited, [...prefix, "triggers", "crons", i], undefined, format));
    }
    const consumers = isObject(section().queues) ? ((section().queues as Raw).consumers as unknown[] | undefined) : undefined;
    const kept = (consumers ?? []).filter((c) => !(isObject(c) && drop.queues.includes(c.queue as string)));
    if (consumers && kept.length === 0) edited = applyEdits(edited, modify(edited, [...prefix, "queues", "consumers"], undefined, format));
    else
      for (let i = (consumers?.length ?? 0) - 1; i >= 0; i--) {
        const c = consumers![i];
        if (isObject(c) && drop.queues.includes(c.queue as string))
          edited = applyEdits(edited, modify(edited, [...prefix, "queues", "consumers", i], undefined, format));
      }
  }
  return edited;
}

function dropToml(text: string, drop: TriggerDrop): string {
  let edited = text;
  // each cron out of every `crons = [...]` array (one line or several), with its separating comma
  edited = edited.replace(/(\bcrons\s*=\s*\[)([^\]]*)\]/g, (_all, open: string, inner: string) => {
    let list = inner;
    for (const cron of drop.crons) {
      const element = new RegExp(`(?:"${escape(cron)}"|'${escape(cron)}')[ \\t]*,?[ \\t]*(?:\\r?\\n[ \\t]*)?`);
      list = list.replace(element, "");
    }
    // a last element's comma left before the closing bracket on one line: `["a", ]` → `["a"]`
    if (!list.includes("\n")) list = list.replace(/,\s*$/, "");
    return `${open}${list}]`;
  });
  // each [[…queues.consumers]] table of a dropped queue: its header to the next header, with one blank line before it
  for (const queue of drop.queues) {
    const header = /^[ \t]*\[\[\s*(?:env\.[^\].]+\.)?queues\.consumers\s*\]\][^\n]*\n?/gm;
    const tables: { start: number; end: number }[] = [];
    for (let m = header.exec(edited); m; m = header.exec(edited)) {
      const next = /^[ \t]*\[/m.exec(edited.slice(m.index + m[0].length));
      tables.push({ start: m.index, end: next ? m.index + m[0].length + next.index : edited.length });
    }
    for (const table of tables.reverse()) {
      const body = edited.slice(table.start, table.end);
      if (!new RegExp(`^\\s*queue\\s*=\\s*["']${escape(queue)}["']`, "m").test(body)) continue;
      const blank = /\n\s*\n$/.exec(edited.slice(0, table.start)) ? 1 : 0;
      edited = edited.slice(0, table.start - blank) + edited.slice(table.end);
    }
  }
  return edited;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function cannotEdit(file: string, drop: TriggerDrop): UserError {
  const what = [...drop.crons.map((c) => `the cron "${c}"`), ...drop.queues.map((q) => `the consumer of ${q}`)].join(", ");
  return new UserError(`${file}: could not remove ${what} without changing anything else`, {
    hint: `remove ${what} from the platform's config by hand (every [env.*] section too), commit, and run the cutover again`,
  });
}
