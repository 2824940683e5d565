/**
 * The trace's thresholded grid rows (src/core/row-bits.ts), from WebAssembly SIMD and from JavaScript,
 * against the grid's definition sample by sample (ring 0 zero, ring 1 repeating the edge pixels, a
 * pixel set where it is above 0.5), and their crossed cells cell by cell. And the committed
 * WebAssembly bytes against their source.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROW_BITS_ENGINE, rowBits, type RowBitsEngine } from '../src/core/row-bits.ts';
import { prng } from '../src/synthetic/index.ts';
import { WASM_SOURCES, wasmModuleText } from '../scripts/wasm.ts';

const ROOT = join(import.meta.dirname, '..');

/** A positive and a negative quiet NaN, as float32s. */
const NAN_BITS = new Float32Array(new Int32Array([0x7fc00000, 0xffc00000 | 0]).buffer);
/** Either side of 0.5 by one ulp, signed zeros, denormals, out of 0..1, infinities, NaNs of both signs. */
const SPECIAL = [0.5, 0.50000006, 0.49999997, -0, 0, 1, -1, 2, 1e-45, -1e-45, Infinity, -Infinity, NAN_BITS[0], NAN_BITS[1]];

/**
 * Pixel i of `data` above 0.5, or a NaN with its sign bit clear (the integer comparison's answer, which
 * both engines share). Read from the bits: a NaN read as a number may not keep its sign.
 */
function above(data: Float32Array, i: number): boolean {
  const v = data[i];
  return Number.isNaN(v) ? new Int32Array(data.buffer, data.byteOffset, data.length)[i] >= 0 : v > 0.5;
}

/** The grid row's samples from its definition: pixel row at `src` of `data` (−1: ring 0). */
function expectedRow(data: Float32Array, width: number, src: number): boolean[] {
  return Array.from({ length: width + 4 }, (_, gx) =>
    src >= 0 && gx >= 1 && gx <= width + 2 && above(data, src + Math.min(width - 1, Math.max(0, gx - 2))));
}

function assertRow(words: Int32Array, stride: number, expected: boolean[], label: string): void {
  assert.equal(words.length >= stride + 1, true);
  // The row's words, then the zero word after them.
  for (let gx = 0; gx < 32 * (stride + 1); gx++) {
    const bit = (words[gx >> 5] >>> (31 - (gx & 31))) & 1;
    if (bit !== +(expected[gx] ?? false)) assert.fail(`${label}: sample ${gx} is ${bit}`);
  }
}

/** The crossed cells between two grid rows, from the definition: word index and bits, words with none left out. */
function expectedCrossings(top: boolean[], bottom: boolean[], stride: number): number[] {
  const at = (row: boolean[], gx: number): boolean => row[gx] ?? false;
  const out: number[] = [];
  for (let j = 0; j < stride; j++) {
    let bits = 0;
    for (let b = 0; b < 32; b++) {
      const gx = 32 * j + b;
      const corners = [at(top, gx), at(top, gx + 1), at(bottom, gx), at(bottom, gx + 1)];
      if (corners.some((c) => c !== corners[0])) bits |= 1 << (31 - b);
    }
    if (bits !== 0) out.push(j, bits);
  }
  return out;
}

const ENGINES: RowBitsEngine[] = ROW_BITS_ENGINE === 'wasm' ? ['wasm', 'js'] : ['js'];

describe('row bits: a matte\'s rows thresholded at 0.5, one bit a sample', () => {
  it('Node runs the WebAssembly SIMD engine', () => {
    assert.equal(ROW_BITS_ENGINE, 'wasm');
  });

  for (const engine of ENGINES) {
    it(`${engine}: every sample as defined, at widths about word boundaries, with special values and ring-0 rows`, () => {
      const random = prng(5);
      const widths = [1, 2, 3, 27, 28, 29, 30, 31, 32, 33, 59, 60, 61, 62, 64, 92, 93, 100, 1920];
      for (const width of widths) {
        const rows = 6;
        // Off the start of its buffer, as a matte's subarray may be.
        const data = new Float32Array(width * rows + 7).subarray(3, 3 + width * rows);
        for (let i = 0; i < data.length; i++) {
          const r = random();
          data[i] = i % 3 === 0 ? SPECIAL[Math.floor(r * SPECIAL.length)] : r < 0.3 ? 0 : r < 0.6 ? 1 : random();
        }
        const packed = rowBits(data, width, engine);
        assert.equal(packed.stride, Math.ceil((width + 4) / 32));
        const order = [-1, 0, 0, 1, 2, 3, 4, 5, 5, -1];
        let before = expectedRow(data, width, -1);
        for (const y of order) {
          const src = y < 0 ? -1 : y * width;
          const count = packed.next(src);
          const now = expectedRow(data, width, src);
          assertRow(packed.bottom, packed.stride, now, `${engine}, width ${width}, row ${y}`);
          assertRow(packed.top, packed.stride, before, `${engine}, width ${width}, row before ${y}`);
          assert.deepEqual([...packed.crossings.subarray(0, 2 * count)], expectedCrossings(before, now, packed.stride),
            `${engine}, width ${width}, crossings above row ${y}`);
          before = now;
        }
      }
    });
  }

  it('wasm: rows packed after a wider trace\'s have no leftovers past their end; a trace taken over mid-way refuses to go on', () => {
    const wide = new Float32Array(3000).fill(1), narrow = new Float32Array(40).fill(1);
    narrow[39] = 0;
    const a = rowBits(wide, 3000, 'wasm');
    a.next(0);
    a.next(0);
    const b = rowBits(narrow, 40, 'wasm');
    assertRow(b.top, b.stride, expectedRow(narrow, 40, -1), 'a fresh top row after a wide trace');
    b.next(0);
    assertRow(b.bottom, b.stride, expectedRow(narrow, 40, 0), 'narrow after wide');
    assert.throws(() => a.next(0), /another trace took over/);
    // Wider than any before: the memory grows.
    const wider = new Float32Array(70000).fill(1);
    const c = rowBits(wider, 70000, 'wasm');
    c.next(0);
    assertRow(c.bottom, c.stride, expectedRow(wider, 70000, 0), 'wider than the memory was');
    const d = rowBits(narrow, 40, 'wasm');
    d.next(0);
    assertRow(d.bottom, d.stride, expectedRow(narrow, 40, 0), 'narrow after the growth');
  });

  it('the committed WebAssembly modules are what `npm run wasm` makes of their sources', async () => {
    for (const { wat, module, name } of WASM_SOURCES) {
      const source = await readFile(join(ROOT, wat), 'utf8');
      const made = await wasmModuleText(source, wat.split('/').pop()!, name);
      assert.equal(await readFile(join(ROOT, module), 'utf8'), made, `${module} is stale: run npm run wasm`);
    }
  });
});
