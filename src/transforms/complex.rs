//! Complex-to-complex transforms: fft, ifft, fft2, ifft2, fftn, ifftn.

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, ArrayViewMutD, Axis, Data, Dimension};
use num_complex::Complex;

use super::args::{LAST_TWO, into_dim, length, nd_lengths, normalize_axis, pass_order, resolve_axes};
use crate::exec::{C2c, map_axis, map_axis_inplace, map_axis_into};
use crate::{Float, Norm, Result, Scalar};

/// Scales a lane tile by `factor`, skipping the pass when it is one.
pub(crate) fn scale<T: Float>(factor: T) -> impl Fn(&mut [Complex<T>]) + Sync {
    move |tile: &mut [Complex<T>]| {
        if factor != T::one() {
            tile.iter_mut().for_each(|z| *z = z.scale(factor));
        }
    }
}

/// One complex transform of length `n` along `axis` of any view.
pub(crate) fn c2c_axis<A: Scalar>(
    x: ArrayViewD<'_, A>,
    axis: usize,
    n: usize,
    inverse: bool,
    norm: Norm,
) -> Result<ArrayD<Complex<A::Real>>> {
    let kernel = C2c::planned(n, inverse)?;
    map_axis(x, axis, &kernel, A::to_complex, scale(norm.factor(n, inverse)))
}

/// [`c2c_axis`] into `out` (which must have the result's shape).
pub(crate) fn c2c_axis_into<A: Scalar>(
    x: ArrayViewD<'_, A>,
    axis: usize,
    n: usize,
    inverse: bool,
    norm: Norm,
    out: ArrayViewMutD<'_, Complex<A::Real>>,
) -> Result<()> {
    let kernel = C2c::planned(n, inverse)?;
    map_axis_into(x, axis, &kernel, A::to_complex, scale(norm.factor(n, inverse)), out)
}

/// One complex transform along `axis` of an owned array, in place when the length is unchanged.
pub(crate) fn c2c_axis_owned<T: Float>(
    mut x: ArrayD<Complex<T>>,
    axis: usize,
    n: usize,
    inverse: bool,
    norm: Norm,
) -> Result<ArrayD<Complex<T>>> {
    if x.len_of(Axis(axis)) == n {
        c2c_axis_inplace(x.view_mut(), axis, inverse, norm)?;
        Ok(x)
    } else {
        c2c_axis(x.view(), axis, n, inverse, norm)
    }
}

/// One complex transform along `axis`, in place: directly on contiguous data, otherwise
/// through a temporary that is copied back.
pub(crate) fn c2c_axis_inplace<T: Float>(
    mut x: ArrayViewMutD<'_, Complex<T>>,
    axis: usize,
    inverse: bool,
    norm: Norm,
) -> Result<()> {
    let n = length(None, x.len_of(Axis(axis)), &format!("length of axis {axis}"))?;
    let kernel = C2c::planned(n, inverse)?;
    if !map_axis_inplace(x.view_mut(), axis, &kernel, scale(norm.factor(n, inverse)))? {
        let y = c2c_axis(x.view(), axis, n, inverse, norm)?;
        x.assign(&y);
    }
    Ok(())
}

/// Complex transforms along several axes (numpy order: the last listed axis first).
pub(crate) fn c2c_axes<A: Scalar>(
    x: ArrayViewD<'_, A>,
    axes: &[usize],
    lens: &[Option<usize>],
    inverse: bool,
    norm: Norm,
) -> Result<ArrayD<Complex<A::Real>>> {
    let (out_shape, ns) = nd_lengths(x.shape(), axes, lens)?;
    let out_bytes = out_shape
        .iter()
        .fold(std::mem::size_of::<Complex<A::Real>>(), |bytes, &len| {
            bytes.saturating_mul(len)
        });
    let order = pass_order(x.ndim(), axes, out_bytes);
    let Some((&first, rest)) = order.split_first() else {
        return Ok(x.mapv(A::to_complex));
    };
    let mut y = c2c_axis(x, axes[first], ns[first], inverse, norm)?;
    for &i in rest {
        y = c2c_axis_owned(y, axes[i], ns[i], inverse, norm)?;
    }
    Ok(y)
}

fn fft_1d<S, D>(
    x: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    inverse: bool,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, x.len_of(Axis(axis)), "n")?;
    into_dim(c2c_axis(x.view().into_dyn(), axis, n, inverse, norm)?)
}

fn fft_nd<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    inverse: bool,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    let (axes, lens) = resolve_axes(x.ndim(), s, axes)?;
    into_dim(c2c_axes(x.view().into_dyn(), &axes, &lens, inverse, norm)?)
}

/// One-dimensional discrete Fourier transform (`numpy.fft.fft`).
///
/// `n` zero-pads or truncates the input along `axis` (default: its length); `axis` may be
/// negative. Real input is accepted and read as complex.
///
/// ```
/// use ndarray::array;
/// use shardfft::{fft, Norm};
/// let y = fft(&array![1.0f64, 0.0, 0.0, 0.0], None, -1, Norm::Backward)?;
/// assert!(y.iter().all(|z| (z.re - 1.0).abs() < 1e-15 && z.im.abs() < 1e-15));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft<S, D>(
    x: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_1d(x, n, axis, norm, false)
}

/// One-dimensional inverse discrete Fourier transform (`numpy.fft.ifft`).
///
/// ```
/// use ndarray::array;
/// use shardfft::{fft, ifft, Norm};
/// let x = array![1.0f32, 2.0, 3.0];
/// let back = ifft(&fft(&x, None, 0, Norm::Backward)?, None, 0, Norm::Backward)?;
/// assert!((back[2].re - 3.0).abs() < 1e-6);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft<S, D>(
    x: &ArrayBase<S, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_1d(x, n, axis, norm, true)
}

/// N-dimensional discrete Fourier transform (`numpy.fft.fftn`).
///
/// `axes = None` transforms the last `s.len()` axes if `s` is given, else every axis; `s`
/// zero-pads or truncates each transformed axis. A repeated axis is an error.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fftn, Norm};
/// let y = fftn(&Array2::<f64>::ones((3, 4)), None, None, Norm::Backward)?;
/// assert!((y[[0, 0]].re - 12.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftn<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_nd(x, s, axes, norm, false)
}

/// N-dimensional inverse discrete Fourier transform (`numpy.fft.ifftn`).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{ifftn, Norm};
/// let y = ifftn(&Array2::<f64>::ones((3, 4)), None, None, Norm::Backward)?;
/// assert!((y[[0, 0]].re - 1.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifftn<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_nd(x, s, axes, norm, true)
}

/// Two-dimensional discrete Fourier transform (`numpy.fft.fft2`); `axes` defaults to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fft2, Norm};
/// let y = fft2(&Array2::<f32>::ones((4, 4)), None, None, Norm::Ortho)?;
/// assert!((y[[0, 0]].re - 4.0).abs() < 1e-5);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft2<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_nd(x, s, Some(axes.unwrap_or(LAST_TWO)), norm, false)
}

/// Two-dimensional inverse discrete Fourier transform (`numpy.fft.ifft2`).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{ifft2, Norm};
/// let y = ifft2(&Array2::<f64>::ones((2, 3)), None, None, Norm::Backward)?;
/// assert!((y[[0, 0]].re - 1.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft2<S, D>(
    x: &ArrayBase<S, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Array<Complex<<S::Elem as Scalar>::Real>, D>>
where
    S: Data,
    S::Elem: Scalar,
    D: Dimension,
{
    fft_nd(x, s, Some(axes.unwrap_or(LAST_TWO)), norm, true)
}
