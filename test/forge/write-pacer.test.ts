// The pacer of GitHub writes, on a clock of its own: it keeps the gap and the per-window counts,
// and says how long the writes still to come will take.
import { describe, expect, it } from "vitest";
import { WritePacer } from "../../src/forge/write-pacer.js";

function clock() {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => (now += ms),
  };
}

describe("the write pacer", () => {
  it("at GitHub's limits: 500 writes take 499 s, the 501st waits for the hour", () => {
    const c = clock();
    const pacer = new WritePacer({ now: c.now, sleep: c.sleep });
    expect(pacer.estimate(0)).toBe(0);
    expect(pacer.estimate(1)).toBe(0);
    expect(pacer.estimate(500)).toBe(499_000);
    expect(pacer.estimate(501)).toBe(3_600_000);
    // 3,000 writes (300 workers, ten each): six hours
    expect(pacer.estimate(3000)).toBe(5 * 3_600_000 + 499_000);
  });

  it("waits when a window is full, and the estimate counts the writes already made", async () => {
    const c = clock();
    const waits: number[] = [];
    const pacer = new WritePacer({ now: c.now, sleep: c.sleep, gapMs: 0, limits: [{ count: 2, windowMs: 10_000 }], onWait: (ms) => waits.push(ms) });
    await pacer.take();
    c.advance(1000);
    await pacer.take();
    expect(c.slept).toEqual([]);
    expect(pacer.estimate(1)).toBe(9000);
    await pacer.take();
    expect(c.now()).toBe(10_000);
    expect(waits).toEqual([9000]);
    await Promise.all([pacer.take(), pacer.take()]);
    // two more: one when the second write leaves the window, one when the third does
    expect(c.now()).toBe(20_000);
  });
});
