//! The register operations the Stockham passes are written in, for AVX-512 vectors of f32 and of f64.
//!
//! `passes.rs` writes its butterflies once, generic over [`Vector`]; `__m512` (eight complex
//! f32) and `__m512d` (four complex f64) implement it. Complex values are interleaved
//! `(re, im)` pairs, so a vector holds [`Vector::LANES`] of them.
//!
//! Every method needs AVX-512F (it is `unsafe` for that reason alone, plus the pointer ones'
//! validity); callers check for it once, when the plan is made.

use std::arch::x86_64::*;

/// An AVX-512 register of interleaved complex values.
pub(super) trait Vector: Copy {
    /// The precision: f32 or f64.
    type Float: Copy + 'static;
    /// Complex values per vector.
    const LANES: usize;

    /// `LANES` complex values from `p`.
    unsafe fn load(p: *const Self::Float) -> Self;
    /// `v` to `LANES` complex values at `p`.
    unsafe fn store(p: *mut Self::Float, v: Self);
    /// The first `count` (< `LANES`) complex values at `p`, the other slots zero; nothing past
    /// them is read.
    unsafe fn load_first(p: *const Self::Float, count: usize) -> Self;
    /// `x` in every slot.
    unsafe fn splat(x: Self::Float) -> Self;
    /// `x` rounded to the precision, in every slot.
    unsafe fn constant(x: f64) -> Self;
    unsafe fn zero() -> Self;
    unsafe fn add(a: Self, b: Self) -> Self;
    unsafe fn sub(a: Self, b: Self) -> Self;
    unsafe fn mul(a: Self, b: Self) -> Self;
    /// `a·b + c`.
    unsafe fn fmadd(a: Self, b: Self, c: Self) -> Self;
    /// `c − a·b`.
    unsafe fn fnmadd(a: Self, b: Self, c: Self) -> Self;
    /// `a · w` for each complex slot, `w` given as its real and imaginary parts broadcast to
    /// both halves of each slot (`[wr, wr, ..]`, `[wi, wi, ..]`).
    unsafe fn cmul(a: Self, wr: Self, wi: Self) -> Self;
    /// `a · w` with `w` interleaved (`[w0r, w0i, w1r, w1i, ..]`).
    unsafe fn cmul_interleaved(a: Self, w: Self) -> Self;
    /// `v · (−i)` (forward) or `v · i` (inverse): the DFT's quarter turn.
    unsafe fn quarter<const INV: bool>(v: Self) -> Self;
    /// The first pass's results in store order: with `a[k]` holding output `k` of `LANES`
    /// consecutive butterflies `j`, the vectors of the row-major `[j][k]` block
    /// (`LANES × 8` complex values).
    unsafe fn transpose_blocks(a: [Self; 8]) -> [Self; 8];
}

/// The methods of [`Vector`] that are one intrinsic each, given the intrinsics' names in the
/// order of the parameters.
macro_rules! one_intrinsic_ops {
    ($float:ty; $load:ident, $store:ident, $set1:ident, $setzero:ident, $add:ident, $sub:ident, $mul:ident,
     $fmadd:ident, $fnmadd:ident) => {
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn load(p: *const $float) -> Self {
            // SAFETY: the caller's contract.
            unsafe { $load(p) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn store(p: *mut $float, v: Self) {
            // SAFETY: the caller's contract.
            unsafe { $store(p, v) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn splat(x: $float) -> Self {
            $set1(x)
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn constant(x: f64) -> Self {
            $set1(num_traits::AsPrimitive::<$float>::as_(x))
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn zero() -> Self {
            $setzero()
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn add(a: Self, b: Self) -> Self {
            $add(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn sub(a: Self, b: Self) -> Self {
            $sub(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn mul(a: Self, b: Self) -> Self {
            $mul(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn fmadd(a: Self, b: Self, c: Self) -> Self {
            $fmadd(a, b, c)
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        unsafe fn fnmadd(a: Self, b: Self, c: Self) -> Self {
            $fnmadd(a, b, c)
        }
    };
}

impl Vector for __m512 {
    type Float = f32;
    const LANES: usize = 8;

    one_intrinsic_ops!(f32; _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_fmadd_ps, _mm512_fnmadd_ps);

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load_first(p: *const f32, count: usize) -> Self {
        // SAFETY: the masked slots are not read (the caller's contract covers the others).
        unsafe { _mm512_maskz_loadu_ps(((1u32 << (2 * count)) - 1) as __mmask16, p) }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn cmul(a: Self, wr: Self, wi: Self) -> Self {
        let swapped = _mm512_permute_ps::<0b1011_0001>(a);
        _mm512_fmaddsub_ps(a, wr, _mm512_mul_ps(swapped, wi))
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn cmul_interleaved(a: Self, w: Self) -> Self {
        // SAFETY: AVX-512F, as this function.
        unsafe { Self::cmul(a, _mm512_moveldup_ps(w), _mm512_movehdup_ps(w)) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn quarter<const INV: bool>(v: Self) -> Self {
        let swapped = _mm512_castps_si512(_mm512_permute_ps::<0b1011_0001>(v));
        // (x + iy)·(-i) = y - ix: negate the new imaginary (odd) slots; ·i negates the even ones.
        let sign = if INV {
            _mm512_set1_epi64(0x8000_0000)
        } else {
            _mm512_set1_epi64(0x8000_0000_0000_0000_u64 as i64)
        };
        _mm512_castsi512_ps(_mm512_xor_si512(swapped, sign))
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn transpose_blocks(a: [Self; 8]) -> [Self; 8] {
        transpose8(a)
    }
}

impl Vector for __m512d {
    type Float = f64;
    const LANES: usize = 4;

    one_intrinsic_ops!(f64; _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd, _mm512_setzero_pd, _mm512_add_pd, _mm512_sub_pd, _mm512_mul_pd, _mm512_fmadd_pd, _mm512_fnmadd_pd);

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load_first(p: *const f64, count: usize) -> Self {
        // SAFETY: the masked slots are not read (the caller's contract covers the others).
        unsafe { _mm512_maskz_loadu_pd(((1u32 << (2 * count)) - 1) as __mmask8, p) }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn cmul(a: Self, wr: Self, wi: Self) -> Self {
        // 0b0101_0101: each slot takes the other half of its complex value (re ↔ im).
        let swapped = _mm512_permute_pd::<0b0101_0101>(a);
        _mm512_fmaddsub_pd(a, wr, _mm512_mul_pd(swapped, wi))
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn cmul_interleaved(a: Self, w: Self) -> Self {
        // SAFETY: AVX-512F, as this function.
        unsafe { Self::cmul(a, _mm512_movedup_pd(w), _mm512_permute_pd::<0b1111_1111>(w)) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn quarter<const INV: bool>(v: Self) -> Self {
        let swapped = _mm512_castpd_si512(_mm512_permute_pd::<0b0101_0101>(v));
        // As for f32: ·(−i) negates the new imaginary (odd) slots, ·i the real (even) ones.
        let s = i64::MIN;
        let sign = if INV {
            _mm512_set_epi64(0, s, 0, s, 0, s, 0, s)
        } else {
            _mm512_set_epi64(s, 0, s, 0, s, 0, s, 0)
        };
        _mm512_castsi512_pd(_mm512_xor_si512(swapped, sign))
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn transpose_blocks(a: [Self; 8]) -> [Self; 8] {
        // Row j of the block is outputs 0..4 of butterfly j, then outputs 4..8.
        let low = transpose4([a[0], a[1], a[2], a[3]]);
        let high = transpose4([a[4], a[5], a[6], a[7]]);
        [low[0], high[0], low[1], high[1], low[2], high[2], low[3], high[3]]
    }
}

/// The 4×4 transpose of complex f64 values: row `j` of the result is `[a[0][j], .., a[3][j]]`.
#[inline]
#[target_feature(enable = "avx512f")]
fn transpose4(a: [__m512d; 4]) -> [__m512d; 4] {
    let t0 = _mm512_shuffle_f64x2::<0x44>(a[0], a[1]);
    let t1 = _mm512_shuffle_f64x2::<0xEE>(a[0], a[1]);
    let t2 = _mm512_shuffle_f64x2::<0x44>(a[2], a[3]);
    let t3 = _mm512_shuffle_f64x2::<0xEE>(a[2], a[3]);
    [
        _mm512_shuffle_f64x2::<0x88>(t0, t2),
        _mm512_shuffle_f64x2::<0xDD>(t0, t2),
        _mm512_shuffle_f64x2::<0x88>(t1, t3),
        _mm512_shuffle_f64x2::<0xDD>(t1, t3),
    ]
}

/// The 8×8 transpose of complex f32 values: row `j` of the result is `[a[0][j], .., a[7][j]]`.
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
