//! Complex f64 FFTs of lengths 64·2^a·3^b·5^c on AVX-512: the Stockham passes on four complex f64 per register.

use std::arch::x86_64::__m512d;

use num_complex::Complex;
use rustfft::FftDirection;

use super::passes::NextLane;
use super::{Pass, run_passes, whole_lane_passes, whole_lanes};

/// A forward or inverse (unscaled) complex FFT for `f64` on AVX-512F, of any length that is a
/// multiple of 64 with no prime factor above 5 (64, 1024, 49152 = 3·2^14, 65536, ...): the
/// passes of [`Avx512Fft`](super::Avx512Fft) (radix-8 first pass transposed in registers, then
/// strided radix-8/5/4/3 passes, twiddles from f64) on four complex values per register.
///
/// ```
/// use rustfft::Fft;
/// use shardfft::plan::Avx512Fft64;
/// use shardfft::Complex;
///
/// if let Some(fft) = Avx512Fft64::new(64, rustfft::FftDirection::Forward) {
///     let mut x = vec![Complex::new(0.0f64, 0.0); 64];
///     x[1] = Complex::new(1.0, 0.0);
///     fft.process(&mut x); // the DFT of an impulse at 1: e^{-2πik/64}
///     assert!((x[16] - Complex::new(0.0, -1.0)).norm() < 1e-14);
/// }
/// ```
pub struct Avx512Fft64 {
    len: usize,
    direction: FftDirection,
    passes: Vec<Pass<f64>>,
}

impl Avx512Fft64 {
    /// The plan for `len`, or `None` when `len` is not a multiple of 64 made of the primes 2,
    /// 3 and 5, or this processor lacks AVX-512F.
    pub fn new(len: usize, direction: FftDirection) -> Option<Self> {
        if len == 0 || !whole_lanes(len) || !std::arch::is_x86_feature_detected!("avx512f") {
            return None;
        }
        let sign = if direction == FftDirection::Inverse { 1.0 } else { -1.0 };
        Some(Avx512Fft64 {
            len,
            direction,
            passes: whole_lane_passes::<__m512d>(len, sign)?,
        })
    }

    /// Every `len`-long lane of `src` into the same lane of `dst` (`src == dst`: in place).
    fn run_lanes(&self, src: *const Complex<f64>, dst: *mut Complex<f64>, lanes: usize, scratch: &mut [Complex<f64>]) {
        let n = self.len;
        assert!(scratch.len() >= n, "Avx512Fft64: scratch of {} < {n}", scratch.len());
        let tmp = scratch.as_mut_ptr() as *mut f64;
        let inverse = self.direction == FftDirection::Inverse;
        for lane in 0..lanes {
            // SAFETY: the callers pass buffers of `lanes · n` values; `scratch` is a separate
            // borrow of at least `n`, so it overlaps neither; AVX-512F was detected when the
            // plan was made, and the passes were planned for `n`.
            unsafe {
                let (from, to) = (src.add(lane * n) as *const f64, dst.add(lane * n) as *mut f64);
                run_passes::<__m512d>(&self.passes, inverse, from, to, tmp, n, NextLane::none());
            }
        }
    }

    /// Scratch (complex values) every call needs: a temporary lane.
    fn scratch_len(&self) -> usize {
        self.len
    }
}

super::lane_kernel_fft!(Avx512Fft64, f64);
