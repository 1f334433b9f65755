//! FFT convolution and correlation along one axis or several, with their gradients.
//!
//! scipy.signal's semantics ([`fftconvolve`] is `scipy.signal.fftconvolve`, [`fftcorrelate`]
//! is `scipy.signal.correlate`) on `ndarray` arrays of `f32`, `f64` or their complex types,
//! plus a [`Mode::Causal`] mode, batching with numpy broadcasting, a choice between three
//! methods (direct, overlap-add, one FFT; see [`Method`]) and vector-Jacobian products.
//!
//! - **Modes** ([`Mode`]): `Full` (N+K−1 samples), `Same` (N, centered), `Valid` (|N−K|+1),
//!   `Causal` (the first N: `y[t] = Σ_{s≤t} k[s]·x[t−s]`).
//! - **Broadcasting**: the kernel is aligned with the signal from the right and broadcasts
//!   along the other axes; a signal `(batch, channels, n)` takes a kernel per channel
//!   `(channels, k)`, one shared kernel `(k,)`, or one per lane `(batch, channels, k)`. A 1-D
//!   kernel convolved along one axis always lies along that axis. Details at [`ConvPlan`].
//! - **Lengths**: the FFT runs at the smallest `2^a·3^b·5^c·7^d` length (see
//!   [`next_fast_len`]) at which the circular convolution gives the mode's samples exactly
//!   (N+K−1 for `Full`, as little as N for `Valid`), even along the real axis of real signals,
//!   which go through real transforms.
//! - **Reuse**: a [`ConvPlan`] holds the kernel's spectrum, computed once; apply it to any
//!   number of signals. The free functions build a plan per call.
//! - **Gradients**: [`ConvPlan::vjp`] and friends, [`fftconvolve_vjp`], [`fftcorrelate_vjp`];
//!   PyTorch's convention (the VJP of a linear map is its adjoint), as in [`crate::grad`].
//!
//! Errors (bad axes, zero lengths, shapes that do not broadcast, a cotangent of the wrong
//! shape) are [`Error`](crate::Error) values; nothing panics on user input.
//!
//! ```
//! use ndarray::{Array1, Array3};
//! use shardfft::conv::{fftconvolve, Mode};
//!
//! // A batch of 2×3 signals of 1000 samples, one 5-tap kernel shared by all of them.
//! let x = Array3::from_shape_fn((2, 3, 1000), |(b, c, t)| ((b + 2 * c) as f64 + t as f64 * 0.01).sin());
//! let k = Array1::from(vec![0.1, 0.2, 0.4, 0.2, 0.1]);
//! let y = fftconvolve(&x, &k, Mode::Same, -1)?;
//! assert_eq!(y.shape(), &[2, 3, 1000]);
//! # Ok::<(), shardfft::Error>(())
//! ```

mod array;
mod direct;
mod fused;
mod method;
mod mode;
mod overlap;
mod plan;
mod scalar;
mod shape;

pub(crate) use shape::expand_kernel_shape;
mod spectral;
mod vjp;

pub use method::Method;
pub use mode::{Mode, next_fast_len};
pub use plan::{ConvPlan, ConvSpec};
pub use scalar::ConvScalar;
pub use vjp::ConvTape;

use ndarray::{Array, ArrayBase, Data, Dimension};

use crate::Result;

/// Convolves `x` with `k` along `axis` (`scipy.signal.fftconvolve(x, k, mode, axes=axis)`,
/// plus [`Mode::Causal`]).
///
/// `k` broadcasts against `x` (see [`ConvPlan`]); the result has the broadcast batch shape
/// and the mode's length along `axis`. The method is chosen by cost; to force one, or to apply
/// one kernel to many signals, use a [`ConvPlan`].
///
/// ```
/// use ndarray::{array, Array2};
/// use shardfft::conv::{fftconvolve, Mode};
/// let y = fftconvolve(&array![1.0f64, 2.0, 3.0], &array![0.0, 1.0, 0.5], Mode::Full, -1)?;
/// let want = [0.0, 1.0, 2.5, 4.0, 1.5];
/// assert!(y.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
///
/// // One kernel per channel: x (batch, channels, n), k (channels, k).
/// let x = ndarray::Array3::<f32>::ones((4, 2, 16));
/// let k = array![[1.0f32, 1.0], [1.0, -1.0]];
/// let y = fftconvolve(&x, &k, Mode::Causal, -1)?;
/// assert_eq!(y.shape(), &[4, 2, 16]);
/// assert!((y[[0, 0, 5]] - 2.0).abs() < 1e-5 && y[[0, 1, 5]].abs() < 1e-5);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftconvolve<A, S1, S2, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    mode: Mode,
    axis: isize,
) -> Result<Array<A, D1>>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &ConvSpec::new(mode).axis(axis))?.apply(x)
}

/// Correlates `x` with `k` along `axis` (`scipy.signal.correlate(x, k, mode, method="fft")`
/// along one axis): `z[t] = Σ_s x[t + s − off]·conj(k[s])`, the convolution with `k` reversed
/// and conjugated, in the same modes.
///
/// ```
/// use ndarray::array;
/// use shardfft::conv::{fftcorrelate, Mode};
/// let z = fftcorrelate(&array![1.0f64, 2.0, 3.0, 4.0], &array![1.0, 1.0], Mode::Valid, 0)?;
/// let want = [3.0, 5.0, 7.0];
/// assert!(z.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftcorrelate<A, S1, S2, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    mode: Mode,
    axis: isize,
) -> Result<Array<A, D1>>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &ConvSpec::new(mode).axis(axis).correlation())?.apply(x)
}

/// N-dimensional convolution over `axes` (`None`: every axis), as
/// `scipy.signal.fftconvolve(x, k, mode, axes)`.
///
/// ```
/// use ndarray::{array, Array2};
/// use shardfft::conv::{fftconvolve_nd, Mode};
/// let img = Array2::<f64>::ones((5, 6));
/// let blur = Array2::from_elem((3, 3), 1.0 / 9.0);
/// let y = fftconvolve_nd(&img, &blur, Mode::Same, None)?;
/// assert_eq!(y.shape(), &[5, 6]);
/// assert!((y[[2, 2]] - 1.0).abs() < 1e-12 && (y[[0, 0]] - 4.0 / 9.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftconvolve_nd<A, S1, S2, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    mode: Mode,
    axes: Option<&[isize]>,
) -> Result<Array<A, D1>>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &nd_spec(mode, axes))?.apply(x)
}

/// N-dimensional correlation over `axes` (`None`: every axis), as
/// `scipy.signal.correlate(x, k, mode)` (which correlates over every axis).
///
/// ```
/// use ndarray::{array, Array2};
/// use shardfft::conv::{fftcorrelate_nd, Mode};
/// let x = Array2::from_shape_fn((4, 4), |(i, j)| (i * 4 + j) as f64);
/// let z = fftcorrelate_nd(&x, &array![[1.0, 0.0], [0.0, 0.0]], Mode::Valid, None)?;
/// assert_eq!(z.shape(), &[3, 3]);
/// assert!((z[[1, 2]] - x[[1, 2]]).abs() < 1e-12); // the tap picks x itself
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftcorrelate_nd<A, S1, S2, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    mode: Mode,
    axes: Option<&[isize]>,
) -> Result<Array<A, D1>>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &nd_spec(mode, axes).correlation())?.apply(x)
}

/// The gradients `(∂L/∂x, ∂L/∂k)` of a loss `L` through `y = fftconvolve(x, k, mode, axis)`,
/// given `g = ∂L/∂y` (PyTorch's convention: the adjoint of the convolution applied to `g`).
/// The kernel gradient is summed over the axes the kernel was broadcast along.
///
/// ```
/// use ndarray::array;
/// use shardfft::conv::{fftconvolve_vjp, Mode};
/// let x = array![1.0f64, 2.0, 3.0];
/// let k = array![1.0, -1.0];
/// let g = array![1.0, 0.0, 0.0]; // L = y[0] in mode Same
/// let (gx, gk) = fftconvolve_vjp(&x, &k, &g, Mode::Same, -1)?;
/// // y[0] = k[0]·x[0]: only those two get a gradient.
/// assert!((gx[0] - 1.0).abs() < 1e-12 && gx[1].abs() < 1e-12);
/// assert!((gk[0] - 1.0).abs() < 1e-12 && gk[1].abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftconvolve_vjp<A, S1, S2, S3, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    g: &ArrayBase<S3, D1>,
    mode: Mode,
    axis: isize,
) -> Result<(Array<A, D1>, Array<A, D2>)>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    S3: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &ConvSpec::new(mode).axis(axis))?.vjp(x, g)
}

/// The gradients `(∂L/∂x, ∂L/∂k)` through `z = fftcorrelate(x, k, mode, axis)`, given
/// `g = ∂L/∂z`.
///
/// ```
/// use ndarray::array;
/// use shardfft::conv::{fftcorrelate_vjp, Mode};
/// use shardfft::Complex;
/// let x = array![Complex::new(1.0f64, 1.0), Complex::new(0.0, 2.0)];
/// let k = array![Complex::new(0.5f64, 0.0)];
/// let g = array![Complex::new(1.0f64, 0.0), Complex::new(0.0, 0.0)];
/// let (gx, gk) = fftcorrelate_vjp(&x, &k, &g, Mode::Full, 0)?;
/// // z = x·conj(k): ∂L/∂x = g·k, ∂L/∂k = conj(g)·x (the adjoint of k ↦ x·conj(k)).
/// assert!((gx[0] - Complex::new(0.5, 0.0)).norm() < 1e-12);
/// assert!((gk[0] - Complex::new(1.0, 1.0)).norm() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftcorrelate_vjp<A, S1, S2, S3, D1, D2>(
    x: &ArrayBase<S1, D1>,
    k: &ArrayBase<S2, D2>,
    g: &ArrayBase<S3, D1>,
    mode: Mode,
    axis: isize,
) -> Result<(Array<A, D1>, Array<A, D2>)>
where
    A: ConvScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    S3: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    ConvPlan::new(k, x.shape(), &ConvSpec::new(mode).axis(axis).correlation())?.vjp(x, g)
}

/// The spec of the N-D free functions.
fn nd_spec(mode: Mode, axes: Option<&[isize]>) -> ConvSpec {
    match axes {
        Some(a) => ConvSpec::new(mode).axes(a),
        None => ConvSpec::new(mode).all_axes(),
    }
}
