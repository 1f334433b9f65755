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
//!    `w_n^(j1·k2)`, as row `j1` of a temporary (`n1` rows of `n2`, stored block by block in
//!    the order pass 2 reads them);
//! 2. for each `k2`, the `n1`-point transform of the temporary's column `k2`, written to
//!    `X[k2 + n2·k1]`.
//!
//! Each tile is gathered into its thread's own buffer (which stays in L2 from tile to tile),
//! transformed there, and written out in runs of whole cache lines. Measured on one core at
//! 2^22 (f32): gathering straight into the temporary, one element per cache line per step, made
//! the copies two thirds of the time (0.63x of rustfft alone); with the buffers, the 8-row block
//! transposes and the block-ordered temporary they are about half (0.8x; 1.4x on two cores).
//!
//! Twiddles come from two tables computed in f64 (`w^m = hi[m >> b] · lo[m & (2^b − 1)]`), so
//! they are exact to f64 rounding at any length without `n` stored values. rustfft plans one
//! transform at a time and has no such split, hence this module.

use std::sync::Arc;

use num_complex::Complex;
use rayon::prelude::*;
use rustfft::Fft;

use super::blocks::{InPlace, Loaded, run_blocks};
use super::buffer::{SyncPtr, reused};
use super::chirp::ChirpSplit;
use super::same;
use super::transpose::{TRANSPOSE_ROWS, transpose};
use crate::alloc::line_pad;
use crate::plan::{BlockSplit, bluestein_len};
use crate::{Float, Result};

/// Lengths from which a lone complex lane is split. Measured on 2 cores (f32, one lane, median
/// time of rustfft on one core over the split's): 2^17 0.7x, 2^18 0.7x, 2^19 1.0x, 2^20 1.0x,
/// 2^21 1.1x, 2^22 1.4x, 2^24 1.6x; below 2^21 the lane sits in the large shared L3 and
/// rustfft alone is as fast.
pub(crate) const FOUR_STEP_MIN_LEN: usize = 1 << 21;
/// Lengths with a large prime factor from which a lone lane runs as the chirp split over
/// every core ([`ChirpSplit`]). Measured on the Zen 4 VM (2026-12-07), f32, builds alternating,
/// medians of 9, chirp split on two workers against the lane's own Bluestein on one:
/// 4,000,037 57–64 vs 87–89 ms, 1,000,003 13.3–13.6 vs 19.1–19.7, but 524,309 10.8–11.2 vs
/// 10.4–10.5.
pub(crate) const CHIRP_MIN_LEN: usize = 3 << 18;
/// Shortest factor worth a split (shorter factors make the column passes scattered).
const MIN_FACTOR: usize = 64;
/// Length of the runs of a row that share one far twiddle factor (see `FourStep::twiddle`).
const TWIDDLE_RUN: usize = 64;
/// Bytes of one row segment a column tile reads (eight cache lines: fewer pages touched per element).
const TILE_ROW_BYTES: usize = 512;
/// Bytes of the lanes one tile transforms: half of a core's L2, so they stay there from the
/// gather to the write.
const TILE_BYTES: usize = 1 << 20;

/// A planned four-step transform of one length and direction.
pub(crate) enum FourStep<T: Float> {
    /// shardfft's own vectorized split (`plan::native::split`), its blocks spread over the cores.
    Blocks(Arc<dyn BlockSplit<T>>),
    /// Column tiles through the planned transforms of the two factors (any precision).
    Columns(ColumnSplit<T>),
    /// Bluestein's chirp convolution around two four-steps of a smooth length (lengths with a
    /// large prime factor).
    Chirp(ChirpSplit<T>),
}

impl<T: Float> FourStep<T> {
    /// shardfft's own vectorized split of a length-`n` transform, where it has one.
    pub(crate) fn native(n: usize, inverse: bool) -> Option<Self> {
        T::native_split(n, inverse).map(FourStep::Blocks)
    }

    /// The column split of a length-`n` transform from [`FOUR_STEP_MIN_LEN`], or for lengths
    /// with a large prime factor from [`CHIRP_MIN_LEN`] the chirp split (when its inner length
    /// has four-steps); `None` when `n` is shorter or has neither (the lane then runs whole, on
    /// one core).
    pub(crate) fn generic(n: usize, inverse: bool) -> Result<Option<Self>> {
        if n >= CHIRP_MIN_LEN
            && let Some(m) = bluestein_len(n)
        {
            let plans = T::plans();
            return Ok(match (plans.four_step(m, false)?, plans.four_step(m, true)?) {
                (Some(forward), Some(inverse_m)) => {
                    Some(FourStep::Chirp(ChirpSplit::new(n, inverse, forward, inverse_m)))
                }
                _ => None,
            });
        }
        if n < FOUR_STEP_MIN_LEN {
            return Ok(None);
        }
        Ok(ColumnSplit::new(n, inverse)?.map(FourStep::Columns))
    }

    /// Transforms the lane `src[..len_src]` (read through `load`, zero-padded or truncated to
    /// `n`) into `dst[..n]`, applying `post` (element by element) to the result, using `temp`
    /// ([`temp_len`](Self::temp_len) elements).
    ///
    /// Both variants read the whole source in their first pass and write `dst` only in the
    /// second, so `dst` may be the source itself (a lane transformed in place).
    ///
    /// # Safety
    /// `src` must be valid for reads of `len_src` elements and `dst` for writes of `n`; `dst`
    /// overlaps neither `temp` nor the source, unless it is exactly the source.
    pub(crate) unsafe fn run<A, L, P>(
        &self,
        src: *const A,
        len_src: usize,
        load: &L,
        dst: *mut Complex<T>,
        temp: &mut [Complex<T>],
        post: &P,
    ) -> Result<()>
    where
        A: Copy + Send + Sync,
        L: Fn(A) -> Complex<T> + Sync,
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        // SAFETY: forwarded.
        unsafe {
            match self {
                FourStep::Blocks(split) => {
                    run_blocks(split.as_ref(), &Loaded::new(src, len_src, load), dst, temp, post)
                }
                FourStep::Columns(plan) => plan.run(src, len_src, load, dst, temp, post),
                FourStep::Chirp(plan) => plan.run(src, len_src, load, dst, temp, post),
            }
        }
    }

    /// [`run`](Self::run) on a lane of complex values taken as they are: shardfft's own split
    /// reads them where they are, with no copy first.
    ///
    /// # Safety
    /// As [`run`](Self::run); nothing writes the source while it runs (but `dst`, which may
    /// be the source itself).
    pub(crate) unsafe fn run_values<P>(
        &self,
        src: *const Complex<T>,
        len_src: usize,
        dst: *mut Complex<T>,
        temp: &mut [Complex<T>],
        post: &P,
    ) -> Result<()>
    where
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        // SAFETY: forwarded; the split reads the whole source before it writes `dst`.
        unsafe {
            match self {
                FourStep::Blocks(split) => run_blocks(split.as_ref(), &InPlace::new(src, len_src), dst, temp, post),
                _ => self.run(src, len_src, &same::<Complex<T>>, dst, temp, post),
            }
        }
    }

    /// Elements of the temporary [`run`](Self::run) needs: a lane, and room to start it on a
    /// cache line (where the streaming stores of shardfft's own split can write it).
    pub(crate) fn temp_len(&self) -> usize {
        match self {
            FourStep::Chirp(plan) => plan.temp_len(),
            _ => self.len() + line_pad::<Complex<T>>(),
        }
    }

    /// Whether batches of at least one lane per worker run faster split lane by lane than one
    /// lane per worker (when short or long enough, see `exec::run_grid`). Not the chirp split:
    /// it does a lane's Bluestein work plus three passes over `m ≈ 2n` values, so it pays only
    /// where workers would otherwise idle (a lone 1,000,003-point lane: 13.3–13.6 ms on two
    /// workers against 19.1–19.7 for the lane's own Bluestein on one, so two such lanes are
    /// faster one per worker).
    pub(crate) fn splits_batches(&self) -> bool {
        !matches!(self, FourStep::Chirp(_))
    }

    /// The transform length.
    pub(crate) fn len(&self) -> usize {
        match self {
            FourStep::Blocks(split) => split.len(),
            FourStep::Columns(plan) => plan.n1 * plan.n2,
            FourStep::Chirp(plan) => plan.len(),
        }
    }
}

/// The column split of one length and direction.
pub(crate) struct ColumnSplit<T: Float> {
    n1: usize,
    n2: usize,
    /// The `n2`-point transform of pass 1 and the `n1`-point transform of pass 2.
    first: Arc<dyn Fft<T>>,
    second: Arc<dyn Fft<T>>,
    roots: Roots,
}

/// `w_n^m = e^(∓2πi·m/n)` for any `m < n`, exact to f64 rounding, from two tables of about
/// √n values: `w^m = hi[m >> bits] · lo[m & (2^bits − 1)]`.
pub(crate) struct Roots {
    bits: u32,
    hi: Vec<Complex<f64>>,
    lo: Vec<Complex<f64>>,
}

/// `w` rounded to `T`.
pub(crate) fn rounded<T: Float>(w: Complex<f64>) -> Complex<T> {
    Complex::new(
        T::from(w.re).unwrap_or_else(T::zero),
        T::from(w.im).unwrap_or_else(T::zero),
    )
}

impl Roots {
    /// The tables for `n` points (forward: `e^(−2πi·m/n)`; inverse: `e^(+2πi·m/n)`).
    pub(crate) fn new(n: usize, inverse: bool) -> Self {
        let bits = (usize::BITS - n.leading_zeros()).div_ceil(2);
        Roots {
            bits,
            hi: roots(n, inverse, (0..=(n >> bits)).map(|q| q << bits)),
            lo: roots(n, inverse, 0..1 << bits),
        }
    }

    /// `w_n^m`, for `m < n`.
    pub(crate) fn at(&self, m: usize) -> Complex<f64> {
        self.hi[m >> self.bits] * self.lo[m & ((1usize << self.bits) - 1)]
    }
}

/// The factor of `n` nearest below √n, if it is at least [`MIN_FACTOR`].
fn split(n: usize) -> Option<(usize, usize)> {
    let root = (n as f64).sqrt() as usize;
    let n1 = (MIN_FACTOR..=root).rev().find(|d| n.is_multiple_of(*d))?;
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

impl<T: Float> ColumnSplit<T> {
    /// The split of a length-`n` transform, or `None` when `n` has no factor pair worth it.
    fn new(n: usize, inverse: bool) -> Result<Option<Self>> {
        let Some((n1, n2)) = split(n) else {
            return Ok(None);
        };
        let plans = T::plans();
        Ok(Some(ColumnSplit {
            n1,
            n2,
            first: plans.complex(n2, inverse)?,
            second: plans.complex(n1, inverse)?,
            roots: Roots::new(n, inverse),
        }))
    }

    /// Lanes per tile of a pass whose lanes are `len` long: one tile row fills
    /// [`TILE_ROW_BYTES`], and the tile's lanes fit in [`TILE_BYTES`].
    fn tile(len: usize) -> usize {
        let size = std::mem::size_of::<Complex<T>>();
        (TILE_BYTES / (len * size)).clamp(TRANSPOSE_ROWS, TILE_ROW_BYTES / size)
    }

    /// Transforms the lane `src[..len_src]` (read through `load`, zero-padded or truncated to
    /// `n`) into `dst[..n]`, then applies `post` to it, using `temp` ([`temp_len`](Self::temp_len)
    /// elements).
    ///
    /// Pass 1 leaves its rows in `temp` in the order pass 2 reads them: the `n1 × w2` block of
    /// pass-2 tile `t` (its `w2` columns `k2` of every row `j1`) lies contiguous at `t·n1·w2`,
    /// row `j1` at `j1·w2` within it. Pass 1 then writes runs of whole blocks and pass 2 reads
    /// each block front to back; only the source (pass 1) and destination (pass 2) are accessed
    /// with a stride, in runs of [`TILE_ROW_BYTES`].
    ///
    /// # Safety
    /// As [`FourStep::run`].
    unsafe fn run<A, L, P>(
        &self,
        src: *const A,
        len_src: usize,
        load: &L,
        dst: *mut Complex<T>,
        temp: &mut [Complex<T>],
        post: &P,
    ) -> Result<()>
    where
        A: Copy + Send + Sync,
        L: Fn(A) -> Complex<T> + Sync,
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        let (n1, n2) = (self.n1, self.n2);
        let (w1, w2) = (Self::tile(n2), Self::tile(n1));
        // Lanes of the work buffers are padded by a cache line, so the `w` streams of a tile
        // do not all map to the same cache sets.
        let pad = 64 / std::mem::size_of::<Complex<T>>();
        let (s1, s2) = (n1 + pad, n2 + pad);
        let src = SyncPtr(src as *mut A);
        let blocks = SyncPtr(temp.as_mut_ptr());
        let scratch_len = |f: &Arc<dyn Fft<T>>| f.get_inplace_scratch_len();
        // Pass 1: columns j1 of the n2 x n1 input into rows j1 of `temp`, with twiddles.
        (0..n1.div_ceil(w1)).into_par_iter().try_for_each_init(
            || -> Result<_> {
                Ok((
                    reused(w1 * s2, "work buffer")?,
                    reused(scratch_len(&self.first), "scratch buffer")?,
                    reused(TWIDDLE_RUN + n2.div_ceil(TWIDDLE_RUN), "twiddle buffer")?,
                ))
            },
            |bufs, tile| -> Result<()> {
                let (rows, scratch, factors) = bufs.as_mut().map_err(|e| e.clone())?;
                let j1_first = tile * w1;
                let cols = w1.min(n1 - j1_first);
                // SAFETY: the source outlives this call; `rows` holds `cols` lanes of `s2`.
                unsafe { self.gather_columns(src.get(), len_src, load, j1_first, cols, rows, s2) };
                for (c, row) in rows.chunks_exact_mut(s2).take(cols).enumerate() {
                    let row = &mut row[..n2];
                    self.first.process_with_scratch(row, scratch);
                    self.twiddle(row, j1_first + c, factors);
                }
                for k2_first in (0..n2).step_by(w2) {
                    let width = w2.min(n2 - k2_first);
                    // SAFETY: rows j1_first..+cols of block k2_first / w2, which only this
                    // tile writes, inside `temp` (`temp_len` elements).
                    let block = unsafe { blocks.get().add(k2_first * n1 + j1_first * width) };
                    for (c, row) in rows.chunks_exact(s2).take(cols).enumerate() {
                        // SAFETY: as above.
                        unsafe {
                            std::ptr::copy_nonoverlapping(row.as_ptr().add(k2_first), block.add(c * width), width)
                        };
                    }
                }
                Ok(())
            },
        )?;
        // Pass 2: columns k2 of the n1 x n2 rows (block by block) into X[k2 + n2·k1].
        let out = SyncPtr(dst);
        let temp = &*temp;
        (0..n2.div_ceil(w2)).into_par_iter().try_for_each_init(
            || -> Result<_> {
                Ok((
                    reused(w2 * s1, "work buffer")?,
                    reused(scratch_len(&self.second), "scratch buffer")?,
                ))
            },
            |bufs, tile| -> Result<()> {
                let (work, scratch) = bufs.as_mut().map_err(|e| e.clone())?;
                let k2_first = tile * w2;
                let cols = w2.min(n2 - k2_first);
                let block = &temp[k2_first * n1..(k2_first + cols) * n1];
                // SAFETY: the block's n1 rows of `cols`, into `cols` lanes of `work`.
                unsafe { transpose(block.as_ptr(), cols, work.as_mut_ptr(), s1, n1, cols, &|v| v) };
                for lane in work.chunks_exact_mut(s1).take(cols) {
                    let lane = &mut lane[..n1];
                    self.second.process_with_scratch(lane, scratch);
                    post(lane);
                }
                for k1 in 0..n1 {
                    // SAFETY: X[k2 + n2·k1] for this tile's k2 only; tiles are disjoint.
                    let to = unsafe { out.get().add(k2_first + n2 * k1) };
                    for c in 0..cols {
                        // SAFETY: as above.
                        unsafe { to.add(c).write(work[c * s1 + k1]) };
                    }
                }
                Ok(())
            },
        )
    }

    /// Columns `j1_first..+cols` of the source viewed as `n2` rows of `n1` (zero past
    /// `len_src`), into lanes `0..cols` of `rows` (lane stride `stride`).
    ///
    /// # Safety
    /// `src` must be valid for reads of `len_src` elements.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gather_columns<A: Copy, L: Fn(A) -> Complex<T>>(
        &self,
        src: *const A,
        len_src: usize,
        load: &L,
        j1_first: usize,
        cols: usize,
        rows: &mut [Complex<T>],
        stride: usize,
    ) {
        let (n1, n2) = (self.n1, self.n2);
        // Rows wholly inside the source go through the block transpose.
        let inside = if len_src >= j1_first + cols {
            ((len_src - j1_first - cols) / n1 + 1).min(n2)
        } else {
            0
        };
        // SAFETY: rows 0..inside of the tile lie inside the source.
        unsafe { transpose(src.add(j1_first), n1, rows.as_mut_ptr(), stride, inside, cols, load) };
        for (c, lane) in rows.chunks_exact_mut(stride).take(cols).enumerate() {
            for (j2, v) in lane.iter_mut().enumerate().take(n2).skip(inside) {
                let j = j1_first + c + n1 * j2;
                // SAFETY: `j < len_src` is inside the source.
                *v = if j < len_src {
                    load(unsafe { *src.add(j) })
                } else {
                    Complex::default()
                };
            }
        }
    }

    /// `w_n^m` for `m < n`, from the f64 tables, rounded to `T`.
    fn root(&self, m: usize) -> Complex<T> {
        rounded(self.roots.at(m))
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustfft::FftPlanner;

    /// ‖plan − rustfft‖ / ‖rustfft‖ for one lane of `len_src` values padded or cut to `n`.
    fn error<T: Float>(plan: &FourStep<T>, len_src: usize, inverse: bool) -> f64 {
        let n = plan.len();
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
                got.as_mut_ptr(),
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

    fn columns<T: Float>(n: usize, inverse: bool) -> FourStep<T> {
        FourStep::Columns(ColumnSplit::new(n, inverse).unwrap().expect("a split"))
    }

    #[test]
    fn matches_rustfft_with_padding_truncation_and_post() {
        for (n, len_src) in [(64 * 64, 4096), (64 * 96, 5000), (128 * 131, 20000), (96 * 100, 9600)] {
            for inverse in [false, true] {
                let e64 = error::<f64>(&columns(n, inverse), len_src, inverse);
                let e32 = error::<f32>(&columns(n, inverse), len_src, inverse);
                assert!(e64 < 1e-14, "f64 n={n} len={len_src} inverse={inverse}: {e64:e}");
                assert!(e32 < 2e-6, "f32 n={n} len={len_src} inverse={inverse}: {e32:e}");
            }
        }
    }

    /// The native block split where this processor has one (AVX-512), run over every core.
    #[test]
    fn block_split_matches_rustfft_with_padding_truncation_and_post() {
        for (n, len_src) in [
            (1 << 17, 1 << 17),
            (1 << 18, 200_001),
            (3 << 17, 1 << 19),
            (1 << 20, 1_000_000),
        ] {
            for inverse in [false, true] {
                let Some(split) = f32::native_split(n, inverse) else {
                    return;
                };
                let e = error::<f32>(&FourStep::Blocks(split), len_src, inverse);
                assert!(
                    e < 4.0 * f32::EPSILON as f64 * (n as f64).log2(),
                    "n={n} len={len_src} inverse={inverse}: {e:e}"
                );
            }
        }
    }

    /// The chirp split around column splits of its inner length (which have no length
    /// threshold), and through `generic` from [`CHIRP_MIN_LEN`] where the inner four-steps exist.
    #[test]
    fn chirp_split_matches_rustfft_with_padding_truncation_and_post() {
        fn chirp<T: Float>(n: usize, inverse: bool) -> FourStep<T> {
            let m = bluestein_len(n).expect("a Bluestein length");
            let inner = |inv| Arc::new(columns::<T>(m, inv));
            FourStep::Chirp(ChirpSplit::new(n, inverse, inner(false), inner(true)))
        }
        for (n, len_src) in [(5003, 5003), (5003, 4000), (5003, 7001), (2 * 4099, 2 * 4099)] {
            for inverse in [false, true] {
                let e64 = error::<f64>(&chirp(n, inverse), len_src, inverse);
                let e32 = error::<f32>(&chirp(n, inverse), len_src, inverse);
                assert!(e64 < 1e-14, "f64 n={n} len={len_src} inverse={inverse}: {e64:e}");
                assert!(e32 < 2e-6, "f32 n={n} len={len_src} inverse={inverse}: {e32:e}");
            }
        }
        let n = 1_000_003;
        for inverse in [false, true] {
            if let Some(plan) = FourStep::<f32>::generic(n, inverse).unwrap() {
                assert!(matches!(plan, FourStep::Chirp(_)) && !plan.splits_batches());
                let e = error::<f32>(&plan, n, inverse);
                assert!(
                    e < 4.0 * f32::EPSILON as f64 * (n as f64).log2(),
                    "n={n} inverse={inverse}: {e:e}"
                );
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
