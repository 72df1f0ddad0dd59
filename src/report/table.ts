// Plain-text tables whose columns line up, also with emoji and other wide characters.

/** Terminal width of a string: wide (emoji, CJK) characters count two, ANSI colours none. */
export function displayWidth(text: string): number {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  let width = 0;
  for (const char of plain) {
    const code = char.codePointAt(0)!;
    if (code === 0xfe0f || (code >= 0x300 && code <= 0x36f) || code === 0x200d) continue;
    const wide =
      code >= 0x1100 &&
      (code <= 0x115f ||
        (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe30 && code <= 0xfe4f) ||
        (code >= 0xff00 && code <= 0xff60) ||
        (code >= 0x1f300 && code <= 0x1faff) ||
        code === 0x2705 ||
        code === 0x274c);
    width += wide ? 2 : 1;
  }
  return width;
}

export type Align = "left" | "right";

export function table(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const pad = (cell: string, i: number) => {
    const gap = " ".repeat(widths[i]! - displayWidth(cell));
    return align[i] === "right" ? gap + cell : cell + gap;
  };
  const line = (cells: string[]) => cells.map(pad).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}
