//! Complex transforms that overwrite their input: no allocation, for hot loops.

use ndarray::{ArrayBase, DataMut, Dimension};
use num_complex::Complex;

use super::args::{normalize_axis, resolve_axes};
use super::complex::c2c_axis_inplace;
use crate::{Float, Norm, Result};

fn c2c_inplace<T, S, D>(x: &mut ArrayBase<S, D>, axes: &[usize], inverse: bool, norm: Norm) -> Result<()>
where
    T: Float,
    S: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    // Validate every axis length before touching the data, so an error leaves it unchanged.
    for &axis in axes {
        super::args::length(None, x.shape()[axis], &format!("length of axis {axis}"))?;
    }
    for &axis in axes.iter().rev() {
        c2c_axis_inplace(x.view_mut().into_dyn(), axis, inverse, norm)?;
    }
    Ok(())
}

/// [`fft`](crate::fft) along `axis`, overwriting `x` (no `n`: the length is the axis').
///
/// Contiguous arrays (C or Fortran order) are transformed where they lie; other views go
/// through a temporary.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fft_inplace, Complex, Norm};
/// let mut x = Array2::from_elem((4, 8), Complex::new(1.0f32, 0.0));
/// fft_inplace(&mut x, -1, Norm::Backward)?;
/// assert_eq!(x[[2, 0]], Complex::new(8.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fft_inplace<T, S, D>(x: &mut ArrayBase<S, D>, axis: isize, norm: Norm) -> Result<()>
where
    T: Float,
    S: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    c2c_inplace(x, &[axis], false, norm)
}

/// [`ifft`](crate::ifft) along `axis`, overwriting `x`.
///
/// ```
/// use ndarray::Array1;
/// use shardfft::{ifft_inplace, Complex, Norm};
/// let mut x = Array1::from_elem(4, Complex::new(1.0f64, 0.0));
/// ifft_inplace(&mut x, 0, Norm::Backward)?;
/// assert_eq!(x[0], Complex::new(1.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifft_inplace<T, S, D>(x: &mut ArrayBase<S, D>, axis: isize, norm: Norm) -> Result<()>
where
    T: Float,
    S: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    let axis = normalize_axis(axis, x.ndim())?;
    c2c_inplace(x, &[axis], true, norm)
}

/// [`fftn`](crate::fftn) over `axes` (default: all), overwriting `x`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{fftn_inplace, Complex, Norm};
/// let mut x = Array2::from_elem((3, 5), Complex::new(1.0f64, 0.0));
/// fftn_inplace(&mut x, None, Norm::Backward)?;
/// assert!((x[[0, 0]].re - 15.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftn_inplace<T, S, D>(x: &mut ArrayBase<S, D>, axes: Option<&[isize]>, norm: Norm) -> Result<()>
where
    T: Float,
    S: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, _) = resolve_axes(x.ndim(), None, axes)?;
    c2c_inplace(x, &axes, false, norm)
}

/// [`ifftn`](crate::ifftn) over `axes` (default: all), overwriting `x`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::{ifftn_inplace, Complex, Norm};
/// let mut x = Array2::from_elem((3, 5), Complex::new(1.0f64, 0.0));
/// ifftn_inplace(&mut x, None, Norm::Backward)?;
/// assert!((x[[0, 0]].re - 1.0).abs() < 1e-12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifftn_inplace<T, S, D>(x: &mut ArrayBase<S, D>, axes: Option<&[isize]>, norm: Norm) -> Result<()>
where
    T: Float,
    S: DataMut<Elem = Complex<T>>,
    D: Dimension,
{
    let (axes, _) = resolve_axes(x.ndim(), None, axes)?;
    c2c_inplace(x, &axes, true, norm)
}
