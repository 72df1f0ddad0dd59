// A small line diff for showing an edit (cutover --dry-run): the changed lines with a line of
// context, from a longest-common-subsequence table (the files shown are a few hundred lines).

export function lineDiff(before: string | undefined, after: string, context = 1): string[] {
  if (before === undefined)
    return after
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => `+ ${l}`);
  const a = before.split("\n");
  const b = after.split("\n");
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { kind: " " | "-" | "+"; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: " ", text: a[i++]!, line: j++ + 1 });
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: "-", text: a[i++]!, line: j + 1 });
    else ops.push({ kind: "+", text: b[j++]!, line: j });
  }
  const keep = ops.map((op, k) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.kind !== " "));
  const out: string[] = [];
  ops.forEach((op, k) => {
    if (!keep[k]) return;
    if (k > 0 && !keep[k - 1]) out.push(`@@ line ${op.line}`);
    else if (out.length === 0) out.push(`@@ line ${op.line}`);
    out.push(`${op.kind} ${op.text}`);
  });
  return out;
}
