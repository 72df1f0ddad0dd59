// What counts as healthy, against a real HTTP server on 127.0.0.1: the default /health contract
// (a 200 saying ok) and the probe discovery writes for a worker without a health route (any
// answer below 500 on /).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "../../src/health/check.js";
import { ANSWERS, HEALTH_ENDPOINT, probeOf, statusCounts } from "../../src/health/probe.js";

describe("health probes", () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const routes: Record<string, [number, string]> = {
        "/health": [200, JSON.stringify({ status: "ok" })],
        "/html": [200, "<h1>hello</h1>"],
        "/missing": [404, "not found"],
        "/broken": [503, "down"],
      };
      const [status, body] = routes[req.url ?? ""] ?? [404, "no"];
      res.writeHead(status).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const fetcher = (url: string, init: { signal: AbortSignal }) => fetch(url, init);
  const check = (path: string, expect?: typeof ANSWERS) => checkHealth(fetcher, `${origin}${path}`, { retries: 0, ...(expect ? { expect } : {}) });

  it("by default wants a 200 whose JSON says ok", async () => {
    expect((await check("/health")).state).toBe("up");
    expect((await check("/html")).state).toBe("degraded");
    expect((await check("/missing")).state).toBe("down");
  });

  it("for a worker without a health route, any answer below 500 is up and a 5xx is down", async () => {
    expect(await check("/html", ANSWERS)).toMatchObject({ state: "up", status: 200 });
    expect(await check("/missing", ANSWERS)).toMatchObject({ state: "up", status: 404 });
    expect(await check("/broken", ANSWERS)).toMatchObject({ state: "down", status: 503 });
  });

  it("reads codes and classes, and fills a partial manifest entry from the /health default", () => {
    expect(statusCounts(204, ["2xx"])).toBe(true);
    expect(statusCounts(204, ["200"])).toBe(false);
    expect(statusCounts(302, ["200", "3xx"])).toBe(true);
    expect(probeOf({ health: { path: "/status" } })).toEqual({ ...HEALTH_ENDPOINT, path: "/status" });
    expect(probeOf({})).toEqual(HEALTH_ENDPOINT);
  });
});
