/**
 * The trace's sample grid thresholded at 0.5, a grid row at a time, one bit per sample, and the words
 * of each pair of rows whose cells the outline crosses.
 *
 * This is most of what tracing a frame costs: every one of a 1080p matte's 2 million pixels is read,
 * against the ten thousand cells the outline crosses. WebAssembly SIMD compares four floats at a time
 * and gathers sixteen bits at once (row-bits.wat), several times faster than JavaScript even with the
 * row copied into its memory first. Where WebAssembly is missing (UXP's JavaScript runs none) or
 * lacks SIMD, the same bits and words come from JavaScript.
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
  /** The grid row packed before the last one (zeros at first): its first `stride` words, then a zero word. */
  readonly top: Int32Array;
  /** The grid row packed last: its first `stride` words, then a zero word. */
  readonly bottom: Int32Array;
  /**
   * The words of the cell row between `top` and `bottom` that hold crossed cells (cells whose four
   * corners disagree), as pairs: the word's index, and its crossed cells' bits (the cell whose top
   * left corner is sample gx at bit 31 − gx % 32). The first 2 × `next()` entries are the last row's.
   */
  readonly crossings: Int32Array;
  /**
   * Makes the last row the top one and packs the next into `bottom`: the pixel row whose values start
   * at `data[src]`, or a row of ring 0 where `src` is −1. Returns how many words hold crossed cells.
   */
  next(src: number): number;
}

export type RowBitsEngine = 'wasm' | 'js';

/**
 * The one instance of row-bits.wasm (a few hundred bytes, compiled in microseconds), or undefined
 * where WebAssembly is missing, lacks SIMD or is not allowed (a page's content security policy may
 * forbid compiling it).
 */
const instance = instantiate();

/** The engine `rowBits` uses unless told: WebAssembly SIMD where this runtime has it. */
export const ROW_BITS_ENGINE: RowBitsEngine = instance ? 'wasm' : 'js';

/**
 * Thresholds rows of `data`, `width` pixels each, with `engine` (default: the fastest this runtime
 * has). The WebAssembly engine keeps its rows in one memory: a RowBits made later takes it over, and
 * the earlier one refuses to go on.
 */
export function rowBits(data: Float32Array, width: number, engine: RowBitsEngine = ROW_BITS_ENGINE): RowBits {
  if (engine === 'js') return new JsRowBits(data, width);
  if (ROW_BITS_ENGINE !== 'wasm') throw new Error('this runtime has no WebAssembly SIMD');
  return new WasmRowBits(data, width);
}

function instantiate(): WebAssembly.Instance | undefined {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(ROW_BITS_WASM) ? new WebAssembly.Instance(new WebAssembly.Module(ROW_BITS_WASM)) : undefined;
  } catch {
    return undefined;
  }
}

function strideOf(width: number): number {
  return (width + 4 + 31) >> 5;
}

/**
 * row-bits.wasm's memory holds one padded grid row as floats (32 × capacity of them: ring 0, ring 1,
 * the pixels, ring 1, zeros to the end), two rows of words (capacity + 1 each, the last word zero)
 * and the crossings list. Module constants rather than an object's fields: V8 calls a WebAssembly
 * function it knows directly, and one it loads from a field through a slower, generic path.
 */
const memory = instance?.exports.memory as WebAssembly.Memory;
const pack = instance?.exports.pack as (src: number, words: number, dst: number) => void;
const crossWords = instance?.exports.crossings as (top: number, bottom: number, words: number, out: number) => number;
/** Words a row has room for in the layout below. */
let capacity = 0;
let rowFloats = new Float32Array(0);
/** The same floats as integers: copied this way, a NaN keeps its bits (its sign decides its bit). */
let rowInts = new Int32Array(0);
/** The two rows of words and where they start in memory. */
let words = [new Int32Array(0), new Int32Array(0)];
let wordsAt = [0, 0];
let crossingsView = new Int32Array(0);
let crossingsAt = 0;
/** rowFloats is zero from here on (past the last row's ring 0). */
let zerosFrom = 0;
/** The WasmRowBits whose rows the memory holds. */
let owner: WasmRowBits | undefined;

/** Lays the memory out for rows of `stride` words, growing it (which detaches the old views) if need be. */
function reserve(stride: number): void {
  if (stride <= capacity) return;
  const floatBytes = 128 * stride, wordBytes = 4 * (stride + 1);
  const needed = floatBytes + 2 * wordBytes + 8 * stride;
  if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  capacity = stride;
  rowFloats = new Float32Array(memory.buffer, 0, 32 * stride);
  rowInts = new Int32Array(memory.buffer, 0, 32 * stride);
  wordsAt = [floatBytes, floatBytes + wordBytes];
  words = wordsAt.map((at) => new Int32Array(memory.buffer, at, stride + 1));
  crossingsAt = floatBytes + 2 * wordBytes;
  crossingsView = new Int32Array(memory.buffer, crossingsAt, 2 * stride);
  // The narrower layout's words may lie where the row's floats now go.
  zerosFrom = 32 * stride;
}

class WasmRowBits implements RowBits {
  readonly stride: number;
  /** Which of the two rows of words is `bottom`. */
  private last = 1;

  constructor(private readonly data: Float32Array, private readonly width: number) {
    this.stride = strideOf(width);
    reserve(this.stride);
    owner = this;
    // Both rows start as ring 0 (zeros), their padding words included.
    for (const row of words) row.fill(0);
  }

  get top(): Int32Array { return words[1 - this.last]; }
  get bottom(): Int32Array { return words[this.last]; }
  get crossings(): Int32Array { return crossingsView; }

  next(src: number): number {
    if (owner !== this) throw new Error('row-bits: another trace took over the WebAssembly rows mid-trace');
    const { data, width, stride } = this;
    this.last = 1 - this.last;
    const bottomAt = wordsAt[this.last];
    if (src < 0) {
      words[this.last].fill(0, 0, stride);
    } else {
      // A wider row leaves values past this one's end: ring 0 and zeros go back in.
      if (zerosFrom > width + 3) rowInts.fill(0, width + 3, zerosFrom);
      zerosFrom = width + 3;
      rowFloats.set(data.subarray(src, src + width), 2);
      rowInts[1] = rowInts[2];
      rowInts[width + 2] = rowInts[width + 1];
      pack(0, stride, bottomAt);
    }
    return crossWords(wordsAt[1 - this.last], bottomAt, stride, crossingsAt);
  }
}

class JsRowBits implements RowBits {
  readonly stride: number;
  top: Int32Array;
  bottom: Int32Array;
  readonly crossings: Int32Array;
  /** The matte's floats as integers (see `above`). */
  private readonly bits: Int32Array;

  constructor(data: Float32Array, private readonly width: number) {
    this.stride = strideOf(width);
    this.top = new Int32Array(this.stride + 1);
    this.bottom = new Int32Array(this.stride + 1);
    this.crossings = new Int32Array(2 * this.stride);
    this.bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  }

  next(src: number): number {
    [this.top, this.bottom] = [this.bottom, this.top];
    packRow(this.bits, this.width, src, this.bottom);
    const { top, bottom, crossings, stride } = this;
    let count = 0;
    for (let j = 0; j < stride; j++) {
      const a = top[j], b = bottom[j];
      const crossed = (a ^ b) | (a ^ ((a << 1) | (top[j + 1] >>> 31))) | (b ^ ((b << 1) | (bottom[j + 1] >>> 31)));
      if (crossed === 0) continue;
      crossings[2 * count] = j;
      crossings[2 * count + 1] = crossed;
      count++;
    }
    return count;
  }
}

/** The grid row whose pixels start at `src` (−1: ring 0) into the first words of `out`. */
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
