/** How the benchmark's table writes numbers. */
import { MB } from './stats.ts';

/** One table row: metric, value, goal, met?. */
export type Row = [string, string, string, string];

/** Milliseconds with about three significant digits. */
export const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const mb = (bytes: number): string => (bytes / MB).toFixed(1);
export const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
