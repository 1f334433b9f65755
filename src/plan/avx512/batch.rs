//! Complex f32 FFTs of lengths the whole-lane passes do not take (2000, 6000, 40, 360, ...), eight lanes at a time.
//!
//! Eight lanes are transposed (8×8 blocks in registers) into an `n × 8` slab, so each vector
//! holds one point of every lane; the strided passes of `split.rs` then run on the slab as on
//! any eight columns, and the results are transposed back. Every pass is vectorized, whatever
//! `n` is, as long as it is a multiple of 8 made of 2, 3 and 5 (1000, 40, 360, 6000, ...).
//! Calls with fewer than eight lanes left go to rustfft.

use std::sync::Arc;

use num_complex::Complex;
use rustfft::{Fft, FftDirection, FftPlanner};

use super::columns::Columns;
use super::passes::{LANES, lanes_to_slab, slab_to_lanes};

/// A forward or inverse (unscaled) complex FFT for `f32` on AVX-512F that transforms its
/// lanes eight at a time, for lengths that are multiples of 8 with no prime factor above 5.
///
/// ```
/// use rustfft::Fft;
/// use shardfft::plan::Avx512BatchFft;
/// use shardfft::Complex;
///
/// if let Some(fft) = Avx512BatchFft::new(1000, rustfft::FftDirection::Forward) {
///     let mut x = vec![Complex::new(1.0f32, 0.0); 8 * 1000]; // eight lanes of ones
///     fft.process(&mut x);
///     assert!((x[1000] - Complex::new(1000.0, 0.0)).norm() < 1e-3); // lane 1's DC bin
///     assert!(x[1001].norm() < 1e-3);
/// }
/// ```
pub struct Avx512BatchFft {
    len: usize,
    direction: FftDirection,
    columns: Columns,
    /// rustfft's plan, for the lanes left over when fewer than eight remain.
    single: Arc<dyn Fft<f32>>,
}

impl Avx512BatchFft {
    /// The plan for `len`, or `None` when `len` is not a multiple of 8 made of the primes 2, 3
    /// and 5, or this processor lacks AVX-512F.
    pub fn new(len: usize, direction: FftDirection) -> Option<Self> {
        if len == 0 || !len.is_multiple_of(LANES) || !std::arch::is_x86_feature_detected!("avx512f") {
            return None;
        }
        let sign = if direction == FftDirection::Inverse { 1.0 } else { -1.0 };
        Some(Avx512BatchFft {
            len,
            direction,
            columns: Columns::new(len, sign)?,
            single: FftPlanner::new().plan_fft(len, direction),
        })
    }

    /// Floats of one slab of eight lanes.
    fn slab(&self) -> usize {
        2 * LANES * self.len
    }

    /// Every lane of `src` into the same lane of `dst` (`src == dst`: in place).
    fn run_lanes(&self, src: *const Complex<f32>, dst: *mut Complex<f32>, lanes: usize, scratch: &mut [Complex<f32>]) {
        let n = self.len;
        assert!(
            scratch.len() >= self.scratch_len(),
            "Avx512BatchFft: scratch of {} < {}",
            scratch.len(),
            self.scratch_len()
        );
        let (slabs, rest) = scratch.split_at_mut(2 * LANES * n);
        let slabs = slabs.as_mut_ptr() as *mut f32;
        let groups = lanes / LANES;
        for group in 0..groups {
            let offset = group * LANES * n;
            // SAFETY: the callers pass buffers of `lanes · n` values; the slabs are a separate
            // borrow; AVX-512F was detected when the plan was made.
            unsafe { self.run_group(src.add(offset) as *const f32, dst.add(offset) as *mut f32, slabs) };
        }
        let done = groups * LANES * n;
        let left = (lanes - groups * LANES) * n;
        if left > 0 {
            // SAFETY: lanes `groups·8..lanes` of both buffers, inside them (the callers' lengths).
            unsafe {
                let out = std::slice::from_raw_parts_mut(dst.add(done), left);
                if std::ptr::eq(src, dst) {
                    self.single.process_with_scratch(out, rest);
                } else {
                    let input = std::slice::from_raw_parts(src.add(done), left);
                    self.single.process_immutable_with_scratch(input, out, rest);
                }
            }
        }
    }

    /// Eight lanes from `src` into `dst` (which may be equal) through the two slabs at `slabs`.
    ///
    /// # Safety
    /// AVX-512F; `src` and `dst` valid for `8·len` complex values, `slabs` for two slabs.
    #[target_feature(enable = "avx512f")]
    unsafe fn run_group(&self, src: *const f32, dst: *mut f32, slabs: *mut f32) {
        let n = self.len;
        let (a, b) = (slabs, slabs.wrapping_add(self.slab()));
        // SAFETY: eight lanes of `n` values in `src` and `dst`, two slabs of `8·n` at
        // `slabs` (the caller's contract).
        unsafe {
            lanes_to_slab(src, n, n, a);
            let res = self.columns.run(a, b);
            slab_to_lanes(res, n, dst, n);
        }
    }

    /// Scratch (complex values) every call needs: two slabs, and rustfft's for the leftovers.
    fn scratch_len(&self) -> usize {
        let single = self
            .single
            .get_inplace_scratch_len()
            .max(self.single.get_immutable_scratch_len());
        2 * LANES * self.len + single
    }
}

super::lane_kernel_fft!(Avx512BatchFft, f32);
