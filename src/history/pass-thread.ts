// Runs a first pass in a worker thread (pass-worker.ts) with a small young generation, and
// rebuilds its answer here. From TypeScript sources (the test runner loads them untranspiled
// for the main thread only) the pass runs in this thread instead: the same function either way.
import { Worker } from "node:worker_threads";
import type { PassMessage, PassRequest } from "./pass-worker.js";
import { rewrite, type PassOptions, type Rewritten, type SplitTarget } from "./pass.js";
import { SplitTree } from "./split-tree.js";

/** Young generation of the pass's thread: 8 MB semi-spaces, what `--max-semi-space-size=8` gives. */
const YOUNG_GENERATION_MB = 24;

export async function firstPass(repo: string, ref: string, tip: string, targets: readonly SplitTarget[], options: PassOptions): Promise<Rewritten> {
  const worker = new URL("./pass-worker.js", import.meta.url);
  if (!import.meta.url.endsWith(".js")) return rewrite(repo, ref, tip, targets, undefined, options);
  const request: PassRequest = { repo, ref, tip, targets: [...targets], ...(options.sweepEvery !== undefined ? { sweepEvery: options.sweepEvery } : {}) };
  return new Promise<Rewritten>((resolve, reject) => {
    const thread = new Worker(worker, { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    thread.on("message", (message: PassMessage) => {
      if ("progress" in message) options.onProgress?.(message.progress);
      else if ("phase" in message) options.onPhase?.(...message.phase);
      else if ("error" in message) {
        const error = new Error(message.error.message);
        if (message.error.stack) error.stack = message.error.stack;
        settle(() => reject(error));
      } else {
        const { deltas, ...rest } = message.result;
        const rebuilt = deltas.map((d) => ({ ...d, kept: Buffer.from(d.kept.buffer, d.kept.byteOffset, d.kept.byteLength), tree: SplitTree.of(d.tree) }));
        settle(() => resolve({ ...rest, deltas: rebuilt }));
      }
    });
    const started = performance.now();
    thread.once("online", () => options.onPhase?.("started the pass's own thread", performance.now() - started));
    thread.on("error", (error) => settle(() => reject(error)));
    thread.on("exit", (code) => settle(() => reject(new Error(`the split's thread stopped (exit ${code}) before it answered`))));
  });
}
