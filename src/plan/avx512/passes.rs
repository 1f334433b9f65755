//! The AVX-512 Stockham passes: radix-8, 5, 4 and 3 butterflies on eight complex f32 at a time.
//!
//! A pass of radix `R` over sub-transforms of length `l` (stride `s = n / l`, `m = l / R`) reads
//! `x[q + s·(p + r·m)]` for `r < R` and writes `y[q + s·(R·p + k)] = w_l^{k·p} · DFT_R(..)[k]`
//! (OTFFT's formulation of the Stockham autosort: no bit reversal, every pass streams). Passes
//! with `s ≥ 8` vectorize over `q`; the first pass (`s = 1`) vectorizes over `p` and transposes
//! its 8×8 block of results in registers so its stores are contiguous too.
//!
//! Every function here needs AVX-512F; callers check for it once, when the plan is made.

use std::arch::x86_64::*;

/// Complex values per vector.
pub(super) const LANES: usize = 8;

/// `a · w` for eight complex values, `w` given as its real and imaginary parts broadcast to
/// both halves of each complex slot (`[wr, wr, ..]`, `[wi, wi, ..]`).
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn cmul(a: __m512, wr: __m512, wi: __m512) -> __m512 {
    let swapped = _mm512_permute_ps::<0b1011_0001>(a);
    _mm512_fmaddsub_ps(a, wr, _mm512_mul_ps(swapped, wi))
}

/// `a · w` for eight complex values with `w` interleaved (`[w0r, w0i, w1r, w1i, ..]`).
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn cmul_interleaved(a: __m512, w: __m512) -> __m512 {
    cmul(a, _mm512_moveldup_ps(w), _mm512_movehdup_ps(w))
}

/// `v · (-i)` (forward) or `v · i` (inverse): the DFT's quarter turn.
#[inline]
#[target_feature(enable = "avx512f")]
fn quarter<const INV: bool>(v: __m512) -> __m512 {
    let swapped = _mm512_castps_si512(_mm512_permute_ps::<0b1011_0001>(v));
    // (x + iy)·(-i) = y - ix: negate the new imaginary (odd) slots; ·i negates the even ones.
    let sign = if INV {
        _mm512_set1_epi64(0x8000_0000)
    } else {
        _mm512_set1_epi64(0x8000_0000_0000_0000_u64 as i64)
    };
    _mm512_castsi512_ps(_mm512_xor_si512(swapped, sign))
}

/// The 4-point DFT of `a` in place.
#[inline]
#[target_feature(enable = "avx512f")]
fn dft4<const INV: bool>(a: &mut [__m512; 4]) {
    let apc = _mm512_add_ps(a[0], a[2]);
    let amc = _mm512_sub_ps(a[0], a[2]);
    let bpd = _mm512_add_ps(a[1], a[3]);
    let jbmd = quarter::<INV>(_mm512_sub_ps(a[1], a[3]));
    a[0] = _mm512_add_ps(apc, bpd);
    a[1] = _mm512_add_ps(amc, jbmd);
    a[2] = _mm512_sub_ps(apc, bpd);
    a[3] = _mm512_sub_ps(amc, jbmd);
}

/// The 8-point DFT of `a` in place: two 4-point DFTs of the even and odd points, combined.
#[inline]
#[target_feature(enable = "avx512f")]
fn dft8<const INV: bool>(a: &mut [__m512; 8]) {
    let mut even = [a[0], a[2], a[4], a[6]];
    let mut odd = [a[1], a[3], a[5], a[7]];
    dft4::<INV>(&mut even);
    dft4::<INV>(&mut odd);
    let half_sqrt2 = _mm512_set1_ps(std::f32::consts::FRAC_1_SQRT_2);
    let o1 = odd[1];
    let jo1 = quarter::<INV>(o1);
    let jo3 = quarter::<INV>(odd[3]);
    // w8 = (1 ∓ i)/√2, w8³ = (-1 ∓ i)/√2: both are sums of v and its quarter turn.
    let t = [
        odd[0],
        _mm512_mul_ps(_mm512_add_ps(o1, jo1), half_sqrt2),
        quarter::<INV>(odd[2]),
        _mm512_mul_ps(_mm512_sub_ps(jo3, odd[3]), half_sqrt2),
    ];
    for k in 0..4 {
        a[k] = _mm512_add_ps(even[k], t[k]);
        a[k + 4] = _mm512_sub_ps(even[k], t[k]);
    }
}

/// The 3-point DFT of `a` in place: with `w = e^{∓2πi/3} = −1/2 ∓ i·√3/2`,
/// `X1, X2 = a0 − (a1 + a2)/2 ± (∓i)·(√3/2)·(a1 − a2)`.
#[inline]
#[target_feature(enable = "avx512f")]
fn dft3<const INV: bool>(a: &mut [__m512; 3]) {
    let sum = _mm512_add_ps(a[1], a[2]);
    let mid = _mm512_fnmadd_ps(sum, _mm512_set1_ps(0.5), a[0]);
    let rot = _mm512_mul_ps(quarter::<INV>(_mm512_sub_ps(a[1], a[2])), _mm512_set1_ps(SIN_60));
    a[0] = _mm512_add_ps(a[0], sum);
    a[1] = _mm512_add_ps(mid, rot);
    a[2] = _mm512_sub_ps(mid, rot);
}

/// sin(π/3) = √3/2.
const SIN_60: f32 = 0.866_025_4;

/// The 5-point DFT of `a` in place: with `c_k = cos(2πk/5)`, `s_k = sin(2πk/5)`, the pairs
/// `X1, X4 = a0 + c1·(a1+a4) + c2·(a2+a3) ± (∓i)·(s1·(a1−a4) + s2·(a2−a3))` and
/// `X2, X3 = a0 + c2·(a1+a4) + c1·(a2+a3) ± (∓i)·(s2·(a1−a4) − s1·(a2−a3))`.
#[inline]
#[target_feature(enable = "avx512f")]
fn dft5<const INV: bool>(a: &mut [__m512; 5]) {
    let (c1, c2) = (_mm512_set1_ps(FIVE[0]), _mm512_set1_ps(FIVE[1]));
    let (s1, s2) = (_mm512_set1_ps(FIVE[2]), _mm512_set1_ps(FIVE[3]));
    let (t1, t2) = (_mm512_add_ps(a[1], a[4]), _mm512_add_ps(a[2], a[3]));
    let (t3, t4) = (_mm512_sub_ps(a[1], a[4]), _mm512_sub_ps(a[2], a[3]));
    let m1 = _mm512_fmadd_ps(c2, t2, _mm512_fmadd_ps(c1, t1, a[0]));
    let m2 = _mm512_fmadd_ps(c1, t2, _mm512_fmadd_ps(c2, t1, a[0]));
    let n1 = quarter::<INV>(_mm512_fmadd_ps(s2, t4, _mm512_mul_ps(s1, t3)));
    let n2 = quarter::<INV>(_mm512_fnmadd_ps(s1, t4, _mm512_mul_ps(s2, t3)));
    a[0] = _mm512_add_ps(a[0], _mm512_add_ps(t1, t2));
    a[1] = _mm512_add_ps(m1, n1);
    a[4] = _mm512_sub_ps(m1, n1);
    a[2] = _mm512_add_ps(m2, n2);
    a[3] = _mm512_sub_ps(m2, n2);
}

/// cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5), rounded from f64.
const FIVE: [f32; 4] = [
    0.309_016_994_374_947_45_f64 as f32,
    -0.809_016_994_374_947_5_f64 as f32,
    0.951_056_516_295_153_5_f64 as f32,
    0.587_785_252_292_473_1_f64 as f32,
];

/// The `R`-point DFT of `a` in place (`R` is 3, 4, 5 or 8).
#[inline]
#[target_feature(enable = "avx512f")]
fn dft<const R: usize, const INV: bool>(a: &mut [__m512; R]) {
    if let Ok(a) = <&mut [__m512; 8]>::try_from(&mut a[..]) {
        dft8::<INV>(a);
    } else if let Ok(a) = <&mut [__m512; 4]>::try_from(&mut a[..]) {
        dft4::<INV>(a);
    } else if let Ok(a) = <&mut [__m512; 3]>::try_from(&mut a[..]) {
        dft3::<INV>(a);
    } else if let Ok(a) = <&mut [__m512; 5]>::try_from(&mut a[..]) {
        dft5::<INV>(a);
    }
}

/// One pass of radix `R` with stride `s = n / l ≥ 8`, vectorized over `q`.
///
/// `twiddles` holds, for each `p < l / R`, the `R - 1` values `w_l^{k·p}` (k = 1..R) as
/// interleaved (re, im) pairs; it is empty when `l == R` (every twiddle is 1).
///
/// # Safety
/// AVX-512F must be available; `x` and `y` must be valid for `n` complex values (`2n` floats)
/// and must not overlap; `l` must divide `n` with `n / l` a multiple of 8.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn strided<const R: usize, const INV: bool>(
    x: *const f32,
    y: *mut f32,
    n: usize,
    l: usize,
    twiddles: &[f32],
) {
    let m = l / R;
    let s = n / l;
    for p in 0..m {
        let mut w = [(_mm512_setzero_ps(), _mm512_setzero_ps()); R];
        if m > 1 {
            for (k, wk) in w.iter_mut().enumerate().skip(1) {
                let at = 2 * ((R - 1) * p + k - 1);
                *wk = (_mm512_set1_ps(twiddles[at]), _mm512_set1_ps(twiddles[at + 1]));
            }
        }
        for q in (0..s).step_by(LANES) {
            let mut a = [_mm512_setzero_ps(); R];
            for (r, ar) in a.iter_mut().enumerate() {
                // SAFETY: q + s·(p + r·m) + 8 ≤ s·l = n.
                *ar = unsafe { _mm512_loadu_ps(x.add(2 * (q + s * (p + r * m)))) };
            }
            dft::<R, INV>(&mut a);
            for (k, &ak) in a.iter().enumerate() {
                let v = if k == 0 || m == 1 { ak } else { cmul(ak, w[k].0, w[k].1) };
                // SAFETY: q + s·(R·p + k) + 8 ≤ s·R·m = n.
                unsafe { _mm512_storeu_ps(y.add(2 * (q + s * (R * p + k))), v) };
            }
        }
    }
}

/// The first pass: radix 8 over the whole length `n` (stride 1), vectorized over `p`.
///
/// `twiddles` holds, for each block of 8 consecutive `p` and each k = 1..8, the eight values
/// `w_n^{k·p}` interleaved: 7 vectors per block, in the order the loop reads them.
///
/// # Safety
/// AVX-512F must be available; `x` and `y` must be valid for `n` complex values and must not
/// overlap; `n` must be a multiple of 64.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn first_radix8<const INV: bool>(x: *const f32, y: *mut f32, n: usize, twiddles: &[f32]) {
    let m = n / 8;
    for (block, p0) in (0..m).step_by(LANES).enumerate() {
        let mut a = [_mm512_setzero_ps(); 8];
        for (r, ar) in a.iter_mut().enumerate() {
            // SAFETY: p0 + r·m + 8 ≤ 8m = n.
            *ar = unsafe { _mm512_loadu_ps(x.add(2 * (p0 + r * m))) };
        }
        dft8::<INV>(&mut a);
        let tw = &twiddles[block * 7 * 2 * LANES..(block + 1) * 7 * 2 * LANES];
        for (k, ak) in a.iter_mut().enumerate().skip(1) {
            // SAFETY: `tw` holds 7 vectors of 16 floats.
            let w = unsafe { _mm512_loadu_ps(tw.as_ptr().add((k - 1) * 2 * LANES)) };
            *ak = cmul_interleaved(*ak, w);
        }
        let rows = transpose8(a);
        for (j, row) in rows.iter().enumerate() {
            // SAFETY: 8·(p0 + j) + 8 ≤ 8m = n.
            unsafe { _mm512_storeu_ps(y.add(2 * 8 * (p0 + j)), *row) };
        }
    }
}

/// The 8×8 transpose of complex values: row `j` of the result is `[a[0][j], .., a[7][j]]`.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn transpose8(a: [__m512; 8]) -> [__m512; 8] {
    let mut d = [_mm512_setzero_pd(); 8];
    for (di, &ai) in d.iter_mut().zip(&a) {
        *di = _mm512_castps_pd(ai);
    }
    // t[2i + e] pairs (a[2i], a[2i+1]) at columns 2c + e, in 128-bit lane c.
    let t = [
        _mm512_unpacklo_pd(d[0], d[1]),
        _mm512_unpackhi_pd(d[0], d[1]),
        _mm512_unpacklo_pd(d[2], d[3]),
        _mm512_unpackhi_pd(d[2], d[3]),
        _mm512_unpacklo_pd(d[4], d[5]),
        _mm512_unpackhi_pd(d[4], d[5]),
        _mm512_unpacklo_pd(d[6], d[7]),
        _mm512_unpackhi_pd(d[6], d[7]),
    ];
    let mut out = [_mm512_setzero_ps(); 8];
    for e in 0..2 {
        let lo01 = _mm512_shuffle_f64x2::<0x44>(t[e], t[2 + e]);
        let hi01 = _mm512_shuffle_f64x2::<0xEE>(t[e], t[2 + e]);
        let lo23 = _mm512_shuffle_f64x2::<0x44>(t[4 + e], t[6 + e]);
        let hi23 = _mm512_shuffle_f64x2::<0xEE>(t[4 + e], t[6 + e]);
        out[e] = _mm512_castpd_ps(_mm512_shuffle_f64x2::<0x88>(lo01, lo23));
        out[e + 2] = _mm512_castpd_ps(_mm512_shuffle_f64x2::<0xDD>(lo01, lo23));
        out[e + 4] = _mm512_castpd_ps(_mm512_shuffle_f64x2::<0x88>(hi01, hi23));
        out[e + 6] = _mm512_castpd_ps(_mm512_shuffle_f64x2::<0xDD>(hi01, hi23));
    }
    out
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
