/**
 * Progress on stderr, on a terminal only: one updating line with a bar, frames done, the rate and
 * the time left (`segment [######----]  37/120 frames  12.3 fps  ETA 0:07`). Nothing when stderr is
 * a pipe or a log (render farms, CI) or when quiet: the summary on stdout says what happened.
 */
import { etaSeconds } from '../hosts/roto-job.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const REDRAW_MS = 100;
const BAR = 20;

/** 75 → `1:15`, 3725 → `1:02:05`. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

export class Progress {
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream | undefined,
    private readonly unit = 'frames',
  ) {}

  /** The terminal line, at `now` ms. */
  line(now = performance.now()): string {
    const elapsed = now - this.start;
    const rate = elapsed > 0 ? (1000 * this.done) / elapsed : 0;
    const width = String(this.total).length;
    const filled = Math.round((BAR * this.done) / Math.max(1, this.total));
    const eta = etaSeconds(elapsed, this.done, this.total);
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(this.done).padStart(width)}/${this.total} ${this.unit}  ` +
      `${rate.toFixed(1)} fps  ETA ${eta === null ? '--:--' : clock(eta)}`;
  }

  /** `done` items of `total` are finished. */
  update(done: number): void {
    this.done = done;
    if (!this.stream?.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS && done < this.total) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${this.line(now)}`);
  }

  /** Ends the progress display (the terminal line is kept, followed by a newline). */
  finish(): void {
    if (this.stream?.isTTY) this.stream.write(`\r\x1b[2K${this.line()}\n`);
  }

  /** Ends the display without a final line (after a failure): only the terminal line is closed. */
  abort(): void {
    if (this.stream?.isTTY && this.lastDraw > -Infinity) this.stream.write('\n');
  }
}
