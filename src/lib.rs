//! shardfft: fast, exact, differentiable Fourier transforms on `ndarray` arrays.
//!
//! The function set and its semantics are numpy's (`numpy.fft`): any length (primes too),
//! `f32` and `f64`, any axes, `n`/`s` padding and truncation, and the three `norm` modes.
//! Every function returns [`Result`]; bad input is an [`Error`], never a panic.
//!
//! ```
//! use ndarray::Array2;
//! use shardfft::{irfft, rfft, Norm};
//!
//! let x = Array2::<f64>::from_shape_fn((8, 1001), |(i, j)| ((i * 7 + j) as f64).sin());
//! let spectrum = rfft(&x, None, -1, Norm::Backward)?; // shape (8, 501)
//! let back = irfft(&spectrum, Some(1001), -1, Norm::Backward)?;
//! assert!((&back - &x).iter().all(|e| e.abs() < 1e-12));
//! # Ok::<(), shardfft::Error>(())
//! ```

mod alloc;
pub mod conv;
pub mod dist;
mod error;
mod exec;
pub mod grad;
mod norm;
pub mod plan;
mod pool;
mod scalar;
mod transforms;

pub use alloc::zeros;
pub use conv::{
    ConvPlan, ConvSpec, fftconvolve, fftconvolve_nd, fftconvolve_vjp, fftcorrelate, fftcorrelate_nd, fftcorrelate_vjp,
    next_fast_len,
};
pub use error::{Error, Result};
pub use norm::Norm;
pub use num_complex::Complex;
pub use pool::pinned_pool_builder;
pub use scalar::{Float, Scalar};
pub use transforms::{
    fft, fft_inplace, fft_into, fft2, fft2_into, fftfreq, fftn, fftn_inplace, fftn_into, fftshift, hfft, ifft,
    ifft_inplace, ifft_into, ifft2, ifft2_into, ifftn, ifftn_inplace, ifftn_into, ifftshift, ihfft, irfft, irfft_into,
    irfft2, irfftn, rfft, rfft_into, rfft2, rfftfreq, rfftn,
};

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
