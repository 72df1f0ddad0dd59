// Worker ids are derived from file and folder names and must fit the manifest's alphabet.
import { posix } from "node:path";

/** `src/services/projectInitiation.js` → `project-initiation`. */
export function idFromName(name: string): string {
  const base = posix.basename(name).replace(/\.[^.]+$/, "");
  return (
    base
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
      .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40)
      .replace(/-$/, "") || "worker"
  );
}

/** `handleRegistry` → `registry`, `handleAIGateway` → `ai-gateway`: a handler's name as a worker id. */
export function idFromHandler(name: string): string {
  const bare = name.replace(/^handle(?=[A-Z_])/, "").replace(/(Handler|Service)$/, "") || name;
  return idFromName(bare);
}

/** The zone most hostnames share (their last two labels). */
export function commonZone(hostnames: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const host of hostnames) {
    const zone = host.split(".").slice(-2).join(".");
    counts.set(zone, (counts.get(zone) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}
