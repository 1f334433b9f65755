//! Real transforms that read their input without writing it, so that the executor can hand
//! them the caller's lanes as they are rather than a copy (realfft's plans use their input as
//! scratch; shardfft's own and the half-length plans over rustfft's do not).

use std::sync::Arc;

use num_complex::Complex;
use realfft::{ComplexToReal, FftError, RealToComplex};

use super::BatchR2c;
use super::lanes::lane_count;
use crate::Float;

/// A real-to-complex plan that reads its input without writing it (realfft's contract, but
/// its input need not be writable): batches hand it the caller's lanes as they are.
///
/// ```
/// use shardfft::plan::{ReadOnlyR2c, native};
/// use shardfft::Complex;
///
/// if let Some(plan) = native::r2c(128) {
///     let x = vec![1.0f32; 128];
///     let mut y = vec![Complex::new(0.0, 0.0); 65];
///     let mut scratch = vec![Complex::new(0.0, 0.0); plan.get_scratch_len()];
///     plan.process_from(&x, &mut y, &mut scratch).unwrap();
///     assert!((y[0].re - 128.0).abs() < 1e-4 && y[1].norm() < 1e-4);
/// }
/// ```
pub trait ReadOnlyR2c<T: Float>: RealToComplex<T> {
    /// `process_with_scratch` with `input` only read.
    ///
    /// # Errors
    /// realfft's [`FftError`] when a buffer has the wrong length.
    fn process_from(&self, input: &[T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> Result<(), FftError>;
}

/// A [`ReadOnlyR2c`] plan run lane after lane, on lanes read as they are.
///
/// ```
/// use shardfft::plan::{BatchR2c, ReadOnlyLanes, native};
/// use shardfft::Complex;
///
/// if let Some(plan) = native::r2c(128) {
///     let lanes = ReadOnlyLanes(plan);
///     let x = vec![1.0f32; 2 * 128];
///     let mut y = vec![Complex::new(0.0, 0.0); 2 * 65];
///     let mut scratch = vec![Complex::new(0.0, 0.0); lanes.scratch_len()];
///     assert!(lanes.process_lanes_from(&x, &mut y, &mut scratch));
///     assert!((y[65].re - 128.0).abs() < 1e-4);
/// }
/// ```
pub struct ReadOnlyLanes<T: Float>(pub Arc<dyn ReadOnlyR2c<T>>);

impl<T: Float> BatchR2c<T> for ReadOnlyLanes<T> {
    fn lane_len(&self) -> usize {
        self.0.len()
    }

    fn lanes_per_call(&self) -> usize {
        1
    }

    fn scratch_len(&self) -> usize {
        self.0.get_scratch_len()
    }

    fn process_lanes(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        self.process_lanes_from(input, output, scratch);
    }

    fn process_lanes_from(&self, input: &[T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> bool {
        let n = self.lane_len();
        lane_count(n, input.len(), output.len(), (scratch.len(), self.scratch_len()));
        for (x, y) in input.chunks_exact(n).zip(output.chunks_exact_mut(n / 2 + 1)) {
            let done = self.0.process_from(x, y, scratch);
            debug_assert!(done.is_ok(), "lane lengths were checked above");
        }
        true
    }
}

/// A complex-to-real plan that reads its input without writing it (realfft's contract, except
/// that its input need not be writable and that the imaginary parts of the first and last
/// bins are ignored, as numpy does, rather than reported).
///
/// ```
/// use shardfft::plan::{ReadOnlyC2r, native};
/// use shardfft::Complex;
///
/// if let Some(plan) = native::c2r(128) {
///     let mut y = vec![Complex::new(0.0f32, 0.0); 65];
///     y[0] = Complex::new(1.0, 5.0); // a DC bin of 1 (its imaginary part ignored)
///     let mut x = vec![0.0f32; 128];
///     let mut scratch = vec![Complex::new(0.0, 0.0); plan.get_scratch_len()];
///     plan.process_from(&y, &mut x, &mut scratch).unwrap();
///     assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-5));
/// }
/// ```
pub trait ReadOnlyC2r<T: Float>: ComplexToReal<T> {
    /// `process_with_scratch` with `input` only read.
    ///
    /// # Errors
    /// realfft's [`FftError`] when a buffer has the wrong length.
    fn process_from(&self, input: &[Complex<T>], output: &mut [T], scratch: &mut [Complex<T>]) -> Result<(), FftError>;
}
