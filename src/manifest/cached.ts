// Validating the manifest needs the schema library, the slowest thing fleet loads. A manifest
// whose exact text was validated before is taken from <git dir>/fleet/manifest.json instead; any
// change to the text, or no record, validates again. Only an accelerator.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";
import { fleetDirOfWorkTree } from "../git/fleet-dir.js";
import type { Manifest } from "./schema.js";

// The record is only valid for the schema that validated it: the schema module's own text is
// part of the key, so a new fleet version validates again.
const SCHEMA_TEXT = schemaText();

function schemaText(): Buffer {
  // Built, the module is schema.js; run from source (tests), schema.ts.
  for (const name of ["./schema.js", "./schema.ts"]) {
    try {
      return readFileSync(new URL(name, import.meta.url));
    } catch {
      // try the next
    }
  }
  return Buffer.from(String(Date.now())); // unknown: never reuse a record
}

export async function loadManifestCached(path: string, cwd: string): Promise<Manifest> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  const fleet = fleetDirOfWorkTree(dirname(path));
  const record = fleet ? join(fleet, "manifest.json") : undefined;
  const key = text === undefined ? undefined : createHash("sha256").update(SCHEMA_TEXT).update("\0").update(text).digest("hex");
  if (key && record && existsSync(record)) {
    try {
      const saved = JSON.parse(await readFile(record, "utf8")) as { key: string; manifest: Manifest };
      if (saved.key === key) return saved.manifest;
    } catch {
      // unreadable record: validate again
    }
  }
  const { loadManifest } = await import("./load.js");
  const manifest = await loadManifest(path, cwd);
  if (key && fleet && record) {
    await mkdir(fleet, { recursive: true });
    await writeFileAtomic(record, JSON.stringify({ key, manifest }));
  }
  return manifest;
}
