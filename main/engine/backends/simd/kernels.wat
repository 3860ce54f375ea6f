;; Training kernels in WebAssembly SIMD, run on tfjs' own wasm heap (its memory is imported).
;; Why: tfjs' wasm product hands its second operand to XNNPACK, which packs it at ~9 ns an element
;; (measured) whenever it is a new tensor. A convolution's filter gradient has two large operands
;; (the input and dy) and a small result, so every formulation of it as an XNNPACK product or
;; convolution packs ~250-700 thousand elements a step on a small CNN. This loop packs nothing:
;; each row of the result stays in four SIMD registers while the input and dy stream past.
;;
;; Build: `npm run wasm-kernels` (wabt) writes kernels-binary.ts; a test checks they agree.
;; The memory import is rewritten to `shared` for the threaded build.
(module
  (import "env" "memory" (memory 0))

  ;; dW[i, j, c, o] = sum over b, y, x of xin[b, y*sh + i - top, x*sw + j - left, c] * dy[b, y, x, o]
  ;; x: [B, H, W, C], dy: [B, OH, OW, O], dw: [kh, kw, C, O], all float32 NHWC; O a multiple of 4.
  ;; Pointers are byte offsets. Taps over the padding contribute nothing. Sums are kept per image
  ;; and then added up, which keeps float32 rounding near that of a pairwise sum over images.
  (func (export "conv2d_filter_grad")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $OH i32) (param $OW i32) (param $O i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $i i32) (local $j i32) (local $c i32) (local $ob i32) (local $b i32) (local $y i32)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $e i32)
    (local $n i32) (local $xp i32) (local $dp i32) (local $xstep i32) (local $dstep i32)
    (local $xrow i32) (local $drow i32) (local $out i32)
    (local $xv v128) (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $xstep (i32.shl (i32.mul (local.get $sw) (local.get $C)) (i32.const 2)))
    (local.set $dstep (i32.shl (local.get $O) (i32.const 2)))
    (local.set $out (local.get $dw))
    (local.set $i (i32.const 0))
    (block $ti_end (loop $ti
      (br_if $ti_end (i32.ge_s (local.get $i) (local.get $kh)))
      ;; output rows whose input row y*sh + i - top lies inside [0, H)
      (local.set $e (i32.sub (local.get $top) (local.get $i)))
      (local.set $y0 (select
        (i32.div_s (i32.sub (i32.add (local.get $e) (local.get $sh)) (i32.const 1)) (local.get $sh))
        (i32.const 0) (i32.gt_s (local.get $e) (i32.const 0))))
      (local.set $e (i32.add (i32.sub (i32.sub (local.get $H) (i32.const 1)) (local.get $i)) (local.get $top)))
      (local.set $y1 (select (i32.const 0)
        (i32.add (i32.div_s (local.get $e) (local.get $sh)) (i32.const 1))
        (i32.lt_s (local.get $e) (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $OH)) (then (local.set $y1 (local.get $OH))))
      (local.set $j (i32.const 0))
      (block $tj_end (loop $tj
        (br_if $tj_end (i32.ge_s (local.get $j) (local.get $kw)))
        (local.set $e (i32.sub (local.get $left) (local.get $j)))
        (local.set $x0 (select
          (i32.div_s (i32.sub (i32.add (local.get $e) (local.get $sw)) (i32.const 1)) (local.get $sw))
          (i32.const 0) (i32.gt_s (local.get $e) (i32.const 0))))
        (local.set $e (i32.add (i32.sub (i32.sub (local.get $W) (i32.const 1)) (local.get $j)) (local.get $left)))
        (local.set $x1 (select (i32.const 0)
          (i32.add (i32.div_s (local.get $e) (local.get $sw)) (i32.const 1))
          (i32.lt_s (local.get $e) (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $OW)) (then (local.set $x1 (local.get $OW))))
        (local.set $c (i32.const 0))
        (block $tc_end (loop $tc
          (br_if $tc_end (i32.ge_s (local.get $c) (local.get $C)))
          (local.set $ob (i32.const 0))
          ;; 16 outputs at a time, then 4 at a time
          (block $o16_end (loop $o16
            (br_if $o16_end (i32.gt_s (i32.add (local.get $ob) (i32.const 16)) (local.get $O)))
            (local.set $t0 (v128.const f32x4 0 0 0 0)) (local.set $t1 (v128.const f32x4 0 0 0 0))
            (local.set $t2 (v128.const f32x4 0 0 0 0)) (local.set $t3 (v128.const f32x4 0 0 0 0))
            (local.set $b (i32.const 0))
            (block $b_end (loop $bl
              (br_if $b_end (i32.ge_s (local.get $b) (local.get $B)))
              (local.set $p0 (v128.const f32x4 0 0 0 0)) (local.set $p1 (v128.const f32x4 0 0 0 0))
              (local.set $p2 (v128.const f32x4 0 0 0 0)) (local.set $p3 (v128.const f32x4 0 0 0 0))
              (local.set $y (local.get $y0))
              (block $y_end (loop $yl
                (br_if $y_end (i32.ge_s (local.get $y) (local.get $y1)))
                (br_if $y_end (i32.le_s (local.get $x1) (local.get $x0)))
                ;; xin[b, y*sh + i - top, x0*sw + j - left, c] and dy[b, y, x0, ob]
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H))
                    (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
                    (local.get $W))
                  (i32.sub (i32.add (i32.mul (local.get $x0) (local.get $sw)) (local.get $j)) (local.get $left)))
                  (local.get $C)) (local.get $c)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $OH)) (local.get $y)) (local.get $OW))
                  (local.get $x0)) (local.get $O)) (local.get $ob)) (i32.const 2))))
                (local.set $n (i32.sub (local.get $x1) (local.get $x0)))
                (loop $xl
                  (local.set $xv (f32x4.splat (f32.load (local.get $xp))))
                  (local.set $p0 (f32x4.add (local.get $p0) (f32x4.mul (local.get $xv) (v128.load (local.get $dp)))))
                  (local.set $p1 (f32x4.add (local.get $p1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $dp)))))
                  (local.set $p2 (f32x4.add (local.get $p2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $dp)))))
                  (local.set $p3 (f32x4.add (local.get $p3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $dp)))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                  (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $xl (local.get $n)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $yl)))
              (local.set $t0 (f32x4.add (local.get $t0) (local.get $p0))) (local.set $t1 (f32x4.add (local.get $t1) (local.get $p1)))
              (local.set $t2 (f32x4.add (local.get $t2) (local.get $p2))) (local.set $t3 (f32x4.add (local.get $t3) (local.get $p3)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bl)))
            (v128.store (local.get $out) (local.get $t0))
            (v128.store offset=16 (local.get $out) (local.get $t1))
            (v128.store offset=32 (local.get $out) (local.get $t2))
            (v128.store offset=48 (local.get $out) (local.get $t3))
            (local.set $out (i32.add (local.get $out) (i32.const 64)))
            (local.set $ob (i32.add (local.get $ob) (i32.const 16)))
            (br $o16)))
          (block $o4_end (loop $o4
            (br_if $o4_end (i32.gt_s (i32.add (local.get $ob) (i32.const 4)) (local.get $O)))
            (local.set $t0 (v128.const f32x4 0 0 0 0))
            (local.set $b (i32.const 0))
            (block $b4_end (loop $bl4
              (br_if $b4_end (i32.ge_s (local.get $b) (local.get $B)))
              (local.set $p0 (v128.const f32x4 0 0 0 0))
              (local.set $y (local.get $y0))
              (block $y4_end (loop $yl4
                (br_if $y4_end (i32.ge_s (local.get $y) (local.get $y1)))
                (br_if $y4_end (i32.le_s (local.get $x1) (local.get $x0)))
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H))
                    (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
                    (local.get $W))
                  (i32.sub (i32.add (i32.mul (local.get $x0) (local.get $sw)) (local.get $j)) (local.get $left)))
                  (local.get $C)) (local.get $c)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $OH)) (local.get $y)) (local.get $OW))
                  (local.get $x0)) (local.get $O)) (local.get $ob)) (i32.const 2))))
                (local.set $n (i32.sub (local.get $x1) (local.get $x0)))
                (loop $xl4
                  (local.set $p0 (f32x4.add (local.get $p0)
                    (f32x4.mul (f32x4.splat (f32.load (local.get $xp))) (v128.load (local.get $dp)))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                  (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $xl4 (local.get $n)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $yl4)))
              (local.set $t0 (f32x4.add (local.get $t0) (local.get $p0)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bl4)))
            (v128.store (local.get $out) (local.get $t0))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $ob (i32.add (local.get $ob) (i32.const 4)))
            (br $o4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $tc)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tj)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ti)))
  )

  ;; The same gradient for C a multiple of 4 and O a multiple of 8, as a register-blocked product:
  ;; a tile of 4 channels x 8 outputs (8 accumulators) takes one 4-channel load of xin and two of
  ;; dy per position, 32 multiply-adds. The one-channel loop above touches a new cache line of xin
  ;; for every multiply when C is large (3x slower on [64,13,13,16] into 32 channels, measured).
  ;; dw must be zeroed first: each image's sums are added into it.
  (func (export "conv2d_filter_grad_c4o8")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $OH i32) (param $OW i32) (param $O i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $i i32) (local $j i32) (local $c i32) (local $ob i32) (local $b i32) (local $y i32)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $e i32)
    (local $n i32) (local $xp i32) (local $dp i32) (local $xstep i32) (local $dstep i32)
    (local $out i32) (local $row i32)
    (local $xv v128) (local $s v128) (local $d0 v128) (local $d1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $xstep (i32.shl (i32.mul (local.get $sw) (local.get $C)) (i32.const 2)))
    (local.set $dstep (i32.shl (local.get $O) (i32.const 2)))
    (local.set $row (i32.shl (local.get $O) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $ti_end (loop $ti
      (br_if $ti_end (i32.ge_s (local.get $i) (local.get $kh)))
      (local.set $e (i32.sub (local.get $top) (local.get $i)))
      (local.set $y0 (select
        (i32.div_s (i32.sub (i32.add (local.get $e) (local.get $sh)) (i32.const 1)) (local.get $sh))
        (i32.const 0) (i32.gt_s (local.get $e) (i32.const 0))))
      (local.set $e (i32.add (i32.sub (i32.sub (local.get $H) (i32.const 1)) (local.get $i)) (local.get $top)))
      (local.set $y1 (select (i32.const 0)
        (i32.add (i32.div_s (local.get $e) (local.get $sh)) (i32.const 1))
        (i32.lt_s (local.get $e) (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $OH)) (then (local.set $y1 (local.get $OH))))
      (local.set $j (i32.const 0))
      (block $tj_end (loop $tj
        (br_if $tj_end (i32.ge_s (local.get $j) (local.get $kw)))
        (local.set $e (i32.sub (local.get $left) (local.get $j)))
        (local.set $x0 (select
          (i32.div_s (i32.sub (i32.add (local.get $e) (local.get $sw)) (i32.const 1)) (local.get $sw))
          (i32.const 0) (i32.gt_s (local.get $e) (i32.const 0))))
        (local.set $e (i32.add (i32.sub (i32.sub (local.get $W) (i32.const 1)) (local.get $j)) (local.get $left)))
        (local.set $x1 (select (i32.const 0)
          (i32.add (i32.div_s (local.get $e) (local.get $sw)) (i32.const 1))
          (i32.lt_s (local.get $e) (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $OW)) (then (local.set $x1 (local.get $OW))))
        (local.set $c (i32.const 0))
        (block $tc_end (loop $tc
          (br_if $tc_end (i32.ge_s (local.get $c) (local.get $C)))
          (local.set $ob (i32.const 0))
          (block $o_end (loop $ol
            (br_if $o_end (i32.ge_s (local.get $ob) (local.get $O)))
            ;; dw[i, j, c, ob]: the tile's first row; the next rows are O floats apart
            (local.set $out (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (i32.add
              (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $C))
              (local.get $c)) (local.get $O)) (local.get $ob)) (i32.const 2))))
            (local.set $b (i32.const 0))
            (block $b_end (loop $bl
              (br_if $b_end (i32.ge_s (local.get $b) (local.get $B)))
              (local.set $a00 (v128.const f32x4 0 0 0 0)) (local.set $a01 (v128.const f32x4 0 0 0 0))
              (local.set $a10 (v128.const f32x4 0 0 0 0)) (local.set $a11 (v128.const f32x4 0 0 0 0))
              (local.set $a20 (v128.const f32x4 0 0 0 0)) (local.set $a21 (v128.const f32x4 0 0 0 0))
              (local.set $a30 (v128.const f32x4 0 0 0 0)) (local.set $a31 (v128.const f32x4 0 0 0 0))
              (local.set $y (local.get $y0))
              (block $y_end (loop $yl
                (br_if $y_end (i32.ge_s (local.get $y) (local.get $y1)))
                (br_if $y_end (i32.le_s (local.get $x1) (local.get $x0)))
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H))
                    (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
                    (local.get $W))
                  (i32.sub (i32.add (i32.mul (local.get $x0) (local.get $sw)) (local.get $j)) (local.get $left)))
                  (local.get $C)) (local.get $c)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $OH)) (local.get $y)) (local.get $OW))
                  (local.get $x0)) (local.get $O)) (local.get $ob)) (i32.const 2))))
                (local.set $n (i32.sub (local.get $x1) (local.get $x0)))
                (loop $xl
                  (local.set $xv (v128.load (local.get $xp)))
                  (local.set $d0 (v128.load (local.get $dp)))
                  (local.set $d1 (v128.load offset=16 (local.get $dp)))
                  (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $xv) (local.get $xv)))
                  (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                  (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                  (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))
                  (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                  (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                  (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $xv) (local.get $xv)))
                  (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                  (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                  (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))
                  (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                  (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                  (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $xl (local.get $n)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $yl)))
              ;; this image's sums into the four rows of the tile
              (local.set $e (local.get $out))
              (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (local.get $a00)))
              (v128.store offset=16 (local.get $e) (f32x4.add (v128.load offset=16 (local.get $e)) (local.get $a01)))
              (local.set $e (i32.add (local.get $e) (local.get $row)))
              (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (local.get $a10)))
              (v128.store offset=16 (local.get $e) (f32x4.add (v128.load offset=16 (local.get $e)) (local.get $a11)))
              (local.set $e (i32.add (local.get $e) (local.get $row)))
              (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (local.get $a20)))
              (v128.store offset=16 (local.get $e) (f32x4.add (v128.load offset=16 (local.get $e)) (local.get $a21)))
              (local.set $e (i32.add (local.get $e) (local.get $row)))
              (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (local.get $a30)))
              (v128.store offset=16 (local.get $e) (f32x4.add (v128.load offset=16 (local.get $e)) (local.get $a31)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bl)))
            (local.set $ob (i32.add (local.get $ob) (i32.const 8)))
            (br $ol)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $tc)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tj)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ti)))
  )

  ;; MaxPoolGrad for 2x2 windows at stride 2 without padding, C a multiple of 4: each window's
  ;; dy goes to its first strict maximum in row-major order (x00, x01, x10, x11), as on tfjs' cpu
  ;; backend; a NaN never wins (a NaN first value is replaced by the next), and a window whose
  ;; maximum is -Infinity or NaN passes nothing. Four channels at a time, without branches (the
  ;; JavaScript loop is bound by mispredicted comparisons). Writes all four cells of every
  ;; window; cells no window covers (an odd last row or column) must be zeroed first.
  (func (export "max_pool_grad_2x2")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $k i32)
    (local $o i32) (local $col i32) (local $row i32) (local $rowstart i32) (local $dp i32) (local $d i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $best v128)
    (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $r v128) (local $pass v128)
    (local.set $col (i32.shl (local.get $C) (i32.const 2)))
    (local.set $row (i32.mul (local.get $W) (local.get $col)))
    (local.set $dp (local.get $dy))
    (local.set $b (i32.const 0))
    (block $b_end (loop $bl
      (br_if $b_end (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $yr (i32.const 0))
      (block $yr_end (loop $yrl
        (br_if $yr_end (i32.ge_s (local.get $yr) (local.get $OH)))
        ;; byte offset of xin[b, 2*yr, 0, 0] (the same in dx)
        (local.set $rowstart (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H))
          (i32.shl (local.get $yr) (i32.const 1))) (local.get $row)))
        (local.set $yc (i32.const 0))
        (block $yc_end (loop $ycl
          (br_if $yc_end (i32.ge_s (local.get $yc) (local.get $OW)))
          (local.set $o (i32.add (local.get $rowstart) (i32.mul (i32.shl (local.get $yc) (i32.const 1)) (local.get $col))))
          (local.set $k (local.get $C))
          (loop $cl
            (local.set $v0 (v128.load (i32.add (local.get $x) (local.get $o))))
            (local.set $v1 (v128.load (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $col))))
            (local.set $v2 (v128.load (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $row))))
            (local.set $v3 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $row)) (local.get $col))))
            ;; m_k: value k replaces the best so far (greater, or the best so far is NaN)
            (local.set $best (local.get $v0))
            (local.set $m1 (v128.or (f32x4.gt (local.get $v1) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v1) (local.get $best) (local.get $m1)))
            (local.set $m2 (v128.or (f32x4.gt (local.get $v2) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v2) (local.get $best) (local.get $m2)))
            (local.set $m3 (v128.or (f32x4.gt (local.get $v3) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v3) (local.get $best) (local.get $m3)))
            ;; dy where the maximum is above -Infinity (false for NaN), else 0
            (local.set $pass (v128.and (v128.load (local.get $dp))
              (f32x4.gt (local.get $best) (v128.const f32x4 -inf -inf -inf -inf))))
            ;; the winner is the last value that replaced the best: 3 if m3, 2 if m2 and not m3, ...
            (local.set $d (i32.add (local.get $dx) (local.get $o)))
            (v128.store (i32.add (i32.add (local.get $d) (local.get $row)) (local.get $col)) (v128.and (local.get $pass) (local.get $m3)))
            (v128.store (i32.add (local.get $d) (local.get $row)) (v128.and (local.get $pass) (v128.andnot (local.get $m2) (local.get $m3))))
            (local.set $r (v128.or (local.get $m2) (local.get $m3)))
            (v128.store (i32.add (local.get $d) (local.get $col)) (v128.and (local.get $pass) (v128.andnot (local.get $m1) (local.get $r))))
            (v128.store (local.get $d) (v128.andnot (local.get $pass) (v128.or (local.get $m1) (local.get $r))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $dp (i32.add (local.get $dp) (i32.const 16)))
            (local.set $k (i32.sub (local.get $k) (i32.const 4)))
            (br_if $cl (local.get $k)))
          (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
          (br $ycl)))
        (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
        (br $yrl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))
  )
)
