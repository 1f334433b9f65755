//! Gradients: a vector-Jacobian product (VJP) and a Jacobian-vector product (JVP) for every
//! transform.
//!
//! # Convention
//!
//! PyTorch's: for a real loss L and a complex value z, the gradient is
//! `grad(z) = ∂L/∂Re z + i·∂L/∂Im z`, so plain gradient descent `z -= lr * grad` works. Under it
//! the VJP of a complex-linear map is its conjugate transpose (fft's is n·ifft), and the VJP of a
//! map with a real side (rfft, irfft, hfft, ihfft) is its adjoint for the real inner product
//! Re⟨u, v⟩ = Re Σ conj(u)·v, so that `Re⟨A x, g⟩ = Re⟨x, vjp(g)⟩` for every x and g.
//!
//! **JAX's convention is the complex conjugate of this one:** to use these VJPs there, conjugate
//! the cotangent going in and the gradient coming out (real arrays are unchanged).
//!
//! # Arguments
//!
//! Every `*_vjp` takes the forward input's shape `x_shape`, then the cotangent (the gradient
//! with respect to the forward output, so of the output's shape and element type), then exactly
//! the forward call's remaining arguments (`n, axis, norm` or `s, axes, norm`) with the same
//! meaning and defaults. It returns the gradient with respect to the forward input, of shape
//! `x_shape`: real for the transforms whose input is real ([`rfft_vjp`], [`rfft2_vjp`],
//! [`rfftn_vjp`], [`ihfft_vjp`]), complex otherwise. The complex transforms (and irfft, hfft)
//! also accept real input; for a real input take `.re` of the returned gradient (the real part of
//! a gradient is the gradient of the real part).
//!
//! A cotangent of the wrong shape is an [`Error::ShapeMismatch`]
//! naming the expected shape; element types are checked by the compiler.
//!
//! Every `*_jvp` takes the forward call's arguments, with the tangent in place of the input: the
//! transforms are linear, so the JVP is the transform of the tangent. They exist so framework
//! integrations can call every rule by one naming scheme.
//!
//! # Exactness and cost
//!
//! Padding and truncation by `n`/`s` are differentiated exactly (the VJP of zero-padding
//! truncates, and the VJP of truncation zero-pads); the Hermitian-packed bins of the real
//! transforms are weighted exactly (bins that stand for a conjugate pair count twice, the DC and
//! Nyquist bins once, and the imaginary parts irfft ignores get a zero gradient). A VJP runs the
//! adjoint 1-D kernels through the same planned, parallel executor as the forward transform, with
//! the resize, norm factor and bin weights folded into the lane pass: it costs about what the
//! forward transform costs.
//!
//! ```
//! use ndarray::Array1;
//! use shardfft::{grad, irfft, rfft, Complex, Norm};
//!
//! // L = Σ w·y² with y = irfft(z): the gradient of L with respect to the spectrum z.
//! let x = Array1::from_shape_fn(10, |j| (j as f64 * 0.7).sin());
//! let z = rfft(&x, None, -1, Norm::Backward)?; // 6 bins
//! let w = Array1::from_shape_fn(10, |j| 1.0 + j as f64);
//! let y = irfft(&z, Some(10), -1, Norm::Backward)?;
//! let gy = 2.0 * &w * &y; // ∂L/∂y
//! let gz: Array1<Complex<f64>> = grad::irfft_vjp(z.shape(), &gy, Some(10), -1, Norm::Backward)?;
//! assert_eq!(gz.len(), 6);
//! assert_eq!(gz[0].im, 0.0); // irfft ignores the imaginary part of the DC bin
//! # Ok::<(), shardfft::Error>(())
//! ```

mod adjoint;

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, Data, Dimension};
use num_complex::Complex;

use crate::transforms::{LAST_TWO, into_dim, length, normalize_axis, resolve_axes};
use crate::{Error, Float, Norm, Result, Scalar};

/// numpy's default real output length from `m` Hermitian bins: 2(m−1).
fn default_real_len(m: usize) -> usize {
    m.saturating_sub(1) * 2
}

/// The default transform length of every axis but a real output's: the input's length.
fn same_len(m: usize) -> usize {
    m
}

/// `shape` with `shape[axes[i]]` replaced by `lens[i]`.
fn with_lens(shape: &[usize], axes: &[usize], lens: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut out = shape.to_vec();
    for (&axis, len) in axes.iter().zip(lens) {
        out[axis] = len;
    }
    out
}

/// The cotangent's shape is `expected`, or a [`Error::ShapeMismatch`] that says so.
fn check_cotangent(transform: &str, expected: Vec<usize>, got: &[usize]) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::ShapeMismatch {
            what: format!("cotangent of {transform}"),
            expected,
            got: got.to_vec(),
        })
    }
}

/// The forward's `axis` and transform length for a 1-D call on an input of shape `x_shape`;
/// `default` gives the length from the input's length along the axis.
fn resolve_1d(x_shape: &[usize], n: Option<usize>, axis: isize, default: fn(usize) -> usize) -> Result<(usize, usize)> {
    let axis = normalize_axis(axis, x_shape.len())?;
    Ok((axis, length(n, default(x_shape[axis]), "n")?))
}

/// The forward's axes and their transform lengths for an N-D call on an input of shape
/// `x_shape`; the last axis' default length comes from `last_default` (real transforms).
fn resolve_nd(
    x_shape: &[usize],
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    real: Option<fn(usize) -> usize>,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let (axes, lens) = resolve_axes(x_shape.len(), s, axes)?;
    if real.is_some() && axes.is_empty() {
        return Err(Error::InvalidArgument(
            "a real N-D transform needs at least one axis".into(),
        ));
    }
    let last = axes.len().saturating_sub(1);
    let ns = axes
        .iter()
        .zip(&lens)
        .enumerate()
        .map(|(i, (&axis, &len))| match real {
            Some(default) if i == last => length(len, default(x_shape[axis]), &format!("output length of axis {axis}")),
            _ => length(len, x_shape[axis], &format!("length of axis {axis}")),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((axes, ns))
}

/// VJP of complex transforms of lengths `ns` along `axes` (direction `inverse`).
fn c2c_vjp<T: Float>(
    transform: &str,
    x_shape: &[usize],
    g: ArrayViewD<'_, Complex<T>>,
    (axes, ns): (&[usize], &[usize]),
    norm: Norm,
    inverse: bool,
) -> Result<ArrayD<Complex<T>>> {
    check_cotangent(transform, with_lens(x_shape, axes, ns.iter().copied()), g.shape())?;
    let mut out: Option<ArrayD<Complex<T>>> = None;
    for (&axis, &n) in axes.iter().zip(ns) {
        let (m, factor) = (x_shape[axis], norm.factor(n, inverse));
        out = Some(match out {
            None => adjoint::c2c(g.view(), axis, m, inverse, factor)?,
            Some(y) => adjoint::c2c_owned(y, axis, m, inverse, factor)?,
        });
    }
    Ok(out.unwrap_or_else(|| g.to_owned()))
}

/// VJP of a real-to-complex transform along the last of `axes` followed by forward complex
/// transforms along the others (rfft, rfftn; ihfft with `conj` and the swapped norm).
fn r2c_vjp<T: Float>(
    transform: &str,
    x_shape: &[usize],
    g: ArrayViewD<'_, Complex<T>>,
    (axes, ns): (&[usize], &[usize]),
    norm: Norm,
    conj: bool,
) -> Result<ArrayD<T>> {
    let (Some((&last, rest)), Some((&n_last, ns_rest))) = (axes.split_last(), ns.split_last()) else {
        return Err(Error::InvalidArgument("internal: a real transform without axes".into()));
    };
    let lens = ns_rest.iter().copied().chain([n_last / 2 + 1]);
    check_cotangent(transform, with_lens(x_shape, axes, lens), g.shape())?;
    let mut spectrum: Option<ArrayD<Complex<T>>> = None;
    for (&axis, &n) in rest.iter().zip(ns_rest) {
        let (m, factor) = (x_shape[axis], norm.factor(n, false));
        spectrum = Some(match spectrum {
            None => adjoint::c2c(g.view(), axis, m, false, factor)?,
            Some(y) => adjoint::c2c_owned(y, axis, m, false, factor)?,
        });
    }
    let spectrum = spectrum.as_ref().map_or(g, |y| y.view());
    adjoint::r2c(spectrum, last, n_last, x_shape[last], norm.factor(n_last, false), conj)
}

/// VJP of inverse complex transforms along all but the last of `axes` followed by a
/// complex-to-real transform along the last (irfft, irfftn; hfft with `conj` and the swapped norm).
fn c2r_vjp<T: Float>(
    transform: &str,
    x_shape: &[usize],
    g: ArrayViewD<'_, T>,
    (axes, ns): (&[usize], &[usize]),
    norm: Norm,
    conj: bool,
) -> Result<ArrayD<Complex<T>>> {
    let (Some((&last, rest)), Some((&n_last, ns_rest))) = (axes.split_last(), ns.split_last()) else {
        return Err(Error::InvalidArgument("internal: a real transform without axes".into()));
    };
    check_cotangent(transform, with_lens(x_shape, axes, ns.iter().copied()), g.shape())?;
    let mut y = adjoint::c2r(g, last, x_shape[last], norm.factor(n_last, true), conj)?;
    for (&axis, &n) in rest.iter().zip(ns_rest) {
        y = adjoint::c2c_owned(y, axis, x_shape[axis], true, norm.factor(n, true))?;
    }
    Ok(y)
}

/// VJP of [`fft`](crate::fft): the gradient with respect to its input, of shape `x_shape`.
///
/// `cotangent` is the gradient with respect to the output (shape `x_shape` with `n` along
/// `axis`); `n`, `axis` and `norm` are the forward call's. The result is the unscaled inverse
/// transform of the cotangent times the forward's norm factor, truncated or zero-padded back to
/// the input length. For a real input, take `.re` of the result.
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::fft_vjp, Complex, Norm};
/// // y[0] = Σ x, so the gradient of Re y[0] is all ones.
/// let g = array![Complex::new(1.0f64, 0.0), Complex::default(), Complex::default()];
/// let dx = fft_vjp(&[3], &g, None, -1, Norm::Backward)?;
/// assert!(dx.iter().all(|z| (z.re - 1.0).abs() < 1e-12 && z.im.abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, same_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("fft", x_shape, g, (&[axis], &[n]), norm, false)?)
}

/// VJP of [`ifft`](crate::ifft); arguments as [`fft_vjp`].
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::ifft_vjp, Complex, Norm};
/// // y[0] = mean(x) with the default norm, so the gradient of Re y[0] is 1/n everywhere.
/// let g = array![Complex::new(1.0f64, 0.0), Complex::default(), Complex::default(), Complex::default()];
/// let dx = ifft_vjp(&[4], &g, None, 0, Norm::Backward)?;
/// assert!(dx.iter().all(|z| (z.re - 0.25).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, same_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("ifft", x_shape, g, (&[axis], &[n]), norm, true)?)
}

/// VJP of [`rfft`](crate::rfft): a real gradient of shape `x_shape` from the cotangent of the
/// n/2+1 bins.
///
/// The bins that stand for a conjugate pair enter with weight ½ relative to the DC and Nyquist
/// bins (whose imaginary parts, always zero in the output, do not matter).
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::rfft_vjp, Complex, Norm};
/// // Re y[1] = x0 − x2 for n = 4.
/// let g = array![Complex::default(), Complex::new(1.0f64, 0.0), Complex::default()];
/// let dx = rfft_vjp(&[4], &g, None, -1, Norm::Backward)?;
/// let want = [1.0, 0.0, -1.0, 0.0];
/// assert!(dx.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<T, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, same_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(r2c_vjp("rfft", x_shape, g, (&[axis], &[n]), norm, false)?)
}

/// VJP of [`irfft`](crate::irfft): a complex gradient of shape `x_shape` (the input's bins) from
/// the real cotangent of the n outputs.
///
/// Bins that stand for a conjugate pair get twice the weight of the DC and Nyquist bins, whose
/// gradients are real (irfft ignores their imaginary parts); bins past n/2 get zero.
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::irfft_vjp, Norm};
/// // y[0] = (Re z0 + 2 Re z1 + Re z2) / 4 for n = 4.
/// let dz = irfft_vjp(&[3], &array![1.0f64, 0.0, 0.0, 0.0], None, 0, Norm::Backward)?;
/// let want = [0.25, 0.5, 0.25];
/// assert!(dz.iter().zip(want).all(|(z, w)| (z.re - w).abs() < 1e-12 && z.im == 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = T>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, default_real_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2r_vjp("irfft", x_shape, g, (&[axis], &[n]), norm, false)?)
}

/// VJP of [`hfft`](crate::hfft): a complex gradient of shape `x_shape` from the real cotangent.
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::hfft_vjp, Norm};
/// // y[0] = Re z0 + 2 Re z1 + Re z2 for n = 4.
/// let dz = hfft_vjp(&[3], &array![1.0f64, 0.0, 0.0, 0.0], None, 0, Norm::Backward)?;
/// let want = [1.0, 2.0, 1.0];
/// assert!(dz.iter().zip(want).all(|(z, w)| (z.re - w).abs() < 1e-12 && z.im.abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn hfft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = T>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, default_real_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2r_vjp("hfft", x_shape, g, (&[axis], &[n]), norm.swapped(), true)?)
}

/// VJP of [`ihfft`](crate::ihfft): a real gradient of shape `x_shape` from the cotangent of the
/// n/2+1 bins.
///
/// ```
/// use ndarray::array;
/// use shardfft::{grad::ihfft_vjp, Complex, Norm};
/// // y[0] = mean(x) with the default norm.
/// let g = array![Complex::new(1.0f64, 0.0), Complex::default(), Complex::default()];
/// let dx = ihfft_vjp(&[4], &g, None, 0, Norm::Backward)?;
/// assert!(dx.iter().all(|v| (v - 0.25).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ihfft_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<T, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axis, n) = resolve_1d(x_shape, n, axis, same_len)?;
    let g = cotangent.view().into_dyn();
    into_dim(r2c_vjp("ihfft", x_shape, g, (&[axis], &[n]), norm.swapped(), true)?)
}

/// VJP of [`fftn`](crate::fftn): the gradient of shape `x_shape` from the cotangent (shape
/// `x_shape` with each transformed axis at its length in `s`).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::fftn_vjp, Complex, Norm};
/// // Padded from (2, 3) to (4, 4): the gradient comes back at the input's shape.
/// let mut g = Array2::<Complex<f64>>::zeros((4, 4));
/// g[[0, 0]] = Complex::new(1.0, 0.0); // y[0, 0] = Σ x
/// let dx = fftn_vjp(&[2, 3], &g, Some(&[4, 4]), None, Norm::Backward)?;
/// assert_eq!(dx.shape(), &[2, 3]);
/// assert!(dx.iter().all(|z| (z.re - 1.0).abs() < 1e-12 && z.im.abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftn_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, axes, None)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("fftn", x_shape, g, (&axes, &ns), norm, false)?)
}

/// VJP of [`ifftn`](crate::ifftn); arguments as [`fftn_vjp`].
///
/// ```
/// use ndarray::Array3;
/// use shardfft::{grad::ifftn_vjp, Complex, Norm};
/// let mut g = Array3::<Complex<f32>>::zeros((2, 2, 5));
/// g[[0, 0, 0]] = Complex::new(1.0, 0.0); // y[0, 0, 0] = mean over the transformed axes 1, 2
/// let dx = ifftn_vjp(&[2, 2, 5], &g, None, Some(&[1, 2]), Norm::Backward)?;
/// assert!((dx[[0, 1, 4]].re - 0.1).abs() < 1e-6 && dx[[1, 1, 4]].norm() < 1e-6);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifftn_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, axes, None)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("ifftn", x_shape, g, (&axes, &ns), norm, true)?)
}

/// VJP of [`fft2`](crate::fft2); `axes` defaults to `[-2, -1]` as in the forward.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::fft2_vjp, Complex, Norm};
/// let mut g = Array2::<Complex<f64>>::zeros((2, 2));
/// g[[0, 0]] = Complex::new(1.0, 0.0);
/// let dx = fft2_vjp(&[2, 2], &g, None, None, Norm::Ortho)?; // y[0, 0] = Σ x / 2
/// assert!(dx.iter().all(|z| (z.re - 0.5).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft2_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, Some(axes.unwrap_or(LAST_TWO)), None)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("fft2", x_shape, g, (&axes, &ns), norm, false)?)
}

/// VJP of [`ifft2`](crate::ifft2); `axes` defaults to `[-2, -1]` as in the forward.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::ifft2_vjp, Complex, Norm};
/// let mut g = Array2::<Complex<f64>>::zeros((2, 2));
/// g[[0, 0]] = Complex::new(1.0, 0.0);
/// let dx = ifft2_vjp(&[2, 2], &g, None, None, Norm::Backward)?; // y[0, 0] = mean(x)
/// assert!(dx.iter().all(|z| (z.re - 0.25).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft2_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, Some(axes.unwrap_or(LAST_TWO)), None)?;
    let g = cotangent.view().into_dyn();
    into_dim(c2c_vjp("ifft2", x_shape, g, (&axes, &ns), norm, true)?)
}

/// VJP of [`rfftn`](crate::rfftn): a real gradient of shape `x_shape`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::rfftn_vjp, Complex, Norm};
/// let mut g = Array2::<Complex<f64>>::zeros((3, 3)); // rfftn of (3, 5) has shape (3, 3)
/// g[[0, 0]] = Complex::new(1.0, 0.0); // y[0, 0] = Σ x
/// let dx = rfftn_vjp(&[3, 5], &g, None, None, Norm::Backward)?;
/// assert!(dx.iter().all(|v| (v - 1.0).abs() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfftn_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<T, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, axes, Some(same_len))?;
    let g = cotangent.view().into_dyn();
    into_dim(r2c_vjp("rfftn", x_shape, g, (&axes, &ns), norm, false)?)
}

/// VJP of [`irfftn`](crate::irfftn): a complex gradient of shape `x_shape` (the input's bins).
///
/// ```
/// use ndarray::Array3;
/// use shardfft::{grad::irfftn_vjp, Norm};
/// // Σ irfftn(z) over every output is Re z[0, 0, 0].
/// let g = Array3::<f64>::ones((2, 3, 6));
/// let dz = irfftn_vjp(&[2, 3, 4], &g, None, None, Norm::Backward)?;
/// assert!((dz[[0, 0, 0]].re - 1.0).abs() < 1e-12);
/// assert!(dz.iter().skip(1).all(|z| z.norm() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfftn_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = T>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, axes, Some(default_real_len))?;
    let g = cotangent.view().into_dyn();
    into_dim(c2r_vjp("irfftn", x_shape, g, (&axes, &ns), norm, false)?)
}

/// VJP of [`rfft2`](crate::rfft2); `axes` defaults to `[-2, -1]` as in the forward.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::rfft2_vjp, Complex, Norm};
/// let mut g = Array2::<Complex<f32>>::zeros((2, 3)); // rfft2 of (2, 4) has shape (2, 3)
/// g[[0, 0]] = Complex::new(1.0, 0.0);
/// let dx = rfft2_vjp(&[2, 4], &g, None, None, Norm::Forward)?; // y[0, 0] = mean(x)
/// assert!(dx.iter().all(|v| (v - 0.125).abs() < 1e-6));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft2_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<T, D>>
where
    T: Float,
    S: Data<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, Some(axes.unwrap_or(LAST_TWO)), Some(same_len))?;
    let g = cotangent.view().into_dyn();
    into_dim(r2c_vjp("rfft2", x_shape, g, (&axes, &ns), norm, false)?)
}

/// VJP of [`irfft2`](crate::irfft2); `axes` defaults to `[-2, -1]` as in the forward.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{grad::irfft2_vjp, Norm};
/// let g = Array2::<f64>::ones((2, 4)); // irfft2 of (2, 3) bins has shape (2, 4)
/// let dz = irfft2_vjp(&[2, 3], &g, None, None, Norm::Backward)?;
/// assert!((dz[[0, 0]].re - 1.0).abs() < 1e-12 && dz[[1, 2]].norm() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft2_vjp<T, S, D>(
    x_shape: &[usize],
    cotangent: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<T>, D>>
where
    T: Float,
    S: Data<Elem = T>,
    D: Dimension,
{
    let (axes, ns) = resolve_nd(x_shape, s, Some(axes.unwrap_or(LAST_TWO)), Some(default_real_len))?;
    let g = cotangent.view().into_dyn();
    into_dim(c2r_vjp("irfft2", x_shape, g, (&axes, &ns), norm, false)?)
}

/// Generates the JVP of a transform: the transform applied to the tangent.
macro_rules! jvp {
    (
        $(#[$doc:meta])*
        $name:ident = $forward:ident($len:ident: $len_ty:ty, $axis:ident: $axis_ty:ty)
            where Elem: $bound:path => $out:ty
    ) => {
        $(#[$doc])*
        pub fn $name<S, D>(
            tangent: &ArrayBase<S, D>,
            $len: $len_ty,
            $axis: $axis_ty,
            norm: Norm,
        ) -> Result<Array<$out, D>>
        where
            S: Data,
            S::Elem: $bound,
            D: Dimension,
        {
            crate::$forward(tangent, $len, $axis, norm)
        }
    };
}

/// The element type of a complex output for input element `S::Elem`.
type ComplexOf<E> = Complex<<E as Scalar>::Real>;

jvp! {
    /// JVP of [`fft`](crate::fft): the forward transform of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{fft, grad::fft_jvp, Norm};
    /// let t = array![1.0f64, -2.0, 0.5];
    /// assert_eq!(fft_jvp(&t, Some(4), 0, Norm::Ortho)?, fft(&t, Some(4), 0, Norm::Ortho)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fft_jvp = fft(n: Option<usize>, axis: isize) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`ifft`](crate::ifft): the inverse transform of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{grad::ifft_jvp, ifft, Complex, Norm};
    /// let t = array![Complex::new(1.0f32, 2.0), Complex::new(0.0, -1.0)];
    /// assert_eq!(ifft_jvp(&t, None, -1, Norm::Backward)?, ifft(&t, None, -1, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ifft_jvp = ifft(n: Option<usize>, axis: isize) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`rfft`](crate::rfft): the rfft of the (real) tangent, same arguments.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{grad::rfft_jvp, rfft, Norm};
    /// let t = array![1.0f64, 2.0, 3.0];
    /// assert_eq!(rfft_jvp(&t, None, 0, Norm::Forward)?, rfft(&t, None, 0, Norm::Forward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    rfft_jvp = rfft(n: Option<usize>, axis: isize) where Elem: Float => Complex<S::Elem>
}

jvp! {
    /// JVP of [`irfft`](crate::irfft): the irfft of the tangent, same arguments (the imaginary
    /// parts of the tangent's DC and Nyquist bins are ignored, as by the forward).
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{grad::irfft_jvp, irfft, Complex, Norm};
    /// let t = array![Complex::new(1.0f64, 5.0), Complex::new(0.5, 0.5)];
    /// assert_eq!(irfft_jvp(&t, Some(3), 0, Norm::Backward)?, irfft(&t, Some(3), 0, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    irfft_jvp = irfft(n: Option<usize>, axis: isize) where Elem: Scalar => <S::Elem as Scalar>::Real
}

jvp! {
    /// JVP of [`hfft`](crate::hfft): the hfft of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{grad::hfft_jvp, hfft, Complex, Norm};
    /// let t = array![Complex::new(1.0f64, 0.0), Complex::new(0.5, -0.5)];
    /// assert_eq!(hfft_jvp(&t, None, 0, Norm::Ortho)?, hfft(&t, None, 0, Norm::Ortho)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    hfft_jvp = hfft(n: Option<usize>, axis: isize) where Elem: Scalar => <S::Elem as Scalar>::Real
}

jvp! {
    /// JVP of [`ihfft`](crate::ihfft): the ihfft of the (real) tangent, same arguments.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::{grad::ihfft_jvp, ihfft, Norm};
    /// let t = array![1.0f32, 0.0, -1.0, 2.0];
    /// assert_eq!(ihfft_jvp(&t, None, 0, Norm::Backward)?, ihfft(&t, None, 0, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ihfft_jvp = ihfft(n: Option<usize>, axis: isize) where Elem: Float => Complex<S::Elem>
}

jvp! {
    /// JVP of [`fftn`](crate::fftn): the fftn of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{fftn, grad::fftn_jvp, Norm};
    /// let t = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
    /// assert_eq!(fftn_jvp(&t, None, None, Norm::Backward)?, fftn(&t, None, None, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fftn_jvp = fftn(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`ifftn`](crate::ifftn): the ifftn of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::ifftn_jvp, ifftn, Norm};
    /// let t = Array2::from_shape_fn((3, 4), |(i, j)| (i + j) as f32);
    /// assert_eq!(ifftn_jvp(&t, Some(&[5]), None, Norm::Ortho)?, ifftn(&t, Some(&[5]), None, Norm::Ortho)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ifftn_jvp = ifftn(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`fft2`](crate::fft2): the fft2 of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array3;
    /// use shardfft::{fft2, grad::fft2_jvp, Norm};
    /// let t = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i + j * k) as f64);
    /// assert_eq!(fft2_jvp(&t, None, None, Norm::Backward)?, fft2(&t, None, None, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fft2_jvp = fft2(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`ifft2`](crate::ifft2): the ifft2 of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::ifft2_jvp, ifft2, Norm};
    /// let t = Array2::from_shape_fn((2, 5), |(i, j)| (i * j) as f64);
    /// assert_eq!(ifft2_jvp(&t, None, None, Norm::Forward)?, ifft2(&t, None, None, Norm::Forward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ifft2_jvp = ifft2(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => ComplexOf<S::Elem>
}

jvp! {
    /// JVP of [`rfftn`](crate::rfftn): the rfftn of the (real) tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::rfftn_jvp, rfftn, Norm};
    /// let t = Array2::from_shape_fn((3, 5), |(i, j)| (i * 5 + j) as f64);
    /// assert_eq!(rfftn_jvp(&t, None, None, Norm::Backward)?, rfftn(&t, None, None, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    rfftn_jvp = rfftn(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Float => Complex<S::Elem>
}

jvp! {
    /// JVP of [`irfftn`](crate::irfftn): the irfftn of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::irfftn_jvp, irfftn, Complex, Norm};
    /// let t = Array2::from_shape_fn((3, 3), |(i, j)| Complex::new(i as f64, j as f64));
    /// assert_eq!(irfftn_jvp(&t, None, None, Norm::Backward)?, irfftn(&t, None, None, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    irfftn_jvp = irfftn(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => <S::Elem as Scalar>::Real
}

jvp! {
    /// JVP of [`rfft2`](crate::rfft2): the rfft2 of the (real) tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::rfft2_jvp, rfft2, Norm};
    /// let t = Array2::from_shape_fn((4, 6), |(i, j)| (i + 2 * j) as f32);
    /// assert_eq!(rfft2_jvp(&t, None, None, Norm::Ortho)?, rfft2(&t, None, None, Norm::Ortho)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    rfft2_jvp = rfft2(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Float => Complex<S::Elem>
}

jvp! {
    /// JVP of [`irfft2`](crate::irfft2): the irfft2 of the tangent, same arguments.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::{grad::irfft2_jvp, irfft2, Complex, Norm};
    /// let t = Array2::from_shape_fn((4, 3), |(i, j)| Complex::new(1.0 + i as f64, j as f64));
    /// let s = Some(&[4usize, 5][..]);
    /// assert_eq!(irfft2_jvp(&t, s, None, Norm::Backward)?, irfft2(&t, s, None, Norm::Backward)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    irfft2_jvp = irfft2(s: Option<&[usize]>, axes: Option<&[isize]>) where Elem: Scalar => <S::Elem as Scalar>::Real
}
