/**
 * Mean over a (2r+1)² window, windows clipped at the image border (divided by the pixels inside),
 * by running sums: O(1) per pixel whatever the radius. `rows` and `sums` are scratch space, which a
 * caller filtering every frame passes in so that no frame allocates any.
 *
 * Each pass runs in spans where the window's two ends do the same thing (both inside, only the
 * leading one, only the trailing one, neither), so the loops carry no tests; and the vertical pass
 * adds the entering row, drops the leaving one and divides in one sweep along the row. Every sum
 * takes the same values in the same order as the plain running sum, so the means are the same to the bit.
 */
export function boxMean(
  src: Float32Array, width: number, height: number, radius: number,
  out: Float32Array = new Float32Array(width * height), rows: Float32Array = new Float32Array(width * height), sums: Float64Array = new Float64Array(width),
): Float32Array {
  const r = radius;
  // Along x: the window [x − r, x + r] gains column x + r while x < width − r, and loses column
  // x − r − 1 once x > r.
  const gainsUntil = width - r, losesFrom = r + 1;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let sum = 0;
    const first = Math.min(r, width - 1);
    for (let x = 0; x <= first; x++) sum += src[o + x];
    rows[o] = sum / (first + 1);
    let x = 1;
    for (const end = Math.min(gainsUntil, losesFrom); x < end; x++) {
      sum += src[o + x + r];
      rows[o + x] = sum / (x + r + 1);
    }
    if (losesFrom <= gainsUntil) {
      const n = 2 * r + 1;
      for (; x < gainsUntil; x++) {
        sum += src[o + x + r];
        sum -= src[o + x - r - 1];
        rows[o + x] = sum / n;
      }
    } else {
      // Windows wider than the row: every one of these holds the whole row.
      for (; x < losesFrom && x < width; x++) rows[o + x] = sum / width;
    }
    for (; x < width; x++) {
      sum -= src[o + x - r - 1];
      rows[o + x] = sum / (width - x + r);
    }
  }
  sums.fill(0);
  for (let y = 0; y <= Math.min(r, height - 1); y++) for (let x = 0; x < width; x++) sums[x] += rows[y * width + x];
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const gain = y > 0 && y + r < height ? (y + r) * width : -1;
    const lose = y > r ? (y - r - 1) * width : -1;
    const n = Math.min(height - 1, y + r) - Math.max(0, y - r) + 1;
    if (gain >= 0 && lose >= 0) {
      for (let x = 0; x < width; x++) {
        let s = sums[x] + rows[gain + x];
        s -= rows[lose + x];
        sums[x] = s;
        out[o + x] = s / n;
      }
    } else if (gain >= 0) {
      for (let x = 0; x < width; x++) out[o + x] = (sums[x] += rows[gain + x]) / n;
    } else if (lose >= 0) {
      for (let x = 0; x < width; x++) out[o + x] = (sums[x] -= rows[lose + x]) / n;
    } else {
      for (let x = 0; x < width; x++) out[o + x] = sums[x] / n;
    }
  }
  return out;
}
