// fleet health's engine (checkHealth under boundedMap, Node's fetch) over the bench endpoints.
// Usage: node bench/health/fleet-check.ts PORT TIMEOUT_MS CONCURRENCY
import { checkHealth } from "../../dist/health/check.js";
import { boundedMap } from "../../dist/concurrency/bounded.js";
import { ENDPOINTS } from "./server.ts";

const [port, timeout, concurrency] = process.argv.slice(2).map(Number) as [number, number, number];
const urls = Array.from({ length: ENDPOINTS }, (_, i) => `http://127.0.0.1:${port}/svc-${i}/health`);
const results = await boundedMap(urls, concurrency, (url) => checkHealth((u, init) => fetch(u, init), url, { timeoutMs: timeout, retries: 0 }));
const up = results.filter((r) => r.state === "up").length;
process.stdout.write(`${up} up of ${results.length}\n`);
process.exit(0);
