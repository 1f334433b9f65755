//! The AVX-512 Stockham passes: radix-8, 5, 4 and 3 butterflies on a vector of complex values at a time.
//!
//! A pass of radix `R` over sub-transforms of length `l` (stride `s = n / l`, `m = l / R`) reads
//! `x[q + s·(p + r·m)]` for `r < R` and writes `y[q + s·(R·p + k)] = w_l^{k·p} · DFT_R(..)[k]`
//! (OTFFT's formulation of the Stockham autosort: no bit reversal, every pass streams). Passes
//! with `s` a multiple of the vector's complex values vectorize over `q`; the first pass
//! (`s = 1`) vectorizes over `p` and transposes its block of results in registers so its stores
//! are contiguous too. The passes are written once over [`Vector`]: eight complex f32 or four
//! complex f64 per register.
//!
//! Every function here needs AVX-512F; callers check for it once, when the plan is made.

use std::arch::x86_64::*;

use super::vector::Vector;
pub(super) use super::vector::transpose8;

/// Complex f32 values per vector.
pub(super) const LANES: usize = <__m512 as Vector>::LANES;

/// `a · w` for eight complex f32 values with `w` interleaved (`[w0r, w0i, w1r, w1i, ..]`).
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn cmul_interleaved(a: __m512, w: __m512) -> __m512 {
    // SAFETY: AVX-512F, as this function.
    unsafe { <__m512 as Vector>::cmul_interleaved(a, w) }
}

/// The 4-point DFT of `a` in place.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft4<V: Vector, const INV: bool>(a: &mut [V; 4]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        let apc = V::add(a[0], a[2]);
        let amc = V::sub(a[0], a[2]);
        let bpd = V::add(a[1], a[3]);
        let jbmd = V::quarter::<INV>(V::sub(a[1], a[3]));
        a[0] = V::add(apc, bpd);
        a[1] = V::add(amc, jbmd);
        a[2] = V::sub(apc, bpd);
        a[3] = V::sub(amc, jbmd);
    }
}

/// The 8-point DFT of `a` in place: two 4-point DFTs of the even and odd points, combined.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft8<V: Vector, const INV: bool>(a: &mut [V; 8]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        let mut even = [a[0], a[2], a[4], a[6]];
        let mut odd = [a[1], a[3], a[5], a[7]];
        dft4::<V, INV>(&mut even);
        dft4::<V, INV>(&mut odd);
        let half_sqrt2 = V::constant(std::f64::consts::FRAC_1_SQRT_2);
        let o1 = odd[1];
        let jo1 = V::quarter::<INV>(o1);
        let jo3 = V::quarter::<INV>(odd[3]);
        // w8 = (1 ∓ i)/√2, w8³ = (-1 ∓ i)/√2: both are sums of v and its quarter turn.
        let t = [
            odd[0],
            V::mul(V::add(o1, jo1), half_sqrt2),
            V::quarter::<INV>(odd[2]),
            V::mul(V::sub(jo3, odd[3]), half_sqrt2),
        ];
        for k in 0..4 {
            a[k] = V::add(even[k], t[k]);
            a[k + 4] = V::sub(even[k], t[k]);
        }
    }
}

/// The 3-point DFT of `a` in place: with `w = e^{∓2πi/3} = −1/2 ∓ i·√3/2`,
/// `X1, X2 = a0 − (a1 + a2)/2 ± (∓i)·(√3/2)·(a1 − a2)`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft3<V: Vector, const INV: bool>(a: &mut [V; 3]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        let sum = V::add(a[1], a[2]);
        let mid = V::fnmadd(sum, V::constant(0.5), a[0]);
        let rot = V::mul(V::quarter::<INV>(V::sub(a[1], a[2])), V::constant(SIN_60));
        a[0] = V::add(a[0], sum);
        a[1] = V::add(mid, rot);
        a[2] = V::sub(mid, rot);
    }
}

/// sin(π/3) = √3/2.
const SIN_60: f64 = 0.866_025_403_784_438_6;

/// The 5-point DFT of `a` in place: with `c_k = cos(2πk/5)`, `s_k = sin(2πk/5)`, the pairs
/// `X1, X4 = a0 + c1·(a1+a4) + c2·(a2+a3) ± (∓i)·(s1·(a1−a4) + s2·(a2−a3))` and
/// `X2, X3 = a0 + c2·(a1+a4) + c1·(a2+a3) ± (∓i)·(s2·(a1−a4) − s1·(a2−a3))`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft5<V: Vector, const INV: bool>(a: &mut [V; 5]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        let (c1, c2) = (V::constant(FIVE[0]), V::constant(FIVE[1]));
        let (s1, s2) = (V::constant(FIVE[2]), V::constant(FIVE[3]));
        let (t1, t2) = (V::add(a[1], a[4]), V::add(a[2], a[3]));
        let (t3, t4) = (V::sub(a[1], a[4]), V::sub(a[2], a[3]));
        let m1 = V::fmadd(c2, t2, V::fmadd(c1, t1, a[0]));
        let m2 = V::fmadd(c1, t2, V::fmadd(c2, t1, a[0]));
        let n1 = V::quarter::<INV>(V::fmadd(s2, t4, V::mul(s1, t3)));
        let n2 = V::quarter::<INV>(V::fnmadd(s1, t4, V::mul(s2, t3)));
        a[0] = V::add(a[0], V::add(t1, t2));
        a[1] = V::add(m1, n1);
        a[4] = V::sub(m1, n1);
        a[2] = V::add(m2, n2);
        a[3] = V::sub(m2, n2);
    }
}

/// cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5).
const FIVE: [f64; 4] = [
    0.309_016_994_374_947_45,
    -0.809_016_994_374_947_5,
    0.951_056_516_295_153_5,
    0.587_785_252_292_473_1,
];

/// `cos(πe/8)` and `sin(πe/8)` for `e < 10`: the 16th roots of unity a 16-point DFT's inner
/// twiddles `w16^{n2·k1}` (n2, k1 < 4) need.
const SIXTEENTHS: [(f64, f64); 10] = {
    const C1: f64 = 0.923_879_532_511_286_7;
    const S1: f64 = 0.382_683_432_365_089_8;
    const R: f64 = std::f64::consts::FRAC_1_SQRT_2;
    [
        (1.0, 0.0),
        (C1, S1),
        (R, R),
        (S1, C1),
        (0.0, 1.0),
        (-S1, C1),
        (-R, R),
        (-C1, S1),
        (-1.0, 0.0),
        (-C1, -S1),
    ]
};

/// The 16-point DFT of `a` in place, as a 4×4 array (`a[4·n1 + n2]`): 4-point DFTs down its
/// four columns, the twiddles `w16^{n2·k1}`, then 4-point DFTs along its rows.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft16<V: Vector, const INV: bool>(a: &mut [V; 16]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        let mut b = [[V::zero(); 4]; 4];
        for (n2, column) in b.iter_mut().enumerate() {
            *column = [a[n2], a[4 + n2], a[8 + n2], a[12 + n2]];
            dft4::<V, INV>(column);
        }
        let sign = if INV { 1.0 } else { -1.0 };
        for (n2, column) in b.iter_mut().enumerate().skip(1) {
            for (k1, v) in column.iter_mut().enumerate().skip(1) {
                *v = match n2 * k1 {
                    4 => V::quarter::<INV>(*v),
                    e => {
                        let (c, s) = SIXTEENTHS[e];
                        V::cmul(*v, V::constant(c), V::constant(sign * s))
                    }
                };
            }
        }
        for k1 in 0..4 {
            let mut row = [b[0][k1], b[1][k1], b[2][k1], b[3][k1]];
            dft4::<V, INV>(&mut row);
            for (k2, v) in row.into_iter().enumerate() {
                a[k1 + 4 * k2] = v;
            }
        }
    }
}

/// The `R`-point DFT of `a` in place (`R` is 3, 4, 5, 8 or 16).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn dft<V: Vector, const R: usize, const INV: bool>(a: &mut [V; R]) {
    // SAFETY: AVX-512F, as this function.
    unsafe {
        if let Ok(a) = <&mut [V; 16]>::try_from(&mut a[..]) {
            dft16::<V, INV>(a);
        } else if let Ok(a) = <&mut [V; 8]>::try_from(&mut a[..]) {
            dft8::<V, INV>(a);
        } else if let Ok(a) = <&mut [V; 4]>::try_from(&mut a[..]) {
            dft4::<V, INV>(a);
        } else if let Ok(a) = <&mut [V; 3]>::try_from(&mut a[..]) {
            dft3::<V, INV>(a);
        } else if let Ok(a) = <&mut [V; 5]>::try_from(&mut a[..]) {
            dft5::<V, INV>(a);
        }
    }
}

/// The cache lines of the lane a kernel transforms next, prefetched a few at a time from inside
/// the strided passes of the current lane ([`NextLane::step`] once per butterfly), so the
/// next lane's reads from memory overlap this lane's arithmetic. rustfft's plans, and these
/// passes without it, leave each lane's first pass waiting on memory: a lane of a few KiB is
/// too short for the hardware prefetchers to run ahead, and prefetching the whole next lane
/// at once stalls on the core's line-fill buffers (measured in `Avx512Fft`).
pub(super) struct NextLane {
    next: *const i8,
    end: *const i8,
}

impl NextLane {
    /// Lines prefetched per butterfly: the passes after the first of a 1024-point lane run 80
    /// butterflies for its 128 lines.
    const LINES_PER_STEP: usize = 2;

    /// Nothing to prefetch.
    pub(super) fn none() -> NextLane {
        NextLane {
            next: std::ptr::null(),
            end: std::ptr::null(),
        }
    }

    /// The `bytes` from `start` (never dereferenced: prefetches do not fault).
    pub(super) fn at<F>(start: *const F, bytes: usize) -> NextLane {
        let next = start as *const i8;
        NextLane {
            next,
            end: next.wrapping_add(bytes),
        }
    }

    /// Prefetches the next [`LINES_PER_STEP`](Self::LINES_PER_STEP) lines, if any are left.
    #[inline(always)]
    fn step(&mut self) {
        for _ in 0..Self::LINES_PER_STEP {
            if self.next < self.end {
                // SAFETY: a prefetch has no architectural effect and never faults.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(self.next) };
                self.next = self.next.wrapping_add(64);
            }
        }
    }
}

/// One pass of radix `R` with stride `s = n / l` (a multiple of `V::LANES`), vectorized over `q`.
///
/// `twiddles` holds, for each `p < l / R`, the `R - 1` values `w_l^{k·p}` (k = 1..R) as
/// interleaved (re, im) pairs; it is empty when `l == R` (every twiddle is 1). `x` is read
/// and `y` written in `layouts[0]` and `layouts[1]` ([`Layout`]). Each butterfly also
/// prefetches a step of `next`.
///
/// # Safety
/// AVX-512F must be available; `x` and `y` must be valid for their layout's length of `n`
/// complex values and must not overlap; `l` must divide `n` with `n / l` a multiple of
/// `V::LANES`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn strided<V: Vector, const R: usize, const INV: bool>(
    x: *const V::Float,
    y: *mut V::Float,
    n: usize,
    l: usize,
    twiddles: &[V::Float],
    layouts: [Layout; 2],
    next: &mut NextLane,
) {
    let m = l / R;
    let s = n / l;
    let [from, to] = layouts;
    // SAFETY: AVX-512F (this function's contract); the offsets are in bounds as noted.
    unsafe {
        for p in 0..m {
            let mut w = [(V::zero(), V::zero()); R];
            if m > 1 {
                for (k, wk) in w.iter_mut().enumerate().skip(1) {
                    let at = 2 * ((R - 1) * p + k - 1);
                    *wk = (V::splat(twiddles[at]), V::splat(twiddles[at + 1]));
                }
            }
            for q in (0..s).step_by(V::LANES) {
                let mut a = [V::zero(); R];
                for (r, ar) in a.iter_mut().enumerate() {
                    // q + s·(p + r·m) + LANES ≤ s·l = n.
                    *ar = V::load(x.add(2 * from.at::<V>(q + s * (p + r * m))));
                }
                next.step();
                dft::<V, R, INV>(&mut a);
                for (k, &ak) in a.iter().enumerate() {
                    let v = if k == 0 || m == 1 {
                        ak
                    } else {
                        V::cmul(ak, w[k].0, w[k].1)
                    };
                    // q + s·(R·p + k) + LANES ≤ s·R·m = n.
                    V::store(y.add(2 * to.at::<V>(q + s * (R * p + k))), v);
                }
            }
        }
    }
}

/// The first radix-8 pass of `wide` slabs' columns (`l` points, stride one vector), read
/// straight from the rows it combines: `rows[r]` holds row `p + r·l/8` of the `wide` slabs
/// side by side (one vector per slab), and slab `w` (at `w·stride` floats of `slabs`) gets
/// rows `8p..8p + 8` of the pass's output in `layout`. `twiddles` is the pass's table (as
/// [`strided`] takes it).
///
/// # Safety
/// AVX-512F; each `rows[r]` valid for `16·wide` floats; `slabs` for `wide` slabs of `l` rows
/// in `layout` at `stride` floats apart; `p < l/8`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn radix8_rows_into_slabs<const INV: bool>(
    rows: &[*const f32; 8],
    wide: usize,
    p: usize,
    twiddles: &[f32],
    slabs: *mut f32,
    stride: usize,
    layout: Layout,
) {
    // SAFETY: the caller's contract; `twiddles` holds 7 values for each p < l/8.
    unsafe {
        let tw = twiddles.as_ptr().add(2 * 7 * p);
        let mut w = [(_mm512_setzero_ps(), _mm512_setzero_ps()); 8];
        for (k, wk) in w.iter_mut().enumerate().skip(1) {
            *wk = (_mm512_set1_ps(*tw.add(2 * k - 2)), _mm512_set1_ps(*tw.add(2 * k - 1)));
        }
        for slab in 0..wide {
            let mut a = [_mm512_setzero_ps(); 8];
            for (r, ar) in a.iter_mut().enumerate() {
                *ar = _mm512_loadu_ps(rows[r].add(16 * slab));
            }
            dft8::<__m512, INV>(&mut a);
            let to = slabs.add(slab * stride);
            for (k, &ak) in a.iter().enumerate() {
                let v = if k == 0 {
                    ak
                } else {
                    <__m512 as Vector>::cmul(ak, w[k].0, w[k].1)
                };
                _mm512_storeu_ps(to.add(2 * layout.at::<__m512>(LANES * (8 * p + k))), v);
            }
        }
    }
}

/// Where value `c` of a pass's input or output lies in its buffer: at `c` (dense), or with one
/// spare vector after every 4 KiB of values (padded), so that values a power-of-two multiple of
/// 4 KiB apart, which a pass's butterfly reads and writes together, fall in different L1 sets
/// instead of all in one. The padded layout takes [`Layout::padded_len`] values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    /// `log2` of the values between spare vectors; `usize::BITS − 1` (never reached) if dense.
    shift: u32,
}

impl Layout {
    /// Values at their own index.
    pub(super) const DENSE: Layout = Layout { shift: usize::BITS - 1 };

    /// One spare vector after every 4 KiB of `V`'s complex values.
    pub(super) fn padded<V: Vector>() -> Layout {
        Layout {
            shift: (4096 / (2 * std::mem::size_of::<V::Float>())).trailing_zeros(),
        }
    }

    /// Where value `c` lies (`c` a multiple of `V::LANES`, as every vector access is).
    #[inline(always)]
    pub(super) fn at<V: Vector>(self, c: usize) -> usize {
        c + V::LANES * (c >> self.shift)
    }

    /// The buffer length `n` values take in this layout.
    pub(super) fn padded_len<V: Vector>(self, n: usize) -> usize {
        self.at::<V>(n)
    }
}

/// The first pass: radix 8 over the whole length `n` (stride 1), vectorized over `p`; where
/// `m = n/8` is not a multiple of `V::LANES` the last block of butterflies is partial, its
/// loads masked and only its valid results stored.
///
/// `twiddles` holds, for each block of `V::LANES` consecutive `p` (the last one whole) and
/// each k = 1..8, the values `w_n^{k·p}` interleaved: 7 vectors per block, in the order the
/// loop reads them.
///
/// # Safety
/// AVX-512F must be available; `x` and `y` must be valid for `n` complex values and must not
/// overlap; `n` must be a multiple of 8.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn first_radix8<V: Vector, const INV: bool>(
    x: *const V::Float,
    y: *mut V::Float,
    n: usize,
    twiddles: &[V::Float],
) {
    let m = n / 8;
    let lanes = V::LANES;
    // SAFETY: AVX-512F (this function's contract); the offsets are in bounds as noted.
    unsafe {
        for (block, p0) in (0..m).step_by(lanes).enumerate() {
            // Butterflies in this block: `lanes`, or fewer in a last partial block.
            let count = lanes.min(m - p0);
            let mut a = [V::zero(); 8];
            for (r, ar) in a.iter_mut().enumerate() {
                // p0 + r·m + count ≤ 8m = n.
                let at = x.add(2 * (p0 + r * m));
                *ar = if count == lanes {
                    V::load(at)
                } else {
                    V::load_first(at, count)
                };
            }
            dft8::<V, INV>(&mut a);
            // `twiddles` holds 7 vectors of 2·LANES floats per block.
            let tw = twiddles[block * 7 * 2 * lanes..(block + 1) * 7 * 2 * lanes].as_ptr();
            for (k, ak) in a.iter_mut().enumerate().skip(1) {
                *ak = V::cmul_interleaved(*ak, V::load(tw.add((k - 1) * 2 * lanes)));
            }
            // Vector i holds results 8·p0 + i·LANES onwards: those of butterflies below
            // p0 + count for i < 8·count / LANES.
            for (i, v) in V::transpose_blocks(a).into_iter().enumerate().take(8 * count / lanes) {
                // 8·p0 + (i + 1)·LANES ≤ 8·(p0 + count) ≤ 8m = n.
                V::store(y.add(2 * (8 * p0 + i * lanes)), v);
            }
        }
    }
}

/// Values `0..len` of eight lanes (lane `c` at complex offset `c·stride` of `src`) into the
/// rows of `slab`: row `j` holds the eight lanes' value `j`, at `16·j` floats.
///
/// # Safety
/// AVX-512F; `len` a multiple of 8; `src` valid for reads of `7·stride + len` complex values
/// and `slab` for writes of `8·len`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn lanes_to_slab(src: *const f32, stride: usize, len: usize, slab: *mut f32) {
    // SAFETY: lane c's values j..j+8 lie at 2·(c·stride + j) floats in `src`, slab rows
    // j..j+8 at 16·j floats in `slab` (the caller's contract).
    unsafe {
        for j in (0..len).step_by(LANES) {
            let mut rows = [_mm512_setzero_ps(); LANES];
            for (c, row) in rows.iter_mut().enumerate() {
                *row = _mm512_loadu_ps(src.add(2 * (c * stride + j)));
            }
            for (jj, v) in transpose8(rows).iter().enumerate() {
                _mm512_storeu_ps(slab.add(2 * LANES * (j + jj)), *v);
            }
        }
    }
}

/// The inverse of [`lanes_to_slab`]: rows `0..len` of `slab` back out to eight lanes of `dst`
/// (lane `c` at complex offset `c·stride`).
///
/// # Safety
/// AVX-512F; `len` a multiple of 8; `slab` valid for reads of `8·len` complex values and `dst`
/// for writes of `7·stride + len`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn slab_to_lanes(slab: *const f32, len: usize, dst: *mut f32, stride: usize) {
    // SAFETY: as in `lanes_to_slab`, reading the slab and writing the lanes.
    unsafe {
        for j in (0..len).step_by(LANES) {
            let mut rows = [_mm512_setzero_ps(); LANES];
            for (jj, row) in rows.iter_mut().enumerate() {
                *row = _mm512_loadu_ps(slab.add(2 * LANES * (j + jj)));
            }
            for (c, v) in transpose8(rows).iter().enumerate() {
                _mm512_storeu_ps(dst.add(2 * (c * stride + j)), *v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_padded_layout_is_one_to_one_and_spreads_4_kib_strides_over_cache_sets() {
        let padded = Layout::padded::<__m512>();
        let n = 8 * 4096;
        let spots: Vec<usize> = (0..n).step_by(LANES).map(|c| padded.at::<__m512>(c)).collect();
        assert!(
            spots.windows(2).all(|w| w[0] + LANES <= w[1]),
            "increasing, a vector apart"
        );
        assert!(spots.last().unwrap() + LANES <= padded.padded_len::<__m512>(n));
        assert_eq!(padded.padded_len::<__m512>(n), n + n / 512 * LANES);
        // Eight values 4 KiB (512 complex f32) or 32 KiB apart: eight different L1 sets of 64
        // lines (line = one vector) padded, one set dense.
        for apart in [512, 4096] {
            let sets = |layout: Layout| {
                let mut sets: Vec<usize> = (0..8).map(|r| layout.at::<__m512>(r * apart) / LANES % 64).collect();
                sets.sort_unstable();
                sets.dedup();
                sets.len()
            };
            assert_eq!((sets(Layout::DENSE), sets(padded)), (1, 8), "{apart} apart");
        }
        assert_eq!(Layout::DENSE.at::<__m512>(n), n);
    }
}
