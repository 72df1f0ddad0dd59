// A proxy on 127.0.0.1 that fails on purpose: for requests matching a rule it answers 500, 429
// with retry-after, resets the connection, or never answers; everything else goes to the real
// service behind it. Each rule fires a set number of times.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = { kind: "status"; status: number; headers?: Record<string, string> } | { kind: "reset" } | { kind: "hang" };

export class FaultyProxy {
  readonly log: { method: string; path: string; fault?: string }[] = [];
  private readonly rules: { match: RegExp; fault: Fault; times: number }[] = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  fail(match: RegExp, fault: Fault, times = 1): this {
    this.rules.push({ match, fault, times });
    return this;
  }

  async start(): Promise<this> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      const rule = this.rules.find((r) => r.times > 0 && r.match.test(key));
      this.log.push({ method: req.method!, path: req.url!, ...(rule ? { fault: rule.fault.kind === "status" ? String(rule.fault.status) : rule.fault.kind } : {}) });
      if (rule) {
        rule.times--;
        req.resume();
        if (rule.fault.kind === "reset") return void req.socket.destroy();
        if (rule.fault.kind === "hang") return; // never answers
        res.writeHead(rule.fault.status, { "content-type": "application/json", ...rule.fault.headers });
        return void res.end(JSON.stringify({ error: "fault injected by the test" }));
      }
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return this;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => this.server?.close(() => r()));
  }
}
