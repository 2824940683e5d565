/** How the benchmark's table writes numbers. */
import { MB } from './stats.ts';

/** One table row: metric, value, goal, met?. */
export type Row = [string, string, string, string];

/** Milliseconds with about three significant digits. */
export const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const mb = (bytes: number): string => (bytes / MB).toFixed(1);
export const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');

/** Rows as a Markdown table under the header metric | value | goal | met?. */
export function markdownTable(rows: Row[]): string {
  const header: Row = ['metric', 'value', 'goal', 'met?'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
