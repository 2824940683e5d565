/** Small statistics over timing samples (ms). */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of already sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n >> 1;
  const median = n === 0 ? NaN : n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = n === 0 ? NaN : sorted.reduce((s, v) => s + v, 0) / n;
  return { n, median, p95: percentile(sorted, 95), mean, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN };
}

/** Rounds every number in a JSON-bound value to `digits` decimals (keeps results files readable). */
export function rounded<T>(value: T, digits = 3): T {
  const k = 10 ** digits;
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * k) / k : v))) as T;
}

export const MB = 1024 * 1024;

/** Least-squares slope of `value` against `frame` over the points past `fromFrame`, per 1000 frames (NaN under 2 points). */
export function slopePer1000Frames(points: { frame: number; value: number }[], fromFrame: number): number {
  const late = points.filter((p) => p.frame > fromFrame);
  if (late.length < 2) return NaN;
  const mx = late.reduce((a, p) => a + p.frame, 0) / late.length, my = late.reduce((a, p) => a + p.value, 0) / late.length;
  const sxy = late.reduce((a, p) => a + (p.frame - mx) * (p.value - my), 0), sxx = late.reduce((a, p) => a + (p.frame - mx) ** 2, 0);
  return sxx > 0 ? (1000 * sxy) / sxx : NaN;
}
