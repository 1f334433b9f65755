//! Complex FFTs of lengths 64·2^a·3^b·5^c on AVX-512: a Stockham autosort of radix-8/5/4/3 passes.
//!
//! Written by hand because rustfft, the field's crate, vectorizes with AVX2 at most: on an
//! AVX-512 core its butterflies use half the register width. The plans implement
//! [`rustfft::Fft`], so the planner hands them out wherever a rustfft plan would go (batched
//! lanes, the four-step's factors, the real transforms' inner FFT, convolutions, gradients).
//! f32 has every kernel here; f64 has the whole-lane one ([`Avx512Fft64`]).

mod batch;
mod batch_real;
mod columns;
mod passes;
mod real;
mod split;
mod vector;
mod whole_f64;

pub use batch::Avx512BatchFft;
pub use batch_real::Avx512BatchR2c;
pub use columns::Avx512SlabFft;
pub use real::{Avx512C2r, Avx512R2c};
pub use whole_f64::Avx512Fft64;

use std::sync::Arc;

use super::BlockSplit;

/// The block split of a lone lane of `n` points (at least 2^17, made of 2, 3 and 5, with
/// factors near √n that are multiples of 64), for the four-step to run on every core.
pub(super) fn block_split(n: usize, inverse: bool) -> Option<Arc<dyn BlockSplit<f32>>> {
    if n < split::SPLIT_MIN_LEN || !std::arch::is_x86_feature_detected!("avx512f") {
        return None;
    }
    let plan = split::Split::new(n, if inverse { 1.0 } else { -1.0 })?;
    Some(Arc::new(plan))
}

use std::f64::consts::TAU;

use num_complex::Complex;
use num_traits::AsPrimitive;

use crate::alloc::{line_aligned, line_pad};
use rustfft::FftDirection;

use passes::{Layout, NextLane};
use vector::Vector;

/// Longest lanes (bytes) whose successor in a call [`Avx512Fft`] prefetches while it transforms
/// them ([`NextLane`]). Measured on the 2-vCPU Xeon VM of 2026-12-07-night (one core, 2^22
/// values out of place in calls of four lanes, each streamed out after, with and without in
/// one process): 1024 points 5.62 against 6.25 ms, 2048 5.61 against 6.16, 512 4.86 against
/// 5.28; `fft_into` of 2^22 values on both cores 1024 points 2.92 against 3.18 ms, 512 2.68
/// against 2.86. Longer lanes stream well enough for the hardware prefetchers: prefetching a
/// share of the next lane after each pass slowed 4096 points (48 against 56 GFLOP/s).
const PREFETCH_NEXT_LANE_MAX_BYTES: usize = 16 << 10;

/// One Stockham pass, with twiddles of precision `F`.
pub(super) enum Pass<F = f32> {
    /// Radix 8 over the whole length, stride 1.
    First(Vec<F>),
    /// Radix `radix` (3, 4, 5 or 8) over sub-transforms of length `l`, stride `n / l ≥ 8`.
    Strided { radix: usize, l: usize, twiddles: Vec<F> },
}

/// The passes of a whole lane of `len` points (a multiple of 8 whose eighth [`rest_radices`]
/// takes): the first radix-8 pass over the whole length, then the strided passes; `None` for
/// other lengths.
fn whole_lane_passes<V: Vector>(len: usize, sign: f64) -> Option<Vec<Pass<V::Float>>>
where
    f64: AsPrimitive<V::Float>,
{
    if !len.is_multiple_of(8) {
        return None;
    }
    let radices = rest_radices(len / 8)?;
    // f32 only: the f64 kernel's passes were not timed with it.
    let radices = if V::LANES == 8 { sixteens(radices) } else { radices };
    let m = len / 8;
    let mut first = Vec::with_capacity(2 * 7 * m);
    for p0 in (0..m).step_by(V::LANES) {
        for k in 1..8 {
            for p in p0..p0 + V::LANES {
                first.extend(root_as::<V::Float>(k * p, len, sign));
            }
        }
    }
    let mut passes = vec![Pass::First(first)];
    passes.extend(strided_passes(radices, m, sign));
    Some(passes)
}

/// Runs `passes` on one lane of `len` complex values from `src` into `dst`, through `tmp`,
/// prefetching `next` (the lane to come) on the way. `src` may equal `dst` (in place);
/// otherwise `src` is left untouched.
///
/// # Safety
/// AVX-512F; the three pointers valid for `len` complex values; `tmp` overlaps neither;
/// `passes` planned for `len` (by [`whole_lane_passes`] or as [`strided_passes`]).
unsafe fn run_passes<V: Vector>(
    passes: &[Pass<V::Float>],
    inverse: bool,
    src: *const V::Float,
    dst: *mut V::Float,
    tmp: *mut V::Float,
    len: usize,
    mut next: NextLane,
) {
    let count = passes.len();
    let in_place = std::ptr::eq(src, dst);
    // The last pass writes `dst`; going back, passes alternate between `tmp` and `dst`. In
    // place with an odd count the first pass would overwrite its own input: run every pass
    // one buffer over (ending in `tmp`) and copy back.
    let shifted = in_place && count % 2 == 1;
    let mut from = src;
    for (i, pass) in passes.iter().enumerate() {
        let to_dst = (count - 1 - i).is_multiple_of(2) && !shifted;
        let to = if to_dst || (shifted && (count - 1 - i) % 2 == 1) {
            dst
        } else {
            tmp
        };
        // SAFETY: `from` and `to` are distinct buffers of `len` values (the alternation
        // above never reads and writes one buffer in one pass).
        unsafe { run_pass::<V>(pass, inverse, from, to, len, &mut next) };
        from = to;
    }
    if shifted {
        // SAFETY: both hold `len` complex values and do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(tmp, dst, 2 * len) };
    }
}

/// A forward or inverse (unscaled) complex FFT for `f32` on AVX-512F, of any length that is a
/// multiple of [`MIN_LEN`](Self::MIN_LEN) with no prime factor above 5 (64, 128, 192, 320,
/// 1024, 49152 = 3·2^14, ...), and below 2^20 of the multiples of 8 whose eighth is odd or
/// four times odd (600, 1000 = 8·125, 3000, 4000 = 8·4·125: the first pass ends in a partial
/// block). Lanes of at least 2^20 points run in two cache-sized halves (`split.rs`) instead
/// of passes over the whole lane.
///
/// ```
/// use rustfft::Fft;
/// use shardfft::plan::Avx512Fft;
/// use shardfft::Complex;
///
/// if let Some(fft) = Avx512Fft::new(64, rustfft::FftDirection::Forward) {
///     let mut x = vec![Complex::new(0.0f32, 0.0); 64];
///     x[1] = Complex::new(1.0, 0.0);
///     fft.process(&mut x); // the DFT of an impulse at 1: e^{-2πik/64}
///     assert!((x[16] - Complex::new(0.0, -1.0)).norm() < 1e-6);
/// }
/// ```
pub struct Avx512Fft {
    len: usize,
    direction: FftDirection,
    passes: Vec<Pass>,
    /// For lanes of at least [`split::LANE_SPLIT_MIN_LEN`]: the two-halves plan that replaces `passes`.
    split: Option<split::Split>,
}

impl Avx512Fft {
    /// The shortest length planned (the first pass needs eight blocks of eight).
    pub const MIN_LEN: usize = 64;

    /// The plan for `len`, or `None` when `len` is not one of the lengths above or this
    /// processor lacks AVX-512F.
    pub fn new(len: usize, direction: FftDirection) -> Option<Self> {
        if !f32_whole_lanes(len) || !std::arch::is_x86_feature_detected!("avx512f") {
            return None;
        }
        let sign = if direction == FftDirection::Inverse { 1.0 } else { -1.0 };
        let split = if len >= split::LANE_SPLIT_MIN_LEN {
            split::Split::new(len, sign)
        } else {
            None
        };
        let passes = match split {
            Some(_) => Vec::new(),
            None => whole_lane_passes::<std::arch::x86_64::__m512>(len, sign)?,
        };
        Some(Avx512Fft {
            len,
            direction,
            passes,
            split,
        })
    }

    /// Whether a call of several lanes of `len` points prefetches each lane's successor
    /// while it transforms the lane (lanes up to 16 KiB).
    ///
    /// ```
    /// use shardfft::plan::Avx512Fft;
    /// assert!(Avx512Fft::prefetches_next_lane(1024));
    /// assert!(!Avx512Fft::prefetches_next_lane(4096));
    /// ```
    pub fn prefetches_next_lane(len: usize) -> bool {
        len.saturating_mul(std::mem::size_of::<Complex<f32>>()) <= PREFETCH_NEXT_LANE_MAX_BYTES
    }

    /// Every `len`-long lane of `src` into the same lane of `dst` (`src == dst`: in place).
    fn run_lanes(&self, src: *const Complex<f32>, dst: *mut Complex<f32>, lanes: usize, scratch: &mut [Complex<f32>]) {
        let n = self.len;
        let need = self.scratch_len();
        assert!(
            scratch.len() >= need,
            "Avx512Fft: scratch of {} < {need}",
            scratch.len()
        );
        let (tmp, slabs) = scratch.split_at_mut(n + line_pad::<Complex<f32>>());
        let tmp = line_aligned(tmp, n);
        let (tmp, slabs) = (tmp.as_mut_ptr() as *mut f32, slabs.as_mut_ptr() as *mut f32);
        let lane_bytes = n * std::mem::size_of::<Complex<f32>>();
        for lane in 0..lanes {
            let (from, to) = unsafe { (src.add(lane * n) as *const f32, dst.add(lane * n) as *mut f32) };
            let next = if lane + 1 < lanes && Self::prefetches_next_lane(n) {
                NextLane::at(src.wrapping_add((lane + 1) * n), lane_bytes)
            } else {
                NextLane::none()
            };
            // SAFETY: the callers pass buffers of `lanes · n` values; `scratch` is a separate
            // borrow, so it overlaps neither; AVX-512F was detected when the plan was made.
            unsafe {
                match &self.split {
                    Some(split) => split.run(from, to, tmp, slabs),
                    None => run_passes::<std::arch::x86_64::__m512>(
                        &self.passes,
                        self.direction == FftDirection::Inverse,
                        from,
                        to,
                        tmp,
                        n,
                        next,
                    ),
                }
            }
        }
    }

    /// Scratch (complex values) every call needs: a temporary lane (with room to start it on a
    /// cache line, for the split's streaming stores), and the split's slabs.
    fn scratch_len(&self) -> usize {
        self.len + line_pad::<Complex<f32>>() + self.split.as_ref().map_or(0, split::Split::slab_len)
    }
}

/// Whether the whole-lane passes take `len` with a whole first pass (a multiple of 64 made of
/// 2, 3 and 5): the lengths of [`Avx512Fft64`] and of the real kernels' halves.
pub(super) fn whole_lanes(len: usize) -> bool {
    len.is_multiple_of(Avx512Fft::MIN_LEN) && strided(len / 8)
}

/// Whether [`Avx512Fft`] plans `len`: [`whole_lanes`], and below 2^20 the multiples of 8 of
/// at least 64 whose eighth is made of 3 and 5 times 1 or 4 ([`rest_radices`]).
pub(super) fn f32_whole_lanes(len: usize) -> bool {
    whole_lanes(len)
        || ((Avx512Fft::MIN_LEN..split::LANE_SPLIT_MIN_LEN).contains(&len)
            && len.is_multiple_of(8)
            && matches!(without_odd_factors(len / 8), 1 | 4))
}

/// Whether [`Avx512BatchFft`] plans `len` (a multiple of 8 made of 2, 3 and 5).
pub(super) fn batched_lanes(len: usize) -> bool {
    len.is_multiple_of(passes::LANES) && strided(len)
}

/// `w_l^{±m}` (the sign of the exponent's `i` is `sign`), computed in f64 with `m` reduced
/// mod `l` first, rounded once to f32, as interleaved (re, im).
pub(super) fn root(m: usize, l: usize, sign: f64) -> [f32; 2] {
    root_as(m, l, sign)
}

/// [`root`] rounded once to the precision `F`.
fn root_as<F: Copy + 'static>(m: usize, l: usize, sign: f64) -> [F; 2]
where
    f64: AsPrimitive<F>,
{
    let angle = sign * TAU * (m % l) as f64 / l as f64;
    [angle.cos().as_(), angle.sin().as_()]
}

/// The strided passes for `radices`, the first over sub-transforms of length `l`.
pub(super) fn strided_passes<F: Copy + 'static>(radices: Vec<usize>, mut l: usize, sign: f64) -> Vec<Pass<F>>
where
    f64: AsPrimitive<F>,
{
    let mut passes = Vec::with_capacity(radices.len());
    for radix in radices {
        let mut twiddles = Vec::new();
        if l > radix {
            for p in 0..l / radix {
                for k in 1..radix {
                    twiddles.extend(root_as::<F>(k * p, l, sign));
                }
            }
        }
        passes.push(Pass::Strided { radix, l, twiddles });
        l /= radix;
    }
    passes
}

/// Runs one pass over `n` complex values from `x` into `y`.
///
/// # Safety
/// AVX-512F; `x` and `y` valid for `n` complex values and distinct; `n` is the length the
/// pass was planned for (a multiple of 8 for the first pass, of 8 / its `l` for the others).
unsafe fn run_pass<V: Vector>(
    pass: &Pass<V::Float>,
    inverse: bool,
    x: *const V::Float,
    y: *mut V::Float,
    n: usize,
    next: &mut NextLane,
) {
    // SAFETY: forwarded.
    unsafe { run_pass_in::<V>(pass, inverse, x, y, n, [Layout::DENSE; 2], next) }
}

/// [`run_pass`] reading and writing in `layouts` (dense for a first pass, which only whole
/// lanes run), prefetching `next` from strided passes.
///
/// # Safety
/// As [`run_pass`], with `x` and `y` valid for their layout's length of `n` values.
unsafe fn run_pass_in<V: Vector>(
    pass: &Pass<V::Float>,
    inverse: bool,
    x: *const V::Float,
    y: *mut V::Float,
    n: usize,
    layouts: [Layout; 2],
    next: &mut NextLane,
) {
    debug_assert!(matches!(pass, Pass::Strided { .. }) || layouts == [Layout::DENSE; 2]);
    // SAFETY: forwarded.
    unsafe {
        match (pass, inverse) {
            (Pass::First(t), false) => passes::first_radix8::<V, false>(x, y, n, t),
            (Pass::First(t), true) => passes::first_radix8::<V, true>(x, y, n, t),
            (Pass::Strided { radix, l, twiddles }, inv) => {
                let t = twiddles.as_slice();
                match (radix, inv) {
                    (3, false) => passes::strided::<V, 3, false>(x, y, n, *l, t, layouts, next),
                    (3, true) => passes::strided::<V, 3, true>(x, y, n, *l, t, layouts, next),
                    (4, false) => passes::strided::<V, 4, false>(x, y, n, *l, t, layouts, next),
                    (4, true) => passes::strided::<V, 4, true>(x, y, n, *l, t, layouts, next),
                    (5, false) => passes::strided::<V, 5, false>(x, y, n, *l, t, layouts, next),
                    (5, true) => passes::strided::<V, 5, true>(x, y, n, *l, t, layouts, next),
                    (16, false) => passes::strided::<V, 16, false>(x, y, n, *l, t, layouts, next),
                    (16, true) => passes::strided::<V, 16, true>(x, y, n, *l, t, layouts, next),
                    (_, false) => passes::strided::<V, 8, false>(x, y, n, *l, t, layouts, next),
                    (_, true) => passes::strided::<V, 8, true>(x, y, n, *l, t, layouts, next),
                }
            }
        }
    }
}

/// The radices of the passes after the first, whose product is `rest` (a multiple of 8):
/// radix 5 and 3 for those factors, then radix 8 where it fits and one or two radix-4 passes
/// for the rest of the power of two; `None` if `rest` is 0 or has a prime factor above 5.
pub(super) fn strided_radices(rest: usize) -> Option<Vec<usize>> {
    let (mut radices, two) = odd_radices(rest);
    let bits = power_of_two_part(two)?;
    let fours = match bits % 3 {
        0 => 0,
        1 => 2,
        _ => 1,
    };
    let eights = (bits - 2 * fours) / 3;
    radices.extend(std::iter::repeat_n(8, eights as usize).chain(std::iter::repeat_n(4, fours as usize)));
    Some(radices)
}

/// The radix-5 and radix-3 passes for the factors 5 and 3 of `rest`, and what is left of it
/// (0 stays 0).
fn odd_radices(mut rest: usize) -> (Vec<usize>, usize) {
    let mut radices = Vec::new();
    for odd in [5, 3] {
        while rest > 0 && rest.is_multiple_of(odd) {
            radices.push(odd);
            rest /= odd;
        }
    }
    (radices, rest)
}

/// `radices` ([`strided_radices`]) with their two closing radix-4 passes merged into one
/// radix-16 pass (1024 points: 8·8·16 against 8·8·4·4); the last pass has no twiddles between
/// its butterflies, so the 16-point one needs none of its own. Measured on the 2-vCPU Xeon VM
/// of 2026-12-07, night (2^22 f32 values in cache, both cores, alternating): 1024 points
/// 1.73–1.83 against 2.05–2.31 ms, 640 1.58 against 1.95, 8192 alike; two radix-16 passes for
/// 2048 (one twiddled) were slower than 8·8·4 (2.01 against 1.82). Whole lanes only: the
/// column kernels' first strided pass is radix 8 for their gathering.
fn sixteens(mut radices: Vec<usize>) -> Vec<usize> {
    if radices.ends_with(&[4, 4]) {
        radices.truncate(radices.len() - 2);
        radices.push(16);
    }
    radices
}

/// The radices of the passes after a whole lane's first (radix-8) pass, for `rest = len/8`:
/// [`strided_radices`], and for a power-of-two part of 1 or 4 (which those passes leave to
/// the first) the radix-5 and 3 passes and one radix-4 pass where it is 4 (1000: 5·5·5, 4000:
/// 5·5·5·4). `None` for other lengths.
fn rest_radices(rest: usize) -> Option<Vec<usize>> {
    match odd_radices(rest) {
        (radices, 1) => Some(radices),
        (mut radices, 4) => {
            radices.push(4);
            Some(radices)
        }
        _ => strided_radices(rest),
    }
}

/// Whether the strided passes take `rest` (what [`strided_radices`] plans), without building
/// the list: the planner asks this for every tile of lanes.
fn strided(rest: usize) -> bool {
    power_of_two_part(without_odd_factors(rest)).is_some()
}

/// `rest` with its factors 5 and 3 taken out (0 stays 0), without building a list.
fn without_odd_factors(mut rest: usize) -> usize {
    for odd in [5, 3] {
        while rest > 0 && rest.is_multiple_of(odd) {
            rest /= odd;
        }
    }
    rest
}

/// `log2 rest` when `rest` is a power of two of at least 8 (what is left of a length once its
/// factors 5 and 3 are taken out), else `None`.
fn power_of_two_part(rest: usize) -> Option<u32> {
    (rest.is_power_of_two() && rest >= 8).then(|| rest.trailing_zeros())
}

/// `Length`, `Direction` and `Fft<$float>` for a kernel type with fields `len` and `direction`
/// and methods `run_lanes(src, dst, lanes, scratch)` (in place when `src == dst`) and
/// `scratch_len()`: every way of calling it runs its lanes through `run_lanes`.
macro_rules! lane_kernel_fft {
    ($kernel:ident, $float:ty) => {
        impl $kernel {
            /// The lanes in a buffer of `len` values (a multiple of the length, else a panic, as
            /// rustfft's own plans do).
            fn lanes(&self, what: &str, len: usize) -> usize {
                assert!(
                    len.is_multiple_of(self.len),
                    "{}: {what} of {len} values is not a multiple of the length {}",
                    stringify!($kernel),
                    self.len
                );
                len / self.len
            }
        }

        impl rustfft::Length for $kernel {
            fn len(&self) -> usize {
                self.len
            }
        }

        impl rustfft::Direction for $kernel {
            fn fft_direction(&self) -> rustfft::FftDirection {
                self.direction
            }
        }

        impl rustfft::Fft<$float> for $kernel {
            fn process_with_scratch(
                &self,
                buffer: &mut [num_complex::Complex<$float>],
                scratch: &mut [num_complex::Complex<$float>],
            ) {
                let lanes = self.lanes("buffer", buffer.len());
                let ptr = buffer.as_mut_ptr();
                self.run_lanes(ptr, ptr, lanes, scratch);
            }

            fn process_outofplace_with_scratch(
                &self,
                input: &mut [num_complex::Complex<$float>],
                output: &mut [num_complex::Complex<$float>],
                scratch: &mut [num_complex::Complex<$float>],
            ) {
                self.process_immutable_with_scratch(input, output, scratch);
            }

            fn process_immutable_with_scratch(
                &self,
                input: &[num_complex::Complex<$float>],
                output: &mut [num_complex::Complex<$float>],
                scratch: &mut [num_complex::Complex<$float>],
            ) {
                let lanes = self.lanes("input", input.len());
                assert_eq!(
                    input.len(),
                    output.len(),
                    "{}: input and output lengths differ",
                    stringify!($kernel)
                );
                self.run_lanes(input.as_ptr(), output.as_mut_ptr(), lanes, scratch);
            }

            fn get_inplace_scratch_len(&self) -> usize {
                self.scratch_len()
            }

            fn get_outofplace_scratch_len(&self) -> usize {
                self.scratch_len()
            }

            fn get_immutable_scratch_len(&self) -> usize {
                self.scratch_len()
            }
        }
    };
}
use lane_kernel_fft;

lane_kernel_fft!(Avx512Fft, f32);
