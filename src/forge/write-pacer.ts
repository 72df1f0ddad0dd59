// GitHub's secondary limits on content-creating requests: about 80 a minute and 500 an hour, and
// one at a time at least a second apart. Octokit's throttling plugin keeps the second apart and
// honours retry-after once GitHub has refused; this pacer keeps fleet under the per-minute and
// per-hour counts before GitHub has to refuse, and says how long the writes still to come will
// take at that pace (a fleet of 300 workers needs thousands of writes: hours, not minutes).

export interface WriteLimit {
  /** Writes allowed in any window of this length. */
  count: number;
  windowMs: number;
}

export const GITHUB_WRITE_LIMITS: readonly WriteLimit[] = [
  { count: 80, windowMs: 60_000 },
  { count: 500, windowMs: 3_600_000 },
];

/** The gap GitHub asks for between two writes (the throttling plugin keeps it). */
export const GITHUB_WRITE_GAP_MS = 1000;

export interface WritePacerOptions {
  limits?: readonly WriteLimit[];
  gapMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when a write waits for a window to open, with how long. */
  onWait?: (ms: number) => void;
}

export class WritePacer {
  private readonly limits: readonly WriteLimit[];
  private readonly gapMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** When past writes started, oldest first (as long as the longest window needs). */
  private readonly past: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: WritePacerOptions = {}) {
    this.limits = options.limits ?? GITHUB_WRITE_LIMITS;
    this.gapMs = options.gapMs ?? GITHUB_WRITE_GAP_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Waits until one more write stays under every limit, then counts it. Writes take turns. The
   * write counts from when it leaves; call what this resolves with once it is done, and it counts
   * from then: GitHub counts a write when it arrives, which is after it left and before it is done.
   */
  take(): Promise<() => void> {
    const turn = this.queue.then(async () => {
      const at = this.nextSlot(this.past, this.now());
      if (at > this.now()) {
        this.options.onWait?.(at - this.now());
        await this.sleep(at - this.now());
      }
      const left = Math.max(at, this.now());
      this.past.push(left);
      this.forget();
      return () => this.settle(left);
    });
    this.queue = turn.then(
      () => {},
      () => {},
    );
    return turn;
  }

  /** A write that left at `left` is done now: it counts from now. */
  private settle(left: number): void {
    const index = this.past.lastIndexOf(left);
    if (index < 0) return; // already forgotten
    this.past[index] = Math.max(left, this.now());
    this.past.sort((a, b) => a - b);
  }

  /** How long `writes` more writes will take from now at this pace, in ms. */
  estimate(writes: number): number {
    const start = this.now();
    const past = [...this.past];
    let last = start;
    for (let i = 0; i < writes; i++) {
      last = this.nextSlot(past, start);
      past.push(last);
    }
    return writes > 0 ? last - start : 0;
  }

  /** The earliest time at or after `from` a write keeps the gap and every window's count. */
  private nextSlot(past: readonly number[], from: number): number {
    let at = Math.max(from, past.length ? past[past.length - 1]! + this.gapMs : from);
    for (;;) {
      let moved = false;
      for (const limit of this.limits) {
        if (past.length < limit.count) continue;
        // the write `count` places back must have left the window
        const opens = past[past.length - limit.count]! + limit.windowMs;
        if (opens > at) {
          at = opens;
          moved = true;
        }
      }
      if (!moved) return at;
    }
  }

  private forget(): void {
    const longest = Math.max(0, ...this.limits.map((l) => l.windowMs));
    const keep = Math.max(0, ...this.limits.map((l) => l.count));
    while (this.past.length > keep && this.past[0]! < this.now() - longest) this.past.shift();
  }
}
