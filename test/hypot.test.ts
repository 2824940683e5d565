import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hypot } from '../src/core/hypot.ts';
import { prng } from '../src/synthetic/index.ts';

describe('hypot', () => {
  it('is Math.hypot to the bit: random pairs over many magnitudes and signs, zeros, equal pairs, infinities and NaN', () => {
    const random = prng(5);
    const number = () => (random() - 0.5) * 10 ** Math.floor(600 * random() - 300);
    const pairs: [number, number][] = [[0, 0], [-0, -0], [0, -0], [3, 4], [-3, 4], [Infinity, NaN], [NaN, -Infinity], [NaN, 1], [1, NaN],
      [Infinity, 1], [1, -Infinity], [5e-324, 5e-324], [1.7976931348623157e308, 1.7976931348623157e308], [1e-320, 3]];
    for (let k = 0; k < 200_000; k++) {
      const x = k % 3 === 0 ? (random() - 0.5) * 4000 : number();
      const y = k % 7 === 0 ? 0 : k % 11 === 0 ? x : k % 3 === 0 ? (random() - 0.5) * 4000 : number();
      pairs.push([x, y]);
    }
    for (const [x, y] of pairs) assert.ok(Object.is(hypot(x, y), Math.hypot(x, y)), `hypot(${x}, ${y}) = ${hypot(x, y)}, Math.hypot ${Math.hypot(x, y)}`);
  });
});
