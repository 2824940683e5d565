/** RunShapes: a followed run's shapes kept compact, with vertices added to earlier frames when read. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BezierPath, Vec2 } from '../src/core/types.ts';
import { RunShapes } from '../src/core/run-shapes.ts';
import { flattenPath } from '../src/core/bezier.ts';
import { outlineDistance } from './helpers/roto-check.ts';

/** A circle of radius r around (cx, cy) as four cubics (the usual 0.5523 handles). */
function circle(cx: number, cy: number, r: number): BezierPath {
  const h = 0.5523 * r;
  const vertices: Vec2[] = [[cx + r, cy], [cx, cy + r], [cx - r, cy], [cx, cy - r]];
  return {
    closed: true,
    vertices,
    inTangents: [[0, -h], [h, 0], [0, h], [-h, 0]],
    outTangents: [[0, h], [-h, 0], [0, -h], [h, 0]],
  };
}

describe('RunShapes', () => {
  it('gives back each frame as pushed', () => {
    const shapes = new RunShapes();
    const paths = [circle(50, 50, 20), circle(53, 49, 21)];
    for (const p of paths) shapes.push(p);
    assert.equal(shapes.length, 2);
    assert.deepEqual(shapes.at(0), paths[0]);
    assert.deepEqual(shapes.at(1), paths[1]);
    assert.equal(shapes.at(2), undefined);
  });

  it('adds a vertex to the frames before it, where the fraction of the segment says, leaving each curve as it was', () => {
    const shapes = new RunShapes();
    shapes.push(circle(50, 50, 20));
    shapes.push(circle(60, 50, 20));
    // Halfway along segment 0 (from (cx + r, cy) to (cx, cy + r)): at 45° on the circle.
    shapes.insertVertex(0, 0.5);
    const [first, second] = [shapes.at(0)!, shapes.at(1)!];
    for (const [path, cx] of [[first, 50], [second, 60]] as const) {
      assert.equal(path.vertices.length, 5);
      const [x, y] = path.vertices[1];
      assert.ok(Math.abs(Math.hypot(x - cx, y - 50) - 20) < 0.05 && Math.abs(x - cx - (y - 50)) < 0.05, `vertex at ${x}, ${y}`);
      const before = flattenPath(circle(cx, 50, 20), 0.01), after = flattenPath(path, 0.01);
      assert.ok(outlineDistance(before, after, 1000, 1000) < 0.02, 'the curve is unchanged');
    }
    // Frames pushed after the insertion (with the added vertex) are read as pushed.
    shapes.push(second);
    assert.deepEqual(shapes.at(2), second);
  });

  it('applies insertions in the order they came, each to the frames before it', () => {
    const shapes = new RunShapes();
    shapes.push(circle(50, 50, 20));
    shapes.insertVertex(2, 0.5);
    shapes.push(circle(50, 50, 20));
    shapes.insertVertex(0, 0.25);
    assert.equal(shapes.at(0)!.vertices.length, 6);
    assert.equal(shapes.at(1)!.vertices.length, 5);
    // Frame 0: the first insertion split segment 2 (now vertices 2, 3, 4 of 5), the second then segment 0.
    const [x, y] = shapes.at(0)!.vertices[4];
    assert.ok(Math.abs(x - (50 - 20 / Math.SQRT2)) < 0.05 && Math.abs(y - (50 - 20 / Math.SQRT2)) < 0.05, `vertex at ${x}, ${y}`);
  });
});
