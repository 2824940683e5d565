/**
 * Progress on stderr: one updating line on a terminal (`trace  37/120 frames  12.3 fps`), a line
 * every ~10% otherwise (logs, pipes), nothing when quiet.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const REDRAW_MS = 100;

export class Progress {
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private lastDecile = 0;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream | undefined,
    private readonly unit = 'frames',
  ) {}

  private line(): string {
    const seconds = (performance.now() - this.start) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const width = String(this.total).length;
    return `${this.label}  ${String(this.done).padStart(width)}/${this.total} ${this.unit}  ${rate.toFixed(1)} fps`;
  }

  /** `done` items of `total` are finished. */
  update(done: number): void {
    this.done = done;
    if (!this.stream) return;
    if (this.stream.isTTY) {
      const now = performance.now();
      if (now - this.lastDraw < REDRAW_MS && done < this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[2K${this.line()}`);
    } else {
      const decile = Math.floor((10 * done) / Math.max(1, this.total));
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${this.line()}\n`);
      }
    }
  }

  /** Ends the progress display (the terminal line is kept, followed by a newline). */
  finish(): void {
    if (!this.stream) return;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${this.line()}\n`);
    else if (this.lastDecile < 10) this.stream.write(`${this.line()}\n`);
  }

  /** Ends the display without a final line (after a failure): only the terminal line is closed. */
  abort(): void {
    if (this.stream?.isTTY && this.lastDraw > -Infinity) this.stream.write('\n');
  }
}
