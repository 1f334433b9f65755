//! The four-step split of one huge complex transform, so that it runs on every core and in cache.
//!
//! A length `n = n1·n2` transform of `x` is, with `j = j1 + n1·j2` and `k = k2 + n2·k1`,
//!
//! ```text
//! X[k2 + n2·k1] = Σ_j1 w_n1^(j1·k1) · w_n^(j1·k2) · Σ_j2 w_n2^(j2·k2) · x[j1 + n1·j2]
//! ```
//!
//! so it runs as two passes of short, in-cache transforms, each over tiles of neighbouring
//! columns so every memory access uses whole cache lines:
//!
//! 1. for each `j1`, the `n2`-point transform of the column `x[j1 + n1·j2]`, times the twiddle
//!    `w_n^(j1·k2)`, written as row `j1` of a temporary (`n1` rows of `n2`);
//! 2. for each `k2`, the `n1`-point transform of the temporary's column `k2`, written to
//!    `X[k2 + n2·k1]`.
//!
//! Twiddles come from two tables computed in f64 (`w^m = hi[m >> b] · lo[m & (2^b − 1)]`), so
//! they are exact to f64 rounding at any length without `n` stored values. rustfft plans one
//! transform at a time and has no such split, hence this module.

use std::sync::Arc;

use num_complex::Complex;
use rayon::prelude::*;
use rustfft::Fft;

use super::buffer::{try_filled, SyncPtr};
use crate::{Float, Result};

/// Lengths from which a lone complex lane is split. Measured on 2 cores (f32, one lane, against
/// rustfft on one core): 2^18 0.8x, 2^20 1.0x, 2^22 1.6x, 2^24 1.8x; below 2^21 the whole
/// lane sits in the large shared L3 and rustfft alone is as fast.
pub(crate) const FOUR_STEP_MIN_LEN: usize = 1 << 21;
/// Shortest factor worth a split (shorter factors make the column passes scattered).
const MIN_FACTOR: usize = 64;
/// Length of the runs of a row that share one far twiddle factor (see `FourStep::twiddle`).
const TWIDDLE_RUN: usize = 64;
/// Bytes of one row segment a column tile reads (eight cache lines: fewer pages touched per element).
const TILE_ROW_BYTES: usize = 512;

/// A planned four-step transform of one length and direction.
pub(crate) struct FourStep<T: Float> {
    n1: usize,
    n2: usize,
    /// The `n2`-point transform of pass 1 and the `n1`-point transform of pass 2.
    first: Arc<dyn Fft<T>>,
    second: Arc<dyn Fft<T>>,
    bits: u32,
    hi: Vec<Complex<f64>>,
    lo: Vec<Complex<f64>>,
}

/// The factor of `n` nearest below √n, if it is at least [`MIN_FACTOR`].
fn split(n: usize) -> Option<(usize, usize)> {
    let root = (n as f64).sqrt() as usize;
    let n1 = (MIN_FACTOR..=root).rev().find(|d| n % d == 0)?;
    Some((n1, n / n1))
}

/// `e^(∓2πi·m/n)` for `m` in `range`, in f64.
fn roots(n: usize, inverse: bool, ms: impl Iterator<Item = usize>) -> Vec<Complex<f64>> {
    let sign = if inverse { 1.0 } else { -1.0 };
    ms.map(|m| {
        let (s, c) = (std::f64::consts::TAU * (m % n) as f64 / n as f64).sin_cos();
        Complex::new(c, sign * s)
    })
    .collect()
}

impl<T: Float> FourStep<T> {
    /// The split of a length-`n` transform, or `None` when `n` has no factor pair worth it.
    pub(crate) fn new(n: usize, inverse: bool) -> Result<Option<Self>> {
        let Some((n1, n2)) = split(n) else {
            return Ok(None);
        };
        let plans = T::plans();
        let bits = (usize::BITS - n.leading_zeros()).div_ceil(2);
        Ok(Some(FourStep {
            n1,
            n2,
            first: plans.complex(n2, inverse)?,
            second: plans.complex(n1, inverse)?,
            bits,
            hi: roots(n, inverse, (0..=(n >> bits)).map(|q| q << bits)),
            lo: roots(n, inverse, 0..1 << bits),
        }))
    }

    /// Columns per tile: one tile row fills [`TILE_ROW_BYTES`].
    fn tile(&self) -> usize {
        (TILE_ROW_BYTES / std::mem::size_of::<Complex<T>>()).max(1)
    }

    /// Transforms the lane `src[..len_src]` (read through `load`, zero-padded or truncated to
    /// `n`) into `dst[..n]`, then applies `post` to it, using `temp` ([`temp_len`](Self::temp_len)
    /// elements).
    ///
    /// # Safety
    /// `src` must be valid for reads of `len_src` elements and must not overlap `dst`.
    pub(crate) unsafe fn run<A, L, P>(
        &self,
        src: *const A,
        len_src: usize,
        load: &L,
        dst: &mut [Complex<T>],
        temp: &mut [Complex<T>],
        post: &P,
    ) -> Result<()>
    where
        A: Copy + Send + Sync,
        L: Fn(A) -> Complex<T> + Sync,
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        let (n1, n2, w) = (self.n1, self.n2, self.tile());
        // Rows of `temp` and lanes of the pass-2 work buffer are padded by a cache line, so
        // the `w` streams of a tile do not all map to the same cache sets.
        let pad = 64 / std::mem::size_of::<Complex<T>>();
        let (s1, s2) = (n1 + pad, n2 + pad);
        let src = SyncPtr(src as *mut A);
        let scratch_len = |f: &Arc<dyn Fft<T>>| f.get_inplace_scratch_len();
        // Pass 1: columns j1 of the n2 x n1 input into rows j1 of `temp`, with twiddles.
        temp[..n1 * s2].par_chunks_mut(w * s2).enumerate().try_for_each_init(
            || -> Result<_> {
                Ok((
                    try_filled::<Complex<T>>(scratch_len(&self.first), "scratch buffer")?,
                    try_filled::<Complex<T>>(TWIDDLE_RUN + n2.div_ceil(TWIDDLE_RUN), "twiddle buffer")?,
                ))
            },
            |bufs, (tile, rows)| -> Result<()> {
                let (scratch, factors) = bufs.as_mut().map_err(|e| e.clone())?;
                let j1_first = tile * w;
                let cols = rows.len() / s2;
                // Blocks of input rows, so each read is `cols` neighbouring elements and each
                // write a run of `BLOCK`.
                const BLOCK: usize = 16;
                for j2_first in (0..n2).step_by(BLOCK) {
                    let j2_end = (j2_first + BLOCK).min(n2);
                    if j1_first + cols + n1 * (j2_end - 1) <= len_src {
                        // The whole block is inside the source: read it row by row.
                        for j2 in j2_first..j2_end {
                            // SAFETY: the block lies inside the source (checked just above).
                            let from = unsafe { std::slice::from_raw_parts(src.get().add(j1_first + n1 * j2), cols) };
                            for (c, &x) in from.iter().enumerate() {
                                rows[c * s2 + j2] = load(x);
                            }
                        }
                        continue;
                    }
                    for c in 0..cols {
                        let block = &mut rows[c * s2 + j2_first..c * s2 + j2_end];
                        for (v, j2) in block.iter_mut().zip(j2_first..) {
                            let j = j1_first + c + n1 * j2;
                            // SAFETY: `j < len_src` is inside the source, which outlives this call.
                            *v = if j < len_src {
                                load(unsafe { *src.get().add(j) })
                            } else {
                                Complex::default()
                            };
                        }
                    }
                }
                for c in 0..cols {
                    let row = &mut rows[c * s2..c * s2 + n2];
                    self.first.process_with_scratch(row, scratch);
                    self.twiddle(row, j1_first + c, factors);
                }
                Ok(())
            },
        )?;
        // Pass 2: columns k2 of `temp` (n1 rows of n2) into X[k2 + n2·k1].
        let out = SyncPtr(dst.as_mut_ptr());
        let temp = &*temp;
        (0..n2.div_ceil(w)).into_par_iter().try_for_each_init(
            || -> Result<_> {
                Ok((
                    try_filled::<Complex<T>>(w * s1, "work buffer")?,
                    try_filled::<Complex<T>>(scratch_len(&self.second), "scratch buffer")?,
                ))
            },
            |bufs, tile| -> Result<()> {
                let (work, scratch) = bufs.as_mut().map_err(|e| e.clone())?;
                let k2_first = tile * w;
                let cols = w.min(n2 - k2_first);
                for j1 in 0..n1 {
                    let row = &temp[j1 * s2 + k2_first..j1 * s2 + k2_first + cols];
                    for (c, &v) in row.iter().enumerate() {
                        work[c * s1 + j1] = v;
                    }
                }
                for c in 0..cols {
                    let lane = &mut work[c * s1..c * s1 + n1];
                    self.second.process_with_scratch(lane, scratch);
                    post(lane);
                }
                for k1 in 0..n1 {
                    for c in 0..cols {
                        // SAFETY: X[k2 + n2·k1] for this tile's k2 only; tiles are disjoint.
                        unsafe { *out.get().add(k2_first + c + n2 * k1) = work[c * s1 + k1] };
                    }
                }
                Ok(())
            },
        )
    }

    /// Elements of the temporary [`run`](Self::run) needs.
    pub(crate) fn temp_len(&self) -> usize {
        self.n1 * (self.n2 + 64 / std::mem::size_of::<Complex<T>>())
    }

    /// `w_n^m` for `m < n`, from the f64 tables, rounded to `T`.
    fn root(&self, m: usize) -> Complex<T> {
        let w = self.hi[m >> self.bits] * self.lo[m & ((1usize << self.bits) - 1)];
        Complex::new(
            T::from(w.re).unwrap_or_else(T::zero),
            T::from(w.im).unwrap_or_else(T::zero),
        )
    }

    /// Multiplies `row[k2]` by `w_n^(j1·k2)`.
    ///
    /// With `k2 = a + R·b` (`R` = [`TWIDDLE_RUN`]), `w^(j1·k2) = w^(j1·a) · w^(j1·R·b)`: the
    /// row's `R + n2/R` factors are computed exactly (f64 tables, rounded once to `T`) into
    /// `factors`, and each element costs two complex products in `T`, which vectorize (a
    /// per-element f64 evaluation took 12% of a one-thread 2^22 transform). The extra
    /// rounding is about 2 ulp per element, far below the transforms' own error.
    fn twiddle(&self, row: &mut [Complex<T>], j1: usize, factors: &mut [Complex<T>]) {
        let n = self.n1 * self.n2;
        let (near, far) = factors.split_at_mut(TWIDDLE_RUN);
        let step = |k: usize| (j1 as u128 * k as u128 % n as u128) as usize;
        for (a, f) in near.iter_mut().enumerate() {
            *f = self.root(step(a));
        }
        for (b, f) in far.iter_mut().enumerate() {
            *f = self.root(step(b * TWIDDLE_RUN));
        }
        for (run, &c) in row.chunks_mut(TWIDDLE_RUN).zip(far.iter()) {
            for (v, &a) in run.iter_mut().zip(near.iter()) {
                *v = *v * (a * c);
            }
        }
    }

    /// The transform length.
    pub(crate) fn len(&self) -> usize {
        self.n1 * self.n2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustfft::FftPlanner;

    /// ‖four-step − rustfft‖ / ‖rustfft‖ for one lane of `len_src` values padded or cut to `n`.
    fn error<T: Float>(n: usize, len_src: usize, inverse: bool) -> f64 {
        let plan = FourStep::<T>::new(n, inverse).unwrap().expect("a split");
        let src: Vec<Complex<T>> = (0..len_src)
            .map(|j| {
                let h = (j as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let v = |s: u32| T::from(((h >> s) & 0xFFFF) as f64 / 65536.0 - 0.5).unwrap();
                Complex::new(v(8), v(32))
            })
            .collect();
        let mut want: Vec<Complex<T>> = src
            .iter()
            .copied()
            .chain(std::iter::repeat(Complex::default()))
            .take(n)
            .collect();
        let mut planner = FftPlanner::new();
        let fft = if inverse {
            planner.plan_fft_inverse(n)
        } else {
            planner.plan_fft_forward(n)
        };
        fft.process(&mut want);
        let mut got = vec![Complex::default(); n];
        let mut temp = vec![Complex::default(); plan.temp_len()];
        let half = T::from(0.5).unwrap();
        // SAFETY: `src` holds `len_src` values and does not overlap `got`.
        unsafe {
            plan.run(
                src.as_ptr(),
                len_src,
                &|z| z,
                &mut got,
                &mut temp,
                &|lane: &mut [Complex<T>]| lane.iter_mut().for_each(|z| *z = z.scale(half)),
            )
        }
        .unwrap();
        let (mut num, mut den) = (0.0, 0.0);
        for (g, w) in got.iter().zip(&want) {
            let w = w.scale(half);
            num += (g - w).norm_sqr().to_f64().unwrap();
            den += w.norm_sqr().to_f64().unwrap();
        }
        (num / den).sqrt()
    }

    #[test]
    fn matches_rustfft_with_padding_truncation_and_post() {
        for (n, len_src) in [(64 * 64, 4096), (64 * 96, 5000), (128 * 131, 20000), (96 * 100, 9600)] {
            for inverse in [false, true] {
                let e64 = error::<f64>(n, len_src, inverse);
                let e32 = error::<f32>(n, len_src, inverse);
                assert!(e64 < 1e-14, "f64 n={n} len={len_src} inverse={inverse}: {e64:e}");
                assert!(e32 < 2e-6, "f32 n={n} len={len_src} inverse={inverse}: {e32:e}");
            }
        }
    }

    #[test]
    fn splits_near_the_square_root() {
        assert_eq!(split(1 << 20), Some((1024, 1024)));
        assert_eq!(split(1 << 21), Some((1024, 2048)));
        assert_eq!(split(1_000_000), Some((1000, 1000)));
        assert_eq!(split(1_000_003), None);
        assert_eq!(split(2 * 1_000_003), None);
    }
}
