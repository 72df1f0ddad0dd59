// What the user sees. Results go to stdout (JSON alone with --json); notes, warnings and
// progress go to stderr. On a terminal progress redraws one line; elsewhere (CI, pipes) it
// prints plain lines at start and end, so logs stay readable.
import { createColors } from "picocolors";

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface OutputOptions {
  stdout: Stream;
  stderr: Stream;
  color: boolean;
  verbose: boolean;
  /** Redraw progress in place (a terminal that is not CI). */
  live: boolean;
}

export type Colors = ReturnType<typeof createColors>;

export class Output {
  readonly c: Colors;
  private liveLine = false;
  constructor(readonly options: OutputOptions) {
    this.c = createColors(options.color);
  }

  /** A line of the command's result on stdout. */
  print(text = ""): void {
    this.clearLive();
    this.options.stdout.write(`${text}\n`);
  }

  /** A JSON document on stdout. */
  json(value: unknown): void {
    this.print(JSON.stringify(value, null, 2));
  }

  /** A note for the person running the command, on stderr. */
  info(text: string): void {
    this.clearLive();
    this.options.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.info(`${this.c.yellow("warning:")} ${text}`);
  }

  /** Only with --verbose. */
  debug(text: string): void {
    if (this.options.verbose) this.info(this.c.dim(text));
  }

  /** Progress of a long step; call `update` freely, it redraws at most every 50 ms. */
  progress(label: string, total?: number): Progress {
    const started = Date.now();
    let last = 0;
    if (!this.options.live) this.info(`${label}…`);
    const render = (done: number, note?: string) => {
      const count = total ? `${done}/${total}` : `${done}`;
      const pct = total ? ` ${Math.floor((100 * done) / total)}%` : "";
      this.options.stderr.write(`\r\x1b[2K${this.c.cyan("…")} ${label} ${count}${pct}${note ? ` ${this.c.dim(note)}` : ""}`);
      this.liveLine = true;
    };
    return {
      update: (done: number, note?: string) => {
        if (!this.options.live) return;
        const now = Date.now();
        if (now - last < 50) return;
        last = now;
        render(done, note);
      },
      done: (summary?: string) => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        this.info(`${this.c.green("✓")} ${summary ?? label} ${this.c.dim(`(${seconds}s)`)}`);
      },
    };
  }

  private clearLive(): void {
    if (this.liveLine) {
      this.options.stderr.write("\r\x1b[2K");
      this.liveLine = false;
    }
  }
}

export interface Progress {
  /** `note` follows the count, such as the time left. */
  update(done: number, note?: string): void;
  done(summary?: string): void;
}
