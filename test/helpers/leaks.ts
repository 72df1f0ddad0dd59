// Where known secret values ended up: every file under some folders and every line a run printed,
// searched for each value raw and in the encodings a leak would take (base64, base64url, and the
// `x-access-token:` basic-auth form git uses).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export function forms(value: string): string[] {
  return [value, Buffer.from(value).toString("base64"), Buffer.from(`x-access-token:${value}`).toString("base64"), Buffer.from(value).toString("base64url")];
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Each place a value was found: "<file>: <first characters>…" or "output of run N: …". */
export async function leaks(values: readonly string[], dirs: readonly string[], outputs: readonly { stdout: string; stderr: string }[]): Promise<string[]> {
  const secrets = values.flatMap(forms);
  const found: string[] = [];
  for (const dir of dirs) {
    for (const file of await allFiles(dir)) {
      const content = await readFile(file);
      for (const s of secrets) if (content.includes(s)) found.push(`${file}: ${s.slice(0, 6)}…`);
    }
  }
  outputs.forEach((o, i) => {
    for (const s of secrets) if ((o.stdout + o.stderr).includes(s)) found.push(`output of run ${i}: ${s.slice(0, 6)}…`);
  });
  return found;
}
