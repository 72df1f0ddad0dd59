// The line of a value in a TOML wrangler config (smol-toml parses without positions; JSONC's come
// from jsonc-parser's tree). The config was parsed already, so only where a value sits is read
// here: the `[[table]]` holding the list's index-th entry, else (an inline array) the first
// `field = "value"` line under the right environment.

/** `file:line` of `path`'s value (`value` as written), or `file` when it cannot be told. */
export function configLine(file: string, text: string, path: (string | number)[], value: string): string {
  const field = String(path.at(-1));
  const index = Number(path.at(-2));
  const table = path.slice(0, -2).join(".");
  const inEnv = path[0] === "env" ? `env.${String(path[1])}` : undefined;
  const assignment = new RegExp(
    `^\\s*["']?${escape(field)}["']?\\s*=\\s*["']${escape(value)}["']|[{,]\\s*["']?${escape(field)}["']?\\s*=\\s*["']${escape(value)}["']`,
  );
  const lines = text.split("\n");
  let header = "";
  let entries = -1;
  let fallback: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+#.*$/, "");
    const heading = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*$/.exec(line);
    if (heading) {
      header = heading[2]!.replace(/\s*\.\s*/g, ".").replace(/["']/g, "");
      if (heading[1] === "[[" && header === table) entries++;
      continue;
    }
    if (!assignment.test(line)) continue;
    if (header === table && entries === index) return `${file}:${i + 1}`;
    const sameEnv = inEnv ? header === inEnv || header.startsWith(`${inEnv}.`) : !header.startsWith("env.");
    if (sameEnv) fallback ??= i + 1;
  }
  return fallback === undefined ? file : `${file}:${fallback}`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
