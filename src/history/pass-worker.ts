// A first pass (no cache) in a thread of its own, whose young generation is kept small. The pass
// allocates a few objects per commit and worker that live only for that commit; V8 sizes the
// young generation of the main thread for throughput (128 MB of semi-spaces on the machines
// measured, plus large objects), which was most of the split's resident size at 100k commits.
// A thread's heap can be given limits where the main thread's cannot (they are set at start).
import { parentPort, workerData } from "node:worker_threads";
import { rewrite, type Rewritten, type SplitTarget } from "./pass.js";

export interface PassRequest {
  repo: string;
  ref: string;
  tip: string;
  targets: SplitTarget[];
  sweepEvery?: number;
}

/** What crosses back: a delta's tree as its entries (a SplitTree is a class, not cloneable). */
export type PassMessage =
  | { progress: number }
  | { phase: [string, number] }
  | { result: Omit<Rewritten, "deltas"> & { deltas: (Omit<Rewritten["deltas"][number], "tree"> & { tree: [string, string][] })[] } }
  | { error: { message: string; stack?: string } };

const port = parentPort!;
const request = workerData as PassRequest;
try {
  const result = await rewrite(request.repo, request.ref, request.tip, request.targets, undefined, {
    onProgress: (progress) => port.postMessage({ progress } satisfies PassMessage),
    onPhase: (name, ms) => port.postMessage({ phase: [name, ms] } satisfies PassMessage),
    ...(request.sweepEvery !== undefined ? { sweepEvery: request.sweepEvery } : {}),
  });
  const deltas = result.deltas.map((d) => ({ ...d, tree: [...d.tree.entries()] }));
  const transfer = deltas.flatMap((d) => [d.translate.buffer, d.kept.buffer]).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  port.postMessage({ result: { ...result, deltas } } satisfies PassMessage, [...new Set(transfer)]);
} catch (error) {
  const e = error as Error;
  port.postMessage({ error: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) } } satisfies PassMessage);
}
