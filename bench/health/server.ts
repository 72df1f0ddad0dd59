// 300 health endpoints on 127.0.0.1 for bench/health: fast, slow, failing and hung ones,
// deterministic by index. Prints its port, serves until killed.
import { createServer } from "node:http";

export const ENDPOINTS = 300;

/** What endpoint i does: most answer fast, some slowly, some fail, a few never answer. */
export function behaviour(i: number): { kind: "fast" | "slow" | "failing" | "hung"; delayMs: number } {
  if (i % 60 === 7) return { kind: "hung", delayMs: Infinity };
  if (i % 20 === 3) return { kind: "failing", delayMs: 5 };
  if (i % 7 === 1) return { kind: "slow", delayMs: 200 + ((i * 37) % 600) };
  return { kind: "fast", delayMs: 2 + (i % 5) };
}

const server = createServer((req, res) => {
  const i = Number(/^\/svc-(\d+)\/health$/.exec(req.url ?? "")?.[1] ?? -1);
  if (i < 0 || i >= ENDPOINTS) {
    res.writeHead(404).end();
    return;
  }
  const b = behaviour(i);
  if (b.kind === "hung") return; // never answers
  setTimeout(() => {
    if (b.kind === "failing") res.writeHead(503, { "content-type": "application/json" }).end('{"status":"down"}');
    else res.writeHead(200, { "content-type": "application/json" }).end(`{"status":"ok","service":"svc-${i}"}`);
  }, b.delayMs);
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
