/** Scan conversion: where horizontal lines cross filled polygons (non-zero winding). */

interface Edge { x0: number; y0: number; y1: number; slope: number; dir: number }

/**
 * For each sample height in `ys` (ascending), calls `onSpan(i, x0, x1)` for every stretch [x0, x1)
 * of that line inside the polygons (flat x, y arrays, implicitly closed) under non-zero winding.
 */
export function scanSpans(polygons: (Float32Array | Float64Array)[], ys: ArrayLike<number>, onSpan: (i: number, x0: number, x1: number) => void): void {
  const edges: Edge[] = [];
  for (const poly of polygons) {
    const n = poly.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ay = poly[2 * i + 1], by = poly[2 * j + 1];
      if (ay === by) continue;
      const dir = by > ay ? 1 : -1;
      const [x0, y0, x1, y1] = dir > 0 ? [poly[2 * i], ay, poly[2 * j], by] : [poly[2 * j], by, poly[2 * i], ay];
      edges.push({ x0, y0, y1, slope: (x1 - x0) / (y1 - y0), dir });
    }
  }
  edges.sort((p, q) => p.y0 - q.y0);
  let next = 0;
  const active: Edge[] = [];
  // Crossings of the current line, kept sorted by insertion (a line crosses few edges).
  let xs = new Float64Array(64), dirs = new Int8Array(64);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    // An edge covers the heights in [y0, y1).
    while (next < edges.length && edges[next].y0 <= y) active.push(edges[next++]);
    let live = 0;
    for (const e of active) if (e.y1 > y) active[live++] = e;
    active.length = live;
    if (live === 0) continue;
    if (live > xs.length) { xs = new Float64Array(2 * live); dirs = new Int8Array(2 * live); }
    let count = 0;
    for (const e of active) {
      const x = e.x0 + (y - e.y0) * e.slope;
      let k = count++;
      while (k > 0 && xs[k - 1] > x) { xs[k] = xs[k - 1]; dirs[k] = dirs[k - 1]; k--; }
      xs[k] = x;
      dirs[k] = e.dir;
    }
    let winding = 0;
    for (let k = 0; k < count - 1; k++) {
      winding += dirs[k];
      if (winding !== 0 && xs[k + 1] > xs[k]) onSpan(i, xs[k], xs[k + 1]);
    }
  }
}
