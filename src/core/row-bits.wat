;; row-bits.wasm: thresholds float32 samples at 0.5 into bits, 32 samples a word, with WebAssembly SIMD,
;; and finds the words of two such rows that hold crossed cells.
;; The source of src/core/row-bits-wasm.ts (regenerate with `npm run wasm`); row-bits.ts says how it is used.
(module
  (memory (export "memory") 1)
;; pack(src, words, dst): the `words` × 32 floats at byte offset src → `words` 32-bit words at dst.
  ;; A sample is 1 where its bits, read as a signed 32-bit integer, exceed 0x3F000000 (0.5): the
  ;; positive floats above 0.5 and the positive NaNs, as row-bits.ts's JavaScript packer decides.
  ;; The first sample of a word is its most significant bit. Sixteen floats at a time: four comparisons
  ;; of four lanes, narrowed to 16 bytes of 0 or −1, reversed so that bitmask puts the first sample
  ;; highest, stored as the word's high half (the first sixteen; at byte 2, memory being little-endian)
  ;; or its low half.
  (func (export "pack") (param $src i32) (param $words i32) (param $dst i32)
    (local $end i32) (local $half v128) (local $at i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $words) (i32.const 7))))
    (local.set $half (i32x4.splat (i32.const 0x3f000000)))
    (local.set $at (i32.add (local.get $dst) (i32.const 2)))
    (block $done
      (loop $sixteen
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (i32.store16 (local.get $at)
          (i8x16.bitmask
            (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
              (i8x16.narrow_i16x8_s
                (i16x8.narrow_i32x4_s
                  (i32x4.gt_s (v128.load offset=0 (local.get $src)) (local.get $half))
                  (i32x4.gt_s (v128.load offset=16 (local.get $src)) (local.get $half)))
                (i16x8.narrow_i32x4_s
                  (i32x4.gt_s (v128.load offset=32 (local.get $src)) (local.get $half))
                  (i32x4.gt_s (v128.load offset=48 (local.get $src)) (local.get $half))))
              (v128.const i32x4 0 0 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        ;; High half at word + 2, then low half at word + 0, then the next word's high half at + 6.
        (local.set $at (i32.add (local.get $at) (select (i32.const -2) (i32.const 6) (i32.and (local.get $at) (i32.const 2)))))
        (br $sixteen))))
  ;; crossings(top, bottom, words, out) → count: the words of two grid rows (each followed by a zero
  ;; word) whose cells the outline crosses, as pairs at out: the word's index, and its crossed cells'
  ;; bits (a cell is crossed where its four corners disagree: the rows differ, or a row differs from
  ;; itself shifted by a sample). Most words of a matte are all sky or all not: this skips them.
  (func (export "crossings") (param $top i32) (param $bottom i32) (param $words i32) (param $out i32) (result i32)
    (local $j i32) (local $a i32) (local $b i32) (local $crossed i32) (local $count i32)
    (block $done
      (loop $word
        (br_if $done (i32.ge_u (local.get $j) (local.get $words)))
        (local.set $a (i32.load (local.get $top)))
        (local.set $b (i32.load (local.get $bottom)))
        (local.set $crossed
          (i32.or
            (i32.xor (local.get $a) (local.get $b))
            (i32.or
              (i32.xor (local.get $a) (i32.or (i32.shl (local.get $a) (i32.const 1)) (i32.shr_u (i32.load offset=4 (local.get $top)) (i32.const 31))))
              (i32.xor (local.get $b) (i32.or (i32.shl (local.get $b) (i32.const 1)) (i32.shr_u (i32.load offset=4 (local.get $bottom)) (i32.const 31)))))))
        (if (local.get $crossed)
          (then
            (i32.store (local.get $out) (local.get $j))
            (i32.store offset=4 (local.get $out) (local.get $crossed))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $top (i32.add (local.get $top) (i32.const 4)))
        (local.set $bottom (i32.add (local.get $bottom) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $word)))
    (local.get $count)))
