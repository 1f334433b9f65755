//! Transforms with a real side: rfft, irfft, hfft, ihfft and their 2-D and N-D forms.

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, Axis, Data, Dimension};
use num_complex::Complex;

use super::args::{LAST_TWO, into_dim, length, normalize_axis, resolve_axes};
use super::complex::{c2c_axes, c2c_axis_owned, scale};
use crate::exec::{C2r, R2c, map_axis, same};
use crate::{Error, Float, Norm, Result, Scalar};

/// Real-to-complex transform of real length `n` along `axis`; `conj` conjugates the output.
pub(crate) fn r2c_axis<T: Float>(
    x: ArrayViewD<'_, T>,
    axis: usize,
    n: usize,
    norm: Norm,
    conj: bool,
) -> Result<ArrayD<Complex<T>>> {
    let kernel = R2c(T::plans().r2c_lanes(n)?);
    map_axis(x, axis, &kernel, same, r2c_post(n, norm, conj))
}

/// The output pass of a real-to-complex transform of real length `n`: norm scaling, and
/// conjugation when `conj`.
pub(crate) fn r2c_post<T: Float>(n: usize, norm: Norm, conj: bool) -> impl Fn(&mut [Complex<T>]) + Sync {
    let factor = norm.factor::<T>(n, false);
    move |tile: &mut [Complex<T>]| {
        if conj {
            tile.iter_mut().for_each(|z| *z = z.conj().scale(factor));
        } else {
            scale(factor)(tile);
        }
    }
}

/// The output pass of a complex-to-real transform of real length `n`: norm scaling.
pub(crate) fn c2r_post<T: Float>(n: usize, norm: Norm) -> impl Fn(&mut [T]) + Sync {
    let factor = norm.factor::<T>(n, true);
    move |tile: &mut [T]| {
        if factor != T::one() {
            tile.iter_mut().for_each(|v| *v = *v * factor);
        }
    }
}

/// Complex-to-real transform of real length `n` along `axis`; `conj` conjugates the input.
pub(crate) fn c2r_axis<A: Scalar>(
    x: ArrayViewD<'_, A>,
    axis: usize,
    n: usize,
    norm: Norm,
    conj: bool,
) -> Result<ArrayD<A::Real>> {
    let kernel = C2r::planned(n)?;
    let post = c2r_post(n, norm);
    if conj {
        map_axis(x, axis, &kernel, |v: A| v.to_complex().conj(), post)
    } else {
        map_axis(x, axis, &kernel, A::to_complex, post)
    }
}

/// numpy's default real output length from `m` Hermitian bins: 2(m−1).
pub(crate) fn default_real_len(m: usize) -> usize {
    m.saturating_sub(1) * 2
}

/// Real-to-complex transforms along several axes: the last axis real, the others complex.
fn r2c_axes<T: Float>(
    x: ArrayViewD<'_, T>,
    axes: &[usize],
    lens: &[Option<usize>],
    norm: Norm,
) -> Result<ArrayD<Complex<T>>> {
    let Some((&last, rest)) = axes.split_last() else {
        return Err(Error::InvalidArgument(
            "a real N-D transform needs at least one axis".into(),
        ));
    };
    let n = length(
        lens[rest.len()],
        x.len_of(Axis(last)),
        &format!("length of axis {last}"),
    )?;
    let mut y = r2c_axis(x, last, n, norm, false)?;
    for (i, &axis) in rest.iter().enumerate().rev() {
        let n = length(lens[i], y.len_of(Axis(axis)), &format!("length of axis {axis}"))?;
        y = c2c_axis_owned(y, axis, n, false, norm)?;
    }
    Ok(y)
}

/// Complex-to-real transforms along several axes: the others complex first, the last real.
fn c2r_axes<A: Scalar>(
    x: ArrayViewD<'_, A>,
    axes: &[usize],
    lens: &[Option<usize>],
    norm: Norm,
) -> Result<ArrayD<A::Real>> {
    let Some((&last, rest)) = axes.split_last() else {
        return Err(Error::InvalidArgument(
            "a real N-D transform needs at least one axis".into(),
        ));
    };
    let n = length(
        lens[rest.len()],
        default_real_len(x.len_of(Axis(last))),
        &format!("output length of axis {last}"),
    )?;
    if rest.is_empty() {
        return c2r_axis(x, last, n, norm, false);
    }
    let y = c2c_axes(x, rest, &lens[..rest.len()], true, norm)?;
    c2r_axis(y.view(), last, n, norm, false)
}

/// One-dimensional DFT of real input (`numpy.fft.rfft`): the n/2+1 non-negative frequencies.
///
/// ```
/// use ndarray::array;
/// use shardfft::{rfft, Norm};
/// let y = rfft(&array![1.0f64, 2.0, 3.0, 4.0], None, -1, Norm::Backward)?;
/// assert_eq!(y.len(), 3);
/// assert!((y[0].re - 10.0).abs() < 1e-12 && (y[2].re + 2.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft<S, D>(x: &ArrayBase<S, D>, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array<Complex<S::Elem>, D>>
where
    S: Data,
    S::Elem: Float,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, x.len_of(Axis(axis)), "n")?;
    into_dim(r2c_axis(x.view().into_dyn(), axis, n, norm, false)?)
}

/// Inverse of [`rfft`] (`numpy.fft.irfft`): `n` real outputs, by default 2(m−1) for m bins.
///
/// The input is truncated or zero-padded to n/2+1 bins; the imaginary parts of the DC bin and,
/// for even n, the Nyquist bin are ignored.
///
/// ```
/// use ndarray::array;
/// use shardfft::{irfft, rfft, Norm};
/// let x = array![1.0f64, 2.0, 3.0, 4.0, 5.0];
/// let back = irfft(&rfft(&x, None, 0, Norm::Backward)?, Some(5), 0, Norm::Backward)?;
/// assert!((back[4] - 5.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft<S, D>(
    x: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<<S::Elem as Scalar>::Real, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, default_real_len(x.len_of(Axis(axis))), "n")?;
    into_dim(c2r_axis(x.view().into_dyn(), axis, n, norm, false)?)
}

/// DFT of a Hermitian-symmetric signal given by its first half (`numpy.fft.hfft`): real output.
///
/// Equals `irfft(conj(x), n, axis, norm.swapped())`; default `n` is 2(m−1).
///
/// ```
/// use ndarray::array;
/// use shardfft::{hfft, Complex, Norm};
/// let y = hfft(&array![Complex::new(1.0f64, 0.0), Complex::new(0.0, 0.0)], None, 0, Norm::Backward)?;
/// assert_eq!(y.len(), 2);
/// assert!((y[0] - 1.0).abs() < 1e-12 && (y[1] - 1.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn hfft<S, D>(
    x: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<<S::Elem as Scalar>::Real, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, default_real_len(x.len_of(Axis(axis))), "n")?;
    into_dim(c2r_axis(x.view().into_dyn(), axis, n, norm.swapped(), true)?)
}

/// Inverse of [`hfft`] (`numpy.fft.ihfft`): `conj(rfft(x, n, axis, norm.swapped()))`.
///
/// ```
/// use ndarray::array;
/// use shardfft::{ihfft, Norm};
/// let y = ihfft(&array![1.0f64, 1.0], None, 0, Norm::Backward)?;
/// assert!((y[0].re - 1.0).abs() < 1e-12 && y[1].norm() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ihfft<S, D>(x: &ArrayBase<S, D>, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array<Complex<S::Elem>, D>>
where
    S: Data,
    S::Elem: Float,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, x.len_of(Axis(axis)), "n")?;
    into_dim(r2c_axis(x.view().into_dyn(), axis, n, norm.swapped(), true)?)
}

/// N-dimensional DFT of real input (`numpy.fft.rfftn`): real transform on the last of `axes`,
/// complex transforms on the others.
///
/// ```
/// use ndarray::Array3;
/// use shardfft::{rfftn, Norm};
/// let y = rfftn(&Array3::<f64>::ones((2, 3, 4)), None, None, Norm::Backward)?;
/// assert_eq!(y.shape(), &[2, 3, 3]);
/// assert!((y[[0, 0, 0]].re - 24.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfftn<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<S::Elem>, D>>
where
    S: Data,
    S::Elem: Float,
    D: Dimension,
{
    let (axes, lens) = resolve_axes(x.ndim(), s, axes)?;
    into_dim(r2c_axes(x.view().into_dyn(), &axes, &lens, norm)?)
}

/// Inverse of [`rfftn`] (`numpy.fft.irfftn`); the last axis' default output length is 2(m−1).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{irfftn, rfftn, Norm};
/// let x = Array2::<f64>::from_shape_fn((3, 5), |(i, j)| (i * 5 + j) as f64);
/// let back = irfftn(&rfftn(&x, None, None, Norm::Backward)?, Some(&[3, 5]), None, Norm::Backward)?;
/// assert!((back[[2, 4]] - 14.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfftn<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<<S::Elem as Scalar>::Real, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    let (axes, lens) = resolve_axes(x.ndim(), s, axes)?;
    into_dim(c2r_axes(x.view().into_dyn(), &axes, &lens, norm)?)
}

/// Two-dimensional [`rfftn`] (`numpy.fft.rfft2`); `axes` defaults to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{rfft2, Norm};
/// let y = rfft2(&Array2::<f32>::ones((4, 6)), None, None, Norm::Backward)?;
/// assert_eq!(y.shape(), &[4, 4]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft2<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<S::Elem>, D>>
where
    S: Data,
    S::Elem: Float,
    D: Dimension,
{
    rfftn(x, s, Some(axes.unwrap_or(LAST_TWO)), norm)
}

/// Two-dimensional [`irfftn`] (`numpy.fft.irfft2`); `axes` defaults to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{irfft2, Complex, Norm};
/// let y = irfft2(&Array2::<Complex<f64>>::zeros((4, 4)), None, None, Norm::Backward)?;
/// assert_eq!(y.shape(), &[4, 6]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft2<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<<S::Elem as Scalar>::Real, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    irfftn(x, s, Some(axes.unwrap_or(LAST_TWO)), norm)
}
