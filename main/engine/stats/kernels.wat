;; The collection's bulk reductions in WebAssembly SIMD, on a memory of their own (values are
;; copied in: a megabyte takes ~0.1 ms). Why: a collection every step reduces ~600 thousand
;; values (gradients, weights, the probe's activations) and the JavaScript loops took 4-5 ns a
;; value (measured in the statistics worker: ~6 ms a collection of the MLP's ~8 ms step).
;;
;; Each kernel gives what its JavaScript twin in summarize.ts gives: sums in float64 of the
;; float32 values promoted exactly, the same select rule for the range, the histogram's bin of
;; (v - lo) * scale computed in float64, so both place every value in the same bin. (One
;; difference: with both -0 and +0 in a range whose minimum or maximum is zero, the kernel's
;; four lanes may keep the other zero's sign. Nothing downstream tells them apart.)
;;
;; Build: `npm run wasm-kernels` (wabt) writes kernels-binary.ts; a test checks they agree.
(module
  (memory (export "memory") 1)

  ;; Moments of n float32 at p (16-byte aligned): f64 sum at out, f64 sum of squares at out+8,
  ;; f32 min at out+16, f32 max at out+20, i32 count of zeros at out+24. A NaN or an infinity
  ;; makes the sums non-finite: the caller then takes the JavaScript pass that leaves them out.
  (func (export "moments") (param $p i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32) (local $stop i32)
    (local $v v128) (local $lo v128) (local $hi v128)
    (local $s0 v128) (local $s1 v128) (local $q0 v128) (local $q1 v128)
    (local $mn v128) (local $mx v128) (local $z v128)
    (local $sum f64) (local $sq f64) (local $d f64) (local $x f32) (local $min f32) (local $max f32) (local $zeros i32)
    (local.set $mn (f32x4.splat (f32.const inf)))
    (local.set $mx (f32x4.splat (f32.const -inf)))
    (local.set $i (local.get $p))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $stop (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load (local.get $i)))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $s0 (f64x2.add (local.get $s0) (local.get $lo)))
      (local.set $s1 (f64x2.add (local.get $s1) (local.get $hi)))
      (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (local.get $hi) (local.get $hi))))
      ;; pmin(a, b) = b < a ? b : a: the JavaScript loop's `min = v < min ? v : min`
      (local.set $mn (f32x4.pmin (local.get $mn) (local.get $v)))
      (local.set $mx (f32x4.pmax (local.get $mx) (local.get $v)))
      ;; a lane equal to 0 (or -0) is all ones, -1: subtracting it counts it
      (local.set $z (i32x4.sub (local.get $z) (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (local.set $sum (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))
      (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1)))))
    (local.set $sq (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $q0)) (f64x2.extract_lane 1 (local.get $q0)))
      (f64.add (f64x2.extract_lane 0 (local.get $q1)) (f64x2.extract_lane 1 (local.get $q1)))))
    (local.set $min (f32x4.extract_lane 0 (local.get $mn)))
    (local.set $x (f32x4.extract_lane 1 (local.get $mn)))
    (local.set $min (select (local.get $x) (local.get $min) (f32.lt (local.get $x) (local.get $min))))
    (local.set $x (f32x4.extract_lane 2 (local.get $mn)))
    (local.set $min (select (local.get $x) (local.get $min) (f32.lt (local.get $x) (local.get $min))))
    (local.set $x (f32x4.extract_lane 3 (local.get $mn)))
    (local.set $min (select (local.get $x) (local.get $min) (f32.lt (local.get $x) (local.get $min))))
    (local.set $max (f32x4.extract_lane 0 (local.get $mx)))
    (local.set $x (f32x4.extract_lane 1 (local.get $mx)))
    (local.set $max (select (local.get $x) (local.get $max) (f32.gt (local.get $x) (local.get $max))))
    (local.set $x (f32x4.extract_lane 2 (local.get $mx)))
    (local.set $max (select (local.get $x) (local.get $max) (f32.gt (local.get $x) (local.get $max))))
    (local.set $x (f32x4.extract_lane 3 (local.get $mx)))
    (local.set $max (select (local.get $x) (local.get $max) (f32.gt (local.get $x) (local.get $max))))
    (local.set $zeros (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $z)) (i32x4.extract_lane 1 (local.get $z)))
      (i32.add (i32x4.extract_lane 2 (local.get $z)) (i32x4.extract_lane 3 (local.get $z)))))
    ;; the last n % 4 values
    (block $tail_done (loop $t
      (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $x (f32.load (local.get $i)))
      (local.set $d (f64.promote_f32 (local.get $x)))
      (local.set $sum (f64.add (local.get $sum) (local.get $d)))
      (local.set $sq (f64.add (local.get $sq) (f64.mul (local.get $d) (local.get $d))))
      (local.set $min (select (local.get $x) (local.get $min) (f32.lt (local.get $x) (local.get $min))))
      (local.set $max (select (local.get $x) (local.get $max) (f32.gt (local.get $x) (local.get $max))))
      (local.set $zeros (i32.add (local.get $zeros) (f32.eq (local.get $x) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $t)))
    (f64.store (local.get $out) (local.get $sum))
    (f64.store offset=8 (local.get $out) (local.get $sq))
    (f32.store offset=16 (local.get $out) (local.get $min))
    (f32.store offset=20 (local.get $out) (local.get $max))
    (i32.store offset=24 (local.get $out) (local.get $zeros)))

;; Histogram counts of n float32 at p (16-byte aligned), all finite and within [lo, hi] (their
  ;; own range: the caller has their moments), into four interleaved i32 tables at tab, one per
  ;; lane, each of bins + 1 slots, zeroed by the caller: a value goes to slot trunc((v - lo) * scale),
  ;; which is `bins` for the values equal to hi (or rounded up to it). Indices are clamped to
  ;; [0, bins] all the same, so values outside the range cannot write outside the tables. Four
  ;; tables: lanes that fall in the same bin do not wait on each other's increment.
  (func (export "histogram") (param $p i32) (param $n i32) (param $lo f64) (param $scale f64) (param $bins i32) (param $tab i32)
    (local $i i32) (local $end i32) (local $stop i32) (local $stride i32)
    (local $v v128) (local $idx v128) (local $addr v128)
    (local $vlo v128) (local $vscale v128) (local $vbins v128) (local $lanes v128) (local $a i32)
    (local.set $stride (i32.add (local.get $bins) (i32.const 1)))
    (local.set $vlo (f64x2.splat (local.get $lo)))
    (local.set $vscale (f64x2.splat (local.get $scale)))
    (local.set $vbins (i32x4.splat (local.get $bins)))
    ;; byte offset of each lane's table: tab + lane * stride * 4
    (local.set $lanes (i32x4.add (i32x4.splat (local.get $tab))
      (i32x4.mul (i32x4.splat (i32.shl (local.get $stride) (i32.const 2))) (v128.const i32x4 0 1 2 3))))
    (local.set $i (local.get $p))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $stop (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $v (v128.load (local.get $i)))
      (local.set $idx (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $vlo)) (local.get $vscale)))
        (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.sub
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
          (local.get $vlo)) (local.get $vscale)))))
      ;; (unsigned: a negative index becomes large, and then `bins`)
      (local.set $addr (i32x4.add (local.get $lanes) (i32x4.shl (i32x4.min_u (local.get $idx) (local.get $vbins)) (i32.const 2))))
      (local.set $a (i32x4.extract_lane 0 (local.get $addr)))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32x4.extract_lane 1 (local.get $addr)))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32x4.extract_lane 2 (local.get $addr)))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32x4.extract_lane 3 (local.get $addr)))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    ;; the last n % 4 values, into the first table
    (block $tail_done (loop $t
      (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $a (i32.trunc_sat_f64_s (f64.mul (f64.sub (f64.promote_f32 (f32.load (local.get $i))) (local.get $lo)) (local.get $scale))))
      (local.set $a (select (local.get $a) (local.get $bins) (i32.le_u (local.get $a) (local.get $bins))))
      (local.set $a (i32.add (local.get $tab) (i32.shl (local.get $a) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $t)))
  )

  ;; |b - a|^2 at out and |a|^2 at out+8 (f64) over n float32 at a and b (16-byte aligned).
  (func (export "relative_change") (param $a i32) (param $b i32) (param $n i32) (param $out i32)
    (local $i i32) (local $stop i32) (local $k i32)
    (local $va v128) (local $vb v128) (local $x v128) (local $d v128)
    (local $d0 v128) (local $d1 v128) (local $a0 v128) (local $a1 v128)
    (local $dd f64) (local $aa f64) (local $s f64) (local $t f64)
    (local.set $stop (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $stop)))
      (local.set $va (v128.load (i32.add (local.get $a) (local.get $i))))
      (local.set $vb (v128.load (i32.add (local.get $b) (local.get $i))))
      (local.set $x (f64x2.promote_low_f32x4 (local.get $va)))
      (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $vb)) (local.get $x)))
      (local.set $d0 (f64x2.add (local.get $d0) (f64x2.mul (local.get $d) (local.get $d))))
      (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $x (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va))))
      (local.set $d (f64x2.sub
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb)))
        (local.get $x)))
      (local.set $d1 (f64x2.add (local.get $d1) (f64x2.mul (local.get $d) (local.get $d))))
      (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (local.set $dd (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $d0)) (f64x2.extract_lane 1 (local.get $d0)))
      (f64.add (f64x2.extract_lane 0 (local.get $d1)) (f64x2.extract_lane 1 (local.get $d1)))))
    (local.set $aa (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))
      (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))
    (local.set $k (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done (loop $t
      (br_if $tail_done (i32.ge_u (local.get $i) (local.get $k)))
      (local.set $s (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $i)))))
      (local.set $t (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $i)))) (local.get $s)))
      (local.set $dd (f64.add (local.get $dd) (f64.mul (local.get $t) (local.get $t))))
      (local.set $aa (f64.add (local.get $aa) (f64.mul (local.get $s) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $t)))
    (f64.store (local.get $out) (local.get $dd))
    (f64.store offset=8 (local.get $out) (local.get $aa)))
)
