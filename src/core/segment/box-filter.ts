/**
 * Mean over a (2r+1)² window, windows clipped at the image border (divided by the pixels inside),
 * by running sums: O(1) per pixel whatever the radius. `rows` and `sums` are scratch space, which a
 * caller filtering every frame passes in so that no frame allocates any.
 */
export function boxMean(
  src: Float32Array, width: number, height: number, radius: number,
  out: Float32Array = new Float32Array(width * height), rows: Float32Array = new Float32Array(width * height), sums: Float64Array = new Float64Array(width),
): Float32Array {
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let sum = 0;
    for (let x = 0; x <= Math.min(radius, width - 1); x++) sum += src[o + x];
    for (let x = 0; x < width; x++) {
      const lo = x - radius - 1;
      const hi = x + radius;
      if (x > 0) {
        if (hi < width) sum += src[o + hi];
        if (lo >= 0) sum -= src[o + lo];
      }
      rows[o + x] = sum / (Math.min(width - 1, hi) - Math.max(0, x - radius) + 1);
    }
  }
  sums.fill(0);
  for (let y = 0; y <= Math.min(radius, height - 1); y++) for (let x = 0; x < width; x++) sums[x] += rows[y * width + x];
  for (let y = 0; y < height; y++) {
    const lo = y - radius - 1;
    const hi = y + radius;
    if (y > 0) {
      if (hi < height) for (let x = 0; x < width; x++) sums[x] += rows[hi * width + x];
      if (lo >= 0) for (let x = 0; x < width; x++) sums[x] -= rows[lo * width + x];
    }
    const n = Math.min(height - 1, hi) - Math.max(0, y - radius) + 1;
    for (let x = 0; x < width; x++) out[y * width + x] = sums[x] / n;
  }
  return out;
}
