/**
 * Flicker, as the model issue defines it: the mean absolute change of the matte between consecutive
 * frames after motion compensation. The sequences are synthetic camera moves over held-out stills,
 * so the motion, and the true matte of every frame, are known exactly.
 */
import { sampleMatte } from '../core/softness.ts';
import type { Matte, RgbFrame } from '../core/types.ts';
import { applyMap, cameraMove, warpMatte, warpRgb, type AffineMap } from '../synthetic/camera-move.ts';
import { prng } from '../synthetic/geometry.ts';

/** Output point → the same scene point in another frame's output pixels (inverse of `to` after `from`). */
function between(from: AffineMap, to: AffineMap): (x: number, y: number) => [number, number] {
  const det = to.a * to.e - to.b * to.d;
  return (x, y) => {
    const [sx, sy] = applyMap(from, x, y);
    const dx = sx - to.c, dy = sy - to.f;
    return [(to.e * dx - to.b * dy) / det, (-to.d * dx + to.a * dy) / det];
  };
}

/**
 * Mean over consecutive frames of the mean |m_t(x) − m_{t−1}(x carried back)| over the pixels whose
 * scene point the previous frame also saw (bilinear; the border pixel ring is left out).
 */
export function motionCompensatedChange(mattes: Matte[], maps: AffineMap[]): number {
  let total = 0, pairs = 0;
  for (let t = 1; t < mattes.length; t++) {
    const cur = mattes[t], prev = mattes[t - 1];
    const back = between(maps[t], maps[t - 1]);
    let sum = 0, count = 0;
    for (let y = 0; y < cur.height; y++) {
      for (let x = 0; x < cur.width; x++) {
        const [px, py] = back(x + 0.5, y + 0.5);
        if (px < 1.5 || py < 1.5 || px > prev.width - 1.5 || py > prev.height - 1.5) continue;
        sum += Math.abs(cur.data[y * cur.width + x] - sampleMatte(prev, px, py));
        count++;
      }
    }
    if (count > 0) {
      total += sum / count;
      pairs++;
    }
  }
  return pairs === 0 ? 0 : total / pairs;
}

export interface SyntheticShot {
  frames: RgbFrame[];
  truth: Matte[];
  maps: AffineMap[];
}

/**
 * A hand-held camera drifting over a still: a 2/3-size window panning across it with a slight zoom
 * and jitter, plus a little sensor noise per frame (what makes per-frame segmentation flicker).
 */
export function shotOverStill(still: RgbFrame, truth: Matte, frameCount: number, seed: number): SyntheticShot {
  const width = Math.round((still.width * 2) / 3 / 2) * 2, height = Math.round((still.height * 2) / 3 / 2) * 2;
  const cx = still.width / 2, cy = still.height / 2;
  const maps = cameraMove({
    source: still, output: { width, height }, frameCount,
    from: [cx - still.width / 10, cy + still.height / 24], to: [cx + still.width / 10, cy - still.height / 24],
    zoomFrom: 1, zoomTo: 1.06, jitter: 1.5, seed,
  });
  const noise = prng(seed * 7919);
  const frames = maps.map((m) => {
    const f = warpRgb(still, m, width, height);
    for (let i = 0; i < f.data.length; i++) f.data[i] = Math.max(0, Math.min(255, Math.round(f.data[i] + (noise() + noise() + noise() - 1.5) * 4)));
    return f;
  });
  return { frames, truth: maps.map((m) => warpMatte(truth, m, width, height)), maps };
}
