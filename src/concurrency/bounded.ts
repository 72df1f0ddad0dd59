// The one way fleet bounds how much runs at once (git processes, HTTP requests, workerd probes):
// p-limit, so that every bound behaves alike.
import pLimit from "p-limit";

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` of the tasks handed to it at once, starting them in the order they came. */
export function limiter(n: number): Limiter {
  const limit = pLimit(Math.max(1, n));
  return (task) => limit(task);
}

/** Runs `each` over `items` with at most `limit` at a time, keeping the input order in the result. */
export function boundedMap<T, R>(items: readonly T[], limit: number, each: (item: T) => Promise<R>): Promise<R[]> {
  return pLimit(Math.max(1, limit)).map(items, (item) => each(item));
}
