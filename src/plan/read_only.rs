//! Real transforms that read their input without writing it, so that the executor can hand
//! them the caller's lanes as they are rather than a copy (realfft's plans use their input as
//! scratch; shardfft's own and the half-length plans over rustfft's do not).

use num_complex::Complex;
use realfft::{ComplexToReal, FftError, RealToComplex};

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
