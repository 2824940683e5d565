;; row-bits.wasm: thresholds float32 samples at 0.5 into bits, 32 samples a word, with WebAssembly SIMD.
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
        (br $sixteen)))))
