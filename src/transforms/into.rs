//! Transforms that write into a caller's array (numpy 2's `out=`): no allocation in hot loops.

use ndarray::{ArrayBase, Axis, Data, DataMut, Dimension};
use num_complex::Complex;

use super::args::{LAST_TWO, length, nd_lengths, normalize_axis, pass_order, resolve_axes};
use super::complex::{c2c_axes, c2c_axis_inplace, c2c_axis_into, scale};
use super::real::{c2r_post, default_real_len, r2c_post};
use crate::exec::{C2c, C2r, R2c, map_axis_into, same};
use crate::{Error, Float, Norm, Result, Scalar};

fn c2c_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    inverse: bool,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, x.len_of(Axis(axis)), "n")?;
    let kernel = C2c::<<S::Elem as Scalar>::Real>::planned(n, inverse)?;
    let post = scale(norm.factor(n, inverse));
    map_axis_into(
        x.view().into_dyn(),
        axis,
        &kernel,
        S::Elem::to_complex,
        post,
        out.view_mut().into_dyn(),
    )
}

/// [`fft`](crate::fft) written into `out`, which must have the result's shape (`x`'s, with
/// `n` along `axis`); otherwise [`Error::ShapeMismatch`](crate::Error::ShapeMismatch).
///
/// A C-contiguous `out` is written directly, with no allocation; other layouts go through a
/// temporary. `out`'s previous contents are ignored.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fft_into, Complex, Norm};
/// let x = Array2::from_elem((4, 8), Complex::new(1.0f32, 0.0));
/// let mut y = Array2::zeros((4, 8));
/// fft_into(&x, &mut y, None, -1, Norm::Backward)?;
/// assert_eq!(y[[3, 0]], Complex::new(8.0, 0.0));
/// assert!(fft_into(&x, &mut Array2::zeros((4, 9)), None, -1, Norm::Backward).is_err());
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_into(x, out, n, axis, norm, false)
}

/// [`ifft`](crate::ifft) written into `out` (see [`fft_into`]).
///
/// ```
/// use ndarray::Array1;
/// use shardfft::{ifft_into, Complex, Norm};
/// let x = Array1::from_elem(4, Complex::new(1.0f64, 0.0));
/// let mut y = Array1::zeros(4);
/// ifft_into(&x, &mut y, None, 0, Norm::Backward)?;
/// assert_eq!(y[0], Complex::new(1.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_into(x, out, n, axis, norm, true)
}

/// [`rfft`](crate::rfft) written into `out`, which must have the result's shape (`n/2+1`
/// bins along `axis`).
///
/// ```
/// use ndarray::{array, Array1};
/// use shardfft::{rfft_into, Norm};
/// let mut y = Array1::zeros(3);
/// rfft_into(&array![1.0f64, 2.0, 3.0, 4.0], &mut y, None, 0, Norm::Backward)?;
/// assert!((y[0].re - 10.0).abs() < 1e-12 && (y[2].re + 2.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft_into<T, S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<()>
where
    T: Float,
    S: Data<Elem = T>,
    So: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, x.len_of(Axis(axis)), "n")?;
    let kernel = R2c(T::plans().r2c_lanes(n)?);
    let post = r2c_post(n, norm, false);
    map_axis_into(
        x.view().into_dyn(),
        axis,
        &kernel,
        same,
        post,
        out.view_mut().into_dyn(),
    )
}

/// [`irfft`](crate::irfft) written into `out`, which must have the result's shape (`n` real
/// values along `axis`, by default 2(m−1)).
///
/// ```
/// use ndarray::{array, Array1};
/// use shardfft::{irfft_into, rfft, Norm};
/// let x = array![1.0f64, 2.0, 3.0, 4.0, 5.0];
/// let mut back = Array1::zeros(5);
/// irfft_into(&rfft(&x, None, 0, Norm::Backward)?, &mut back, Some(5), 0, Norm::Backward)?;
/// assert!((back[4] - 5.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = <S::Elem as Scalar>::Real>,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    let n = length(n, default_real_len(x.len_of(Axis(axis))), "n")?;
    let kernel = C2r::<<S::Elem as Scalar>::Real>::planned(n)?;
    let post = c2r_post(n, norm);
    map_axis_into(
        x.view().into_dyn(),
        axis,
        &kernel,
        S::Elem::to_complex,
        post,
        out.view_mut().into_dyn(),
    )
}

fn c2c_nd_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    inverse: bool,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    let (axes, lens) = resolve_axes(x.ndim(), s, axes)?;
    let (want, ns) = nd_lengths(x.shape(), &axes, &lens)?;
    if out.shape() != want.as_slice() {
        return Err(Error::ShapeMismatch {
            what: "output array".into(),
            expected: want,
            got: out.shape().to_vec(),
        });
    }
    let mut out = out.view_mut().into_dyn();
    // `out` can hold every intermediate result when only the first pass changes its axis'
    // length; the later passes then run in place in it.
    let order = pass_order(x.ndim(), &axes, out.len() * std::mem::size_of::<So::Elem>());
    match order.split_first() {
        Some((&first, rest)) if rest.iter().all(|&i| ns[i] == x.len_of(Axis(axes[i]))) => {
            c2c_axis_into(
                x.view().into_dyn(),
                axes[first],
                ns[first],
                inverse,
                norm,
                out.view_mut(),
            )?;
            for &i in rest {
                c2c_axis_inplace(out.view_mut(), axes[i], inverse, norm)?;
            }
        }
        _ => out.assign(&c2c_axes(x.view().into_dyn(), &axes, &lens, inverse, norm)?),
    }
    Ok(())
}

/// [`fftn`](crate::fftn) written into `out`, which must have the result's shape (`x`'s, with
/// `s` along `axes`); otherwise [`Error::ShapeMismatch`](crate::Error::ShapeMismatch), with
/// `out` untouched.
///
/// When `s` changes at most the length of the last listed axis (the one transformed first),
/// every pass works in `out` (directly when `out` is C-contiguous), with no array allocated;
/// otherwise the result is computed in temporaries and copied into `out`.
///
/// ```
/// use ndarray::Array3;
/// use shardfft::{fftn, fftn_into, Complex, Norm};
/// let x = Array3::from_shape_fn((3, 4, 5), |(i, j, k)| Complex::new((i * 20 + j * 5 + k) as f64, 0.0));
/// let mut y = Array3::zeros((3, 4, 8));
/// fftn_into(&x, &mut y, Some(&[8]), Some(&[-1]), Norm::Backward)?;
/// assert_eq!(y, fftn(&x, Some(&[8]), Some(&[-1]), Norm::Backward)?);
/// assert!(fftn_into(&x, &mut Array3::zeros((3, 4, 5)), Some(&[8]), Some(&[-1]), Norm::Backward).is_err());
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftn_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_nd_into(x, out, s, axes, norm, false)
}

/// [`ifftn`](crate::ifftn) written into `out` (see [`fftn_into`]).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{ifftn_into, Complex, Norm};
/// let x = Array2::from_elem((3, 5), Complex::new(1.0f32, 0.0));
/// let mut y = Array2::zeros((3, 5));
/// ifftn_into(&x, &mut y, None, None, Norm::Backward)?;
/// assert!((y[[0, 0]].re - 1.0).abs() < 1e-6 && y[[1, 2]].norm() < 1e-6);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifftn_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_nd_into(x, out, s, axes, norm, true)
}

/// [`fft2`](crate::fft2) written into `out` (see [`fftn_into`]; `axes` defaults to the last two).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fft2_into, Complex, Norm};
/// let x = Array2::from_elem((4, 6), Complex::new(1.0f32, 0.0));
/// let mut y = Array2::zeros((4, 6));
/// fft2_into(&x, &mut y, None, None, Norm::Backward)?;
/// assert_eq!(y[[0, 0]], Complex::new(24.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft2_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_nd_into(x, out, s, Some(axes.unwrap_or(LAST_TWO)), norm, false)
}

/// [`ifft2`](crate::ifft2) written into `out` (see [`fftn_into`]; `axes` defaults to the last two).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fft2, ifft2_into, Complex, Norm};
/// let x = Array2::from_shape_fn((4, 6), |(i, j)| Complex::new(i as f64, j as f64));
/// let mut back = Array2::zeros((4, 6));
/// ifft2_into(&fft2(&x, None, None, Norm::Backward)?, &mut back, None, None, Norm::Backward)?;
/// assert!(back.iter().zip(&x).all(|(a, b)| (a - b).norm() < 1e-12));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft2_into<S, So, D>(
    x: &ArrayBase<S, D>,
    out: &mut ArrayBase<So, D>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<()>
where
    S: Data,
    S::Elem: Scalar,
    So: DataMut<Elem = Complex<<S::Elem as Scalar>::Real>>,
    D: Dimension,
{
    c2c_nd_into(x, out, s, Some(axes.unwrap_or(LAST_TWO)), norm, true)
}
