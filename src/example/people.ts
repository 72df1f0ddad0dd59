// Fixed authors and a fixed clock. Offsets vary per person because real teams span time
// zones, and split tools must carry each commit's own offset through unchanged.
import type { Signature } from "./fast-import-writer.js";
import type { Random } from "./random.js";

export interface Person {
  name: string;
  email: string;
  tz: string;
}

export const PEOPLE: readonly Person[] = [
  { name: "Nora Whitfield", email: "nora@chitty.cc", tz: "-0800" },
  { name: "Rahul Menon", email: "rahul@chitty.cc", tz: "+0530" },
  { name: "Lena Fischer", email: "lena@chitty.cc", tz: "+0100" },
  { name: "Sam Okafor", email: "sam@chitty.cc", tz: "+0000" },
  { name: "Maya Torres", email: "maya@chitty.cc", tz: "-0800" },
  { name: "Priya Nair", email: "priya@chitty.cc", tz: "+0530" },
];

/** Who merges pull requests. */
export const MAINTAINERS: readonly Person[] = [PEOPLE[0]!, PEOPLE[3]!];

/** 2024-01-02 09:00:00 UTC. */
const START = Date.UTC(2024, 0, 2, 9) / 1000;
/** Histories of any length span roughly the same twenty months. */
const SPAN_SECONDS = 600 * 24 * 3600;

/** Strictly increasing commit times from START, spread evenly over the span on average. */
export class Clock {
  private time: number | undefined;
  private readonly meanGap: number;

  constructor(
    commits: number,
    private readonly rng: Random,
  ) {
    this.meanGap = Math.max(60, Math.floor(SPAN_SECONDS / Math.max(commits, 1)));
  }

  /** The signature of `person` at the next tick. */
  sign(person: Person): Signature {
    this.time = this.time === undefined ? START : this.time + 1 + Math.floor(this.rng.next() * 2 * this.meanGap);
    return { name: person.name, email: person.email, time: this.time, tz: person.tz };
  }
}
