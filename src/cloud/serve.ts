// `fleet up`: the local cloud over HTTP on 127.0.0.1, routed by the Host header, in one workerd.
// A deploy from another fleet process changes state.json; the server notices and reloads
// workerd's configuration (KV, D1 and Durable Object state kept). A reload waits for the requests
// being answered; requests that arrive during it wait for it rather than fail. Queue messages reach
// their consumer in the same workerd; a cron runs when asked (`/__scheduled?cron=`), not on a clock.
import { watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { miniflareOptions } from "./runtime.js";
import type { LocalCloudStore } from "./store.js";
import { fireCron } from "./triggers.js";

export interface RunningCloud {
  port: number;
  server: Server;
  close(): Promise<void>;
  /** Resolves after the next reload (for tests). */
  reloaded(): Promise<void>;
}

export async function serveCloud(
  store: LocalCloudStore,
  options: { port: number; host?: string; onReload?: (workers: number) => void },
): Promise<RunningCloud> {
  const { Miniflare } = await import("miniflare");
  await mkdir(store.root, { recursive: true });
  const mf = new Miniflare((await miniflareOptions(store)) as never);
  await mf.ready;
  let reloading: Promise<void> = Promise.resolve();
  let waiters: (() => void)[] = [];
  let pending: NodeJS.Timeout | undefined;
  // Requests being answered: a reload waits for them, so none is cut off by the restart.
  let inFlight = 0;
  let drained: (() => void)[] = [];
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve)));

  const reload = () => {
    reloading = reloading.then(async () => {
      await idle();
      const opts = await miniflareOptions(store);
      await mf.setOptions(opts as never);
      options.onReload?.((opts.workers as unknown[]).length - 1);
      waiters.splice(0).forEach((w) => w());
    });
    reloading.catch(() => undefined);
  };
  // state.json is replaced atomically (a rename), so watch the folder and debounce.
  const watcher = watch(store.root, (_event, file) => {
    if (file !== "state.json") return;
    clearTimeout(pending);
    pending = setTimeout(reload, 50);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let counted = false;
    try {
      await reloading;
      inFlight++;
      counted = true;
      const host = (req.headers.host ?? "localhost").replace(/:\d+$/, "");
      const url = `https://${host}${req.url ?? "/"}`;
      // `/__scheduled?cron=…`, as `wrangler dev --test-scheduled` has it: the cron fired on every script declaring it
      const cron = new URL(url).pathname === "/__scheduled" ? new URL(url).searchParams.get("cron") : null;
      if (cron !== null) {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ cron, ran: await fireCron(store, mf as never, cron) }));
      }
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])) as [
        string,
        string,
      ][];
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const response = await mf.dispatchFetch(url, {
        method: req.method,
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as never, duplex: "half" } : {}),
      } as never);
      res.writeHead(response.status, Object.fromEntries(response.headers as unknown as Iterable<[string, string]>));
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fleet local cloud: ${(error as Error).message}\n`);
    } finally {
      if (counted && --inFlight === 0) drained.splice(0).forEach((d) => d());
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    server,
    reloaded: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      watcher.close();
      clearTimeout(pending);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mf.dispose();
      waiters = [];
      drained = [];
    },
  };
}
