// One health check: GET <url> with a timeout per attempt, retries with backoff, latency, and the
// probe's expectation: by default a 200 whose JSON body says status "ok" or "healthy" (another
// body with a 200 is "degraded"); a worker without a health route is up when it answers with a
// status its probe counts.
import { HEALTH_ENDPOINT, statusCounts, type HealthProbe } from "./probe.js";

export type HealthState = "up" | "degraded" | "down";
export type HealthErrorKind = "dns" | "connect" | "timeout" | "tls" | "http" | "body";

export interface HealthResult {
  url: string;
  state: HealthState;
  status: number | null;
  latencyMs: number;
  error?: { kind: HealthErrorKind; message: string };
  attempts: number;
}

export type Fetcher = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface HealthOptions {
  timeoutMs?: number;
  retries?: number;
  /** Pause before the n-th retry: backoffMs * n. */
  backoffMs?: number;
  /** What counts as healthy (default: a 200 with status "ok" or "healthy" in its JSON body). */
  expect?: Pick<HealthProbe, "statuses" | "body">;
}

export async function checkHealth(fetcher: Fetcher, url: string, options: HealthOptions = {}): Promise<HealthResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  let last: HealthResult | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    last = await once(fetcher, url, timeoutMs, attempt, options.expect ?? HEALTH_ENDPOINT);
    if (last.state === "up") return last;
    if (attempt <= retries) await new Promise((r) => setTimeout(r, (options.backoffMs ?? 200) * attempt));
  }
  return last!;
}

async function once(fetcher: Fetcher, url: string, timeoutMs: number, attempts: number, expect: Pick<HealthProbe, "statuses" | "body">): Promise<HealthResult> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetcher(url, { signal: controller.signal });
    const text = await response.text();
    if (!statusCounts(response.status, expect.statuses))
      return { url, state: "down", status: response.status, latencyMs: latency(), attempts, error: { kind: "http", message: `HTTP ${response.status}` } };
    if (expect.body === "any") return { url, state: "up", status: response.status, latencyMs: latency(), attempts };
    let status: unknown;
    try {
      status = (JSON.parse(text) as { status?: unknown }).status;
    } catch {
      return { url, state: "degraded", status: response.status, latencyMs: latency(), attempts, error: { kind: "body", message: "the body is not JSON" } };
    }
    if (status === "ok" || status === "healthy") return { url, state: "up", status: response.status, latencyMs: latency(), attempts };
    return {
      url,
      state: "degraded",
      status: response.status,
      latencyMs: latency(),
      attempts,
      error: { kind: "body", message: `status is ${JSON.stringify(status)}` },
    };
  } catch (error) {
    return { url, state: "down", status: null, latencyMs: latency(), attempts, error: classify(error, controller.signal.aborted) };
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown, timedOut: boolean): { kind: HealthErrorKind; message: string } {
  if (timedOut) return { kind: "timeout", message: "no answer before the timeout" };
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? "";
  const message = cause?.message ?? (error as Error).message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { kind: "dns", message };
  if (/CERT|SSL|TLS/i.test(code) || /certificate|tls/i.test(message)) return { kind: "tls", message };
  return { kind: "connect", message };
}
