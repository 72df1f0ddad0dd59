// git's C-style path quoting, as fast-export writes and fast-import reads it.

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, "\\": 92 };

/** `"b c"` or `"q\"uote"` or `"caf\303\251"` → the path's bytes decoded as UTF-8. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i]!;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = text[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Quotes a path for fast-import when it has to be (a leading quote, a newline, a backslash). */
export function quotePath(path: string): string {
  if (!/^"|[\n\\"]/.test(path) && !path.includes("\0")) return path;
  let out = '"';
  for (const byte of Buffer.from(path, "utf8")) {
    if (byte === 34) out += '\\"';
    else if (byte === 92) out += "\\\\";
    else if (byte === 10) out += "\\n";
    else if (byte < 32 || byte >= 127) out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}
