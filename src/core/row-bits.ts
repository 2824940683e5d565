/**
 * The trace's sample grid thresholded at 0.5, a grid row at a time, one bit per sample.
 *
 * Thresholding is most of what tracing a frame costs: every one of a 1080p matte's 2 million pixels
 * is read, against the ten thousand cells the outline crosses. WebAssembly SIMD compares four floats
 * at a time and gathers sixteen bits at once (row-bits.wat), several times faster than JavaScript
 * even with the row copied into its memory first. Where WebAssembly is missing (UXP's JavaScript
 * runs none) or lacks SIMD, the same bits come from JavaScript.
 */
import { ROW_BITS_WASM } from './row-bits-wasm.ts';

/**
 * Grid rows of the padded sample grid, (W + 4) × (H + 4) samples: sample gx is bit 31 − gx % 32 of
 * word ⌊gx / 32⌋, so the leftmost sample is the most significant bit and Math.clz32 finds the leftmost
 * set bit of a word. Ring 0 (gx or gy 0, W + 3, H + 3) is zero; ring 1 repeats the edge pixels.
 */
export interface RowBits {
  /** Words a grid row: ⌈(W + 4) / 32⌉. */
  readonly stride: number;
  /** The grid row packed before the last one (zeros at first). */
  readonly top: Int32Array;
  /** The grid row packed last. */
  readonly bottom: Int32Array;
  /**
   * Makes the last row the top one and packs the next into `bottom`: the pixel row whose values start
   * at `data[src]`, or a row of ring 0 where `src` is −1.
   */
  next(src: number): void;
}

export type RowBitsEngine = 'wasm' | 'js';

/** The engine `rowBits` uses unless told: WebAssembly SIMD where this runtime has it. */
export const ROW_BITS_ENGINE: RowBitsEngine = typeof WebAssembly === 'object' && WebAssembly.validate(ROW_BITS_WASM) ? 'wasm' : 'js';

/** Thresholds rows of `data`, `width` pixels each, with `engine` (default: the fastest this runtime has). */
export function rowBits(data: Float32Array, width: number, engine: RowBitsEngine = ROW_BITS_ENGINE): RowBits {
  if (engine === 'js') return new JsRowBits(data, width);
  if (ROW_BITS_ENGINE !== 'wasm') throw new Error('this runtime has no WebAssembly SIMD');
  return new WasmRowBits(data, width);
}

function strideOf(width: number): number {
  return (width + 4 + 31) >> 5;
}

/**
 * The one instance of row-bits.wasm, shared by every RowBits (a few hundred bytes, compiled in
 * microseconds). Its memory holds one padded grid row as floats (32 × stride of them: ring 0, ring 1,
 * the pixels, ring 1, zeros to the end) and its words after them, only while a row is packed, so
 * traces may interleave. Module constants rather than an object's fields: V8 calls a WebAssembly
 * function it knows directly, and one it loads from a field through a slower generic path (a third
 * of the time per row).
 */
const instance = ROW_BITS_ENGINE === 'wasm' ? new WebAssembly.Instance(new WebAssembly.Module(ROW_BITS_WASM)) : undefined;
const memory = instance?.exports.memory as WebAssembly.Memory;
const pack = instance?.exports.pack as (src: number, words: number, dst: number) => void;
/** Words in the widest row the views below have room for. */
let capacity = 0;
let rowFloats = new Float32Array(0);
/** The same row's floats as integers: copied this way, a NaN keeps its bits (its sign decides its bit). */
let rowInts = new Int32Array(0);
let rowWords = new Int32Array(0);
/** rowFloats is zero from here on (the last row's ring 0). */
let zerosFrom = 0;

/** Room for rows of `stride` words (a wider row grows the memory, which detaches the old views). */
function reserve(stride: number): void {
  if (stride <= capacity) return;
  const needed = 132 * stride;
  if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  capacity = stride;
  rowFloats = new Float32Array(memory.buffer, 0, 32 * stride);
  rowInts = new Int32Array(memory.buffer, 0, 32 * stride);
  rowWords = new Int32Array(memory.buffer, 128 * stride, stride);
  // The narrower layout's words may lie where the row's floats now go.
  zerosFrom = 32 * stride;
}

class WasmRowBits implements RowBits {
  readonly stride: number;
  top: Int32Array;
  bottom: Int32Array;

  constructor(private readonly data: Float32Array, private readonly width: number) {
    this.stride = strideOf(width);
    this.top = new Int32Array(this.stride);
    this.bottom = new Int32Array(this.stride);
  }

  next(src: number): void {
    [this.top, this.bottom] = [this.bottom, this.top];
    if (src < 0) {
      this.bottom.fill(0);
      return;
    }
    const { data, width, stride } = this;
    reserve(stride);
    // A wider row (another trace's) leaves values past this one's end: ring 0 and zeros go back in.
    if (zerosFrom > width + 3) rowInts.fill(0, width + 3, zerosFrom);
    zerosFrom = width + 3;
    rowFloats.set(data.subarray(src, src + width), 2);
    rowInts[1] = rowInts[2];
    rowInts[width + 2] = rowInts[width + 1];
    pack(0, stride, 128 * capacity);
    this.bottom.set(stride === capacity ? rowWords : rowWords.subarray(0, stride));
  }
}

class JsRowBits implements RowBits {
  readonly stride: number;
  top: Int32Array;
  bottom: Int32Array;
  /** The matte's floats as integers (see `above`). */
  private readonly bits: Int32Array;

  constructor(data: Float32Array, private readonly width: number) {
    this.stride = strideOf(width);
    this.top = new Int32Array(this.stride);
    this.bottom = new Int32Array(this.stride);
    this.bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  }

  next(src: number): void {
    [this.top, this.bottom] = [this.bottom, this.top];
    packRow(this.bits, this.width, src, this.bottom);
  }
}

/** The grid row whose pixels start at `src` (−1: ring 0) into `out`; `bits` are the floats as integers. */
function packRow(bits: Int32Array, W: number, src: number, out: Int32Array): void {
  out.fill(0);
  if (src < 0) return;
  // Word j holds columns 32j … 32j + 31, pixels x = 32j − 2 … (the first word starts with the two rings).
  for (let j = 0, x = -2; x < W; j++, x += 32) {
    const from = Math.max(0, x), to = Math.min(W, x + 32);
    out[j] = packAbove(bits, src + from, src + to) << (x + 32 - to);
  }
  setBit(out, 1, bitAt(out, 2));
  setBit(out, W + 2, bitAt(out, W + 1));
}

/**
 * 1 where the float32 with these bits is above 0.5, else 0: as 32-bit integers, the floats above 0.5
 * (positive NaNs too) are exactly those above 0x3F000000, and the negative ones are below zero. An
 * integer comparison turned into a number compiles without a branch (a soft matte's edges would
 * mispredict one).
 */
const above = (i: number): number => +(i > 0x3f000000);

/** The `above` bits of floats start … end − 1 (at most 32), the first one the most significant. */
function packAbove(bits: Int32Array, start: number, end: number): number {
  let word = 0, k = start;
  // Eight at a time: their tests do not depend on each other, so the processor runs them side by side.
  for (; k + 8 <= end; k += 8) {
    word = (word << 8) | (above(bits[k]) << 7) | (above(bits[k + 1]) << 6) | (above(bits[k + 2]) << 5) | (above(bits[k + 3]) << 4) |
      (above(bits[k + 4]) << 3) | (above(bits[k + 5]) << 2) | (above(bits[k + 6]) << 1) | above(bits[k + 7]);
  }
  for (; k < end; k++) word = (word << 1) | above(bits[k]);
  return word;
}

function bitAt(words: Int32Array, gx: number): number {
  return (words[gx >> 5] >>> (31 - (gx & 31))) & 1;
}

function setBit(words: Int32Array, gx: number, bit: number): void {
  words[gx >> 5] |= bit << (31 - (gx & 31));
}
