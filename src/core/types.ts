/** Plain data shared by every stage. No host, DOM or Node API here. */

export type Vec2 = [number, number];

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty (a = s·cos θ, b = s·sin θ): scale, rotation, translation. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** A soft sky matte: `data[y * width + x]` in 0..1, 1 = sky. Pixel (x, y) covers [x, x+1] × [y, y+1]. */
export interface Matte {
  width: number;
  height: number;
  data: Float32Array;
  /**
   * The camera's motion from the previous frame to this one, in pixels, where the segment stage
   * measured it on the footage itself. Tracking starts from it: an outline alone cannot tell how far
   * a near-straight horizon slid along itself.
   */
  cameraMotion?: Similarity;
}

/** One frame of footage: 8-bit RGB, `data[(y * width + x) * 3 + c]`, rows top to bottom. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One closed cubic bezier path in After Effects' form: tangents are relative to their vertex. */
export interface BezierPath {
  closed: boolean;
  vertices: Vec2[];
  inTangents: Vec2[];
  outTangents: Vec2[];
}

/**
 * A closed iso-contour, as traced: `points` is x0, y0, x1, y1, … with no repeated closing point.
 * Sky lies on the left when walking the points in y-down image coordinates, so outer boundaries
 * have positive `area` (clockwise on screen) and holes negative.
 */
export interface Contour {
  points: Float64Array;
  /** Signed shoelace area in px² (> 0 outer boundary, < 0 hole). */
  area: number;
  /** Mean width in px of the matte's 0.1–0.9 ramp across this contour (its edge softness). */
  rampWidth: number;
}

/** A region of sky in one frame: an outer boundary and the holes inside it. */
export interface Region {
  outer: Contour;
  holes: Contour[];
}
