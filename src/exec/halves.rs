//! Long real lanes on every core: the half-length complex four-step, and the pairing pass split over the cores too.
//!
//! A real transform of even length `n` is a complex one of `h = n/2` points of
//! `z[j] = x[2j] + i·x[2j+1]` and a pass that pairs bin `k` with bin `h − k` (`plan::halves`
//! has the formulas). The per-lane real kernels run both on one core; a lone long lane runs
//! here instead: the complex transform as a [`FourStep`] over every core, and the pairing pass
//! in chunks of bins (each with its mirror chunk) over every core. The forward direction pairs
//! the bins the four-step wrote into the output; the inverse pairs the caller's bins into the
//! output lane and then runs the four-step there, in place, so neither needs a buffer of its
//! own beyond the four-step's temporary.

use std::sync::Arc;

use num_complex::Complex;
use rayon::prelude::*;

use super::buffer::SyncPtr;
use super::fourstep::{FourStep, Roots, rounded};
use super::{Grid, reads_as_they_are, same_type};
use crate::plan::{pair_middle, pair_runs};
use crate::{Error, Float, Result};

/// Bins of one block of the pairing pass (and of its mirror block): held on the stack.
const BLOCK: usize = 64;
/// Blocks per parallel chunk of the pairing pass (2 × 32 KiB of f32 bins).
const CHUNK_BLOCKS: usize = 64;

/// A planned real transform of one even length on every core.
pub(crate) struct HalfFourStep<T: Float> {
    half: Arc<FourStep<T>>,
    inverse: bool,
    /// `e^(∓2πi·k/n)` for any `k` (f64).
    roots: Roots,
    /// `factor · e^(∓2πi·i/n)` for `i <` [`BLOCK`], rounded to `T` (see [`twiddles`](Self::twiddles)).
    near: Vec<Complex<T>>,
}

impl<T: Float> HalfFourStep<T> {
    /// The real transform of length `2·half.len()` through `half` (which must run in the
    /// direction `inverse` gives).
    pub(crate) fn new(half: Arc<FourStep<T>>, inverse: bool) -> Self {
        let roots = Roots::new(2 * half.len(), inverse);
        let factor = if inverse { -1.0 } else { 0.5 };
        let near = (0..BLOCK)
            .map(|i| rounded(roots.at(i % (2 * half.len())) * factor))
            .collect();
        HalfFourStep {
            half,
            inverse,
            roots,
            near,
        }
    }

    /// The real length `n`.
    pub(crate) fn len(&self) -> usize {
        2 * self.half.len()
    }

    /// Whether a forward lane of `len_src` reals (zero-padded or truncated to `n`) can be read
    /// as complex pairs: all but an odd length shorter than `n`, whose last real would be
    /// half a pair (those lanes run on the per-lane kernels).
    fn reads_pairs(&self, len_src: usize) -> bool {
        self.inverse || len_src.is_multiple_of(2) || len_src >= self.len()
    }

    /// The pairing's scale `a`: 1/2 for r2c, 1 for c2r.
    fn scale(&self) -> T {
        if self.inverse {
            T::one()
        } else {
            T::from(0.5).unwrap_or_else(T::one)
        }
    }

    /// The pairing's twiddles `w_k = factor · e^(∓2πi·k/n)` (r2c: factor 1/2, c2r: −1) for
    /// `k = first..first + out.len()` (at most [`BLOCK`]): `near[k − first] · w^first`, the
    /// second factor exact in f64 and rounded once, so each costs one complex product in `T`
    /// (about 1 ulp more error than an exact table; an f64 product per bin took longer than
    /// the pairing itself).
    fn twiddles(&self, first: usize, out: &mut [Complex<T>]) {
        let far = rounded(self.roots.at(first));
        for (w, &near) in out.iter_mut().zip(&self.near) {
            *w = near * far;
        }
    }

    /// Pairs bins `1..h` (each read with `bin`) into `out[1..h]`, passing each run of new bins
    /// through `post` before it is written; chunks of bins and their mirror chunks run in
    /// parallel.
    ///
    /// # Safety
    /// `out` valid for writes of `h` values; `bin` reads nothing `out` holds except the bin it
    /// is asked for (which nothing else writes until this returns).
    unsafe fn pair_pass<B, P>(&self, bin: &B, out: SyncPtr<Complex<T>>, post: &P)
    where
        B: Fn(usize) -> Complex<T> + Sync,
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        let h = self.half.len();
        let a = self.scale();
        // Bins k < h − k pair with a distinct mirror; for even h, bin h/2 pairs with itself.
        let end = h.div_ceil(2);
        let pairs = end.saturating_sub(1);
        let chunk = BLOCK * CHUNK_BLOCKS;
        (0..pairs.div_ceil(chunk)).into_par_iter().for_each(|c| {
            let (mut lo, mut hi, mut w) = (
                [Complex::default(); BLOCK],
                [Complex::default(); BLOCK],
                [Complex::default(); BLOCK],
            );
            let first = 1 + c * chunk;
            for k0 in (first..(first + chunk).min(end)).step_by(BLOCK) {
                let m = BLOCK.min(end - k0);
                // Mirror bins h − k0 − m + 1..=h − k0, ascending.
                let m0 = h + 1 - k0 - m;
                for i in 0..m {
                    lo[i] = bin(k0 + i);
                    hi[i] = bin(m0 + i);
                }
                self.twiddles(k0, &mut w[..m]);
                pair_runs(&mut lo[..m], &mut hi[..m], &w[..m], a);
                post(&mut lo[..m]);
                post(&mut hi[..m]);
                // SAFETY: bins k0..k0 + m and m0..m0 + m lie in 1..h and belong to this block
                // alone (m0 ≥ end > k0 + m − 1).
                unsafe {
                    std::ptr::copy_nonoverlapping(lo.as_ptr(), out.get().add(k0), m);
                    std::ptr::copy_nonoverlapping(hi.as_ptr(), out.get().add(m0), m);
                }
            }
        });
        if h >= 2 && h.is_multiple_of(2) {
            let k = h / 2;
            let mut w = [Complex::default()];
            self.twiddles(k, &mut w);
            let mut middle = [pair_middle(bin(k), w[0], a)];
            post(&mut middle);
            // SAFETY: bin h/2 < h, which no chunk wrote.
            unsafe { out.get().add(k).write(middle[0]) };
        }
    }
}

/// Every lane of a contiguous grid of a real kernel, one after the other, each on every core
/// through `plan`; `Ok(false)` (nothing touched) for forward lanes of an odd length shorter
/// than the transform, which cannot be read as pairs.
///
/// # Safety
/// As [`run_grid`](super::run_grid); `I`/`O` must be `T`/`Complex<T>` for a forward plan and
/// `Complex<T>`/`T` for an inverse one (checked).
pub(super) unsafe fn run_halves<T, A, I, O, L, P>(
    src: *const A,
    dst: SyncPtr<O>,
    grid: &Grid,
    plan: &HalfFourStep<T>,
    load: &L,
    post: &P,
) -> Result<bool>
where
    T: Float,
    A: Copy + Send + Sync,
    I: 'static,
    O: 'static,
    L: Fn(A) -> I + Sync + 'static,
    P: Fn(&mut [O]) + Sync,
{
    if !plan.reads_pairs(grid.len_in) {
        return Ok(false);
    }
    let (input, output) = if plan.inverse { (2, 1) } else { (1, 2) };
    if !(same_type::<I, T>() && input == 1 || same_type::<I, Complex<T>>() && input == 2)
        || !(same_type::<O, T>() && output == 1 || same_type::<O, Complex<T>>() && output == 2)
    {
        return Err(Error::InvalidArgument(
            "internal: a real four-step for the wrong kernel".into(),
        ));
    }
    // `O` retyped as checked above: an element of `O` is `output` values of `T`.
    let post_values = |values: &mut [T]| {
        // SAFETY: `values` holds whole elements of `O`, `output` values each.
        post(unsafe { std::slice::from_raw_parts_mut(values.as_mut_ptr() as *mut O, values.len() / output) })
    };
    let plans = T::plans();
    let mut temp = plans.take_spare(plan.half.temp_len())?;
    let result = (0..grid.outer).try_for_each(|lane| {
        // SAFETY: forwarded: lane `lane` of the source (`len_in` elements) and of the output
        // (`n` reals or `n/2 + 1` bins) lie inside their buffers.
        unsafe {
            let from = src.add(lane * grid.len_in);
            if plan.inverse {
                let out = (dst.0 as *mut T).add(lane * plan.len());
                // SAFETY: `I` is `Complex<T>` (checked above).
                let bin = |a: A| std::mem::transmute_copy::<I, Complex<T>>(&load(a));
                inverse_lane(from, grid.len_in, out, plan, &bin, &post_values, &mut temp)
            } else {
                let out = (dst.0 as *mut Complex<T>).add(lane * (plan.len() / 2 + 1));
                let pairs = grid.len_in / 2;
                let no_post = |_: &mut [Complex<T>]| {};
                if reads_as_they_are::<T, I, L>() {
                    // The reals as they are (`A` is `T`), read where they are as complex pairs.
                    let from = from as *const Complex<T>;
                    forward_lane(out, plan, &post_values, &mut temp, |out, temp| {
                        plan.half.run_values(from, pairs, out, temp, &no_post)
                    })
                } else {
                    // SAFETY: `I` is `T` (checked above).
                    let real = |a: A| std::mem::transmute_copy::<I, T>(&load(a));
                    let pair = |p: [A; 2]| Complex::new(real(p[0]), real(p[1]));
                    let from = from as *const [A; 2];
                    forward_lane(out, plan, &post_values, &mut temp, |out, temp| {
                        plan.half.run(from, pairs, &pair, out, temp, &no_post)
                    })
                }
            }
        }
    });
    plans.put_spare(temp);
    result.map(|()| true)
}

/// One forward (r2c) lane into `out` (`n/2 + 1` bins): `half` (the four-step of the lane's
/// reals read as complex pairs, into the first `h` bins of the `out` and temporary it is
/// given), then bins 0 and `h`, then the pairing pass in place; `post` sees the bins as runs
/// of values of `T`.
///
/// # Safety
/// `out` valid for writes of `n/2 + 1` bins, apart from the source `half` reads.
unsafe fn forward_lane<T, H, P>(
    out: *mut Complex<T>,
    plan: &HalfFourStep<T>,
    post: &P,
    temp: &mut [Complex<T>],
    half: H,
) -> Result<()>
where
    T: Float,
    H: FnOnce(*mut Complex<T>, &mut [Complex<T>]) -> Result<()>,
    P: Fn(&mut [T]) + Sync,
{
    let h = plan.half.len();
    let post = |bins: &mut [Complex<T>]| post(as_values(bins));
    let out = SyncPtr(out);
    half(out.get(), temp)?;
    // SAFETY: `out` holds `h + 1` bins (the caller's contract).
    unsafe {
        let z0 = *out.get();
        let mut ends = [
            Complex::new(z0.re + z0.im, T::zero()),
            Complex::new(z0.re - z0.im, T::zero()),
        ];
        post(&mut ends[..1]);
        post(&mut ends[1..]);
        out.get().write(ends[0]);
        out.get().add(h).write(ends[1]);
        // Each bin is read by the block that then writes it, and by no other.
        let bin = |k: usize| *out.get().add(k);
        plan.pair_pass(&bin, out, &post);
    }
    Ok(())
}

/// One inverse (c2r) lane of `len_in` bins (zero past `len_in`; the imaginary parts of bins
/// 0 and `h` ignored, as numpy does) into `out` (`n` reals): the bins paired into `out` seen
/// as `h` complex values, then the four-step there in place, `post` on the reals.
///
/// # Safety
/// `src` valid for reads of `len_in` values and `out` for writes of `n` reals, apart.
unsafe fn inverse_lane<T, A, L, P>(
    src: *const A,
    len_in: usize,
    out: *mut T,
    plan: &HalfFourStep<T>,
    load: &L,
    post: &P,
    temp: &mut [Complex<T>],
) -> Result<()>
where
    T: Float,
    A: Copy + Send + Sync,
    L: Fn(A) -> Complex<T> + Sync,
    P: Fn(&mut [T]) + Sync,
{
    let h = plan.half.len();
    let src = SyncPtr(src as *mut A);
    // SAFETY: bin `k < len_in` lies inside the source (the caller's contract).
    let bin = |k: usize| {
        if k < len_in {
            load(unsafe { *src.get().add(k) })
        } else {
            Complex::default()
        }
    };
    let post = |values: &mut [Complex<T>]| post(as_values(values));
    // SAFETY: `out` holds `2h` reals, i.e. `h` complex values (`Complex<T>` is two `T`s), and
    // does not overlap the source.
    unsafe {
        let out = SyncPtr(out as *mut Complex<T>);
        let (first, last) = (bin(0).re, bin(h).re);
        out.get().write(Complex::new(first + last, first - last));
        plan.pair_pass(&bin, out, &|_: &mut [Complex<T>]| {});
        plan.half.run_values(out.get(), h, out.get(), temp, &post)
    }
}

/// Complex values seen as their real and imaginary parts, in order.
fn as_values<T: Float>(values: &mut [Complex<T>]) -> &mut [T] {
    // SAFETY: `Complex<T>` is `repr(C)` of two `T`.
    unsafe { std::slice::from_raw_parts_mut(values.as_mut_ptr() as *mut T, 2 * values.len()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustfft::FftPlanner;

    /// Reproducible values in [−0.5, 0.5).
    fn value(j: usize, salt: u64) -> f64 {
        let h = (j as u64 + salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((h >> 24) & 0xFFFF) as f64 / 65536.0 - 0.5
    }

    /// The float64 rustfft transform of `x` zero-padded or truncated to `n`.
    fn reference(x: &[Complex<f64>], n: usize, inverse: bool) -> Vec<Complex<f64>> {
        let mut y: Vec<_> = x
            .iter()
            .copied()
            .chain(std::iter::repeat(Complex::default()))
            .take(n)
            .collect();
        let dir = if inverse {
            rustfft::FftDirection::Inverse
        } else {
            rustfft::FftDirection::Forward
        };
        FftPlanner::new().plan_fft(n, dir).process(&mut y);
        y
    }

    fn rel_err<T: Float>(got: &[Complex<T>], want: &[Complex<f64>]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (g, w) in got.iter().zip(want) {
            let g = Complex::new(g.re.to_f64().unwrap(), g.im.to_f64().unwrap());
            num += (g - w).norm_sqr();
            den += w.norm_sqr();
        }
        (num / den).sqrt()
    }

    fn grid(len_in: usize) -> Grid {
        Grid {
            outer: 1,
            len_in,
            inner: 1,
            dst_init: true,
        }
    }

    /// r2c of `len_src` reals cut or padded to `n`, `post` halving every bin, against float64.
    fn forward_error<T: Float>(plan: &HalfFourStep<T>, len_src: usize) -> Option<f64> {
        let n = plan.len();
        let x: Vec<T> = (0..len_src).map(|j| T::from(value(j, 1)).unwrap()).collect();
        let mut y = vec![Complex::<T>::default(); n / 2 + 1];
        let half = T::from(0.5).unwrap();
        let post = |bins: &mut [Complex<T>]| bins.iter_mut().for_each(|z| *z = z.scale(half));
        // SAFETY: `x` holds the lane's `len_src` reals and `y` its `n/2 + 1` bins.
        let ran = unsafe {
            run_halves(
                x.as_ptr(),
                SyncPtr(y.as_mut_ptr()),
                &grid(len_src),
                plan,
                &|v: T| v,
                &post,
            )
        };
        if !ran.unwrap() {
            return None;
        }
        let xc: Vec<_> = x.iter().map(|v| Complex::new(v.to_f64().unwrap(), 0.0)).collect();
        let want: Vec<_> = reference(&xc, n, false)
            .iter()
            .take(n / 2 + 1)
            .map(|z| z * 0.5)
            .collect();
        Some(rel_err(&y, &want))
    }

    /// c2r of `len_src` bins (imaginary parts of DC and Nyquist set, to be ignored) cut or
    /// padded to `n/2 + 1`, `post` halving every real, against float64.
    fn inverse_error<T: Float>(plan: &HalfFourStep<T>, len_src: usize) -> f64 {
        let n = plan.len();
        let bins: Vec<Complex<T>> = (0..len_src)
            .map(|k| Complex::new(T::from(value(k, 2)).unwrap(), T::from(value(k, 3)).unwrap()))
            .collect();
        let mut x = vec![T::zero(); n];
        let half = T::from(0.5).unwrap();
        let post = |reals: &mut [T]| reals.iter_mut().for_each(|v| *v = *v * half);
        // SAFETY: `bins` holds the lane's `len_src` bins and `x` its `n` reals.
        let ran = unsafe {
            run_halves(
                bins.as_ptr(),
                SyncPtr(x.as_mut_ptr()),
                &grid(len_src),
                plan,
                &|z: Complex<T>| z,
                &post,
            )
        };
        assert!(ran.unwrap(), "inverse lanes always run");
        let mut full = vec![Complex::<f64>::default(); n];
        for (k, b) in bins.iter().take(n / 2 + 1).enumerate() {
            full[k] = Complex::new(b.re.to_f64().unwrap(), b.im.to_f64().unwrap());
        }
        full[0].im = 0.0;
        full[n / 2].im = 0.0;
        for k in n / 2 + 1..n {
            full[k] = full[n - k].conj();
        }
        let want: Vec<_> = reference(&full, n, true)
            .iter()
            .map(|z| Complex::new(z.re * 0.5, 0.0))
            .collect();
        let got: Vec<_> = x.iter().map(|&v| Complex::new(v, T::zero())).collect();
        rel_err(&got, &want)
    }

    fn check<T: Float>(half: FourStep<T>, bound: f64) {
        let n = 2 * half.len();
        let half = Arc::new(half);
        let forward = HalfFourStep::new(half.clone(), false);
        for len_src in [n, n - 2, n + 3, n / 3 * 2] {
            let e = forward_error(&forward, len_src).expect("even or longer lanes run");
            assert!(e < bound, "r2c n={n} len={len_src}: {e:e}");
        }
        assert!(
            forward_error(&forward, n - 3).is_none(),
            "an odd, shorter lane is left to the lane kernels"
        );
        let inverse = HalfFourStep::new(Arc::new(FourStep::<T>::generic(n / 2, true).unwrap().unwrap()), true);
        for len_src in [n / 2 + 1, n / 2 - 5, n / 2 + 9, 1000] {
            let e = inverse_error(&inverse, len_src);
            assert!(e < bound, "c2r n={n} len={len_src}: {e:e}");
        }
    }

    #[test]
    fn column_split_halves_match_float64_with_padding_truncation_and_post() {
        let h = super::super::fourstep::FOUR_STEP_MIN_LEN;
        check::<f64>(FourStep::generic(h, false).unwrap().unwrap(), 1e-14);
        check::<f32>(FourStep::generic(h, false).unwrap().unwrap(), 2e-6);
        check::<f64>(FourStep::generic(3 * h / 2, false).unwrap().unwrap(), 1e-14);
    }

    #[test]
    fn native_block_split_halves_match_float64() {
        for h in [1 << 17, 3 << 17] {
            if let (Some(fwd), Some(_)) = (FourStep::<f32>::native(h, false), FourStep::<f32>::native(h, true)) {
                let forward = HalfFourStep::new(Arc::new(fwd), false);
                for len_src in [2 * h, 2 * h - 2, 2 * h + 1] {
                    let e = forward_error(&forward, len_src).expect("runs");
                    assert!(e < 2e-6, "r2c n={} len={len_src}: {e:e}", 2 * h);
                }
                let inverse = HalfFourStep::new(Arc::new(FourStep::<f32>::native(h, true).unwrap()), true);
                let e = inverse_error(&inverse, h + 1);
                assert!(e < 2e-6, "c2r n={}: {e:e}", 2 * h);
            }
        }
    }
}
