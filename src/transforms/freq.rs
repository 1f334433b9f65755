//! Sample frequencies of a transform's bins (`fftfreq`, `rfftfreq`) and moving zero frequency
//! to the centre (`fftshift`, `ifftshift`).

use ndarray::{Array, Array1, ArrayBase, Axis, Data, Dimension, Slice};

use super::args::{length, resolve_axes};
use crate::{Float, Result};

/// Bin frequencies of an `n`-point transform with sample spacing `d` (`numpy.fft.fftfreq`):
/// `[0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1] / (d·n)`.
///
/// ```
/// let f = shardfft::fftfreq::<f64>(4, 0.5)?;
/// assert_eq!(f.to_vec(), vec![0.0, 0.5, -1.0, -0.5]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftfreq<T: Float>(n: usize, d: T) -> Result<Array1<T>> {
    let n = length(Some(n), 0, "n")?;
    let scale = T::one() / (d * T::from_usize(n).unwrap_or_else(T::one));
    let half = n.div_ceil(2);
    Ok(Array1::from_shape_fn(n, |k| {
        let k = if k < half { k as f64 } else { k as f64 - n as f64 };
        T::from_f64(k).unwrap_or_else(T::zero) * scale
    }))
}

/// Bin frequencies of an `n`-point real transform (`numpy.fft.rfftfreq`): `[0, 1, …, ⌊n/2⌋] / (d·n)`.
///
/// ```
/// let f = shardfft::rfftfreq::<f32>(5, 1.0)?;
/// assert_eq!(f.to_vec(), vec![0.0, 0.2, 0.4]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfftfreq<T: Float>(n: usize, d: T) -> Result<Array1<T>> {
    let n = length(Some(n), 0, "n")?;
    let scale = T::one() / (d * T::from_usize(n).unwrap_or_else(T::one));
    Ok(Array1::from_shape_fn(n / 2 + 1, |k| {
        T::from_usize(k).unwrap_or_else(T::zero) * scale
    }))
}

/// Rolls each of `axes` (default: all) so that index `shift(len)` moves to the front.
fn roll<A, S, D>(x: &ArrayBase<S, D>, axes: Option<&[isize]>, shift: fn(usize) -> usize) -> Result<Array<A, D>>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    let (axes, _) = resolve_axes(x.ndim(), None, axes)?;
    let mut out = x.to_owned();
    for axis in axes {
        let len = out.len_of(Axis(axis));
        let k = shift(len) % len.max(1);
        if k == 0 {
            continue;
        }
        let src = out.clone();
        let head = len - k;
        out.slice_axis_mut(Axis(axis), Slice::from(..head))
            .assign(&src.slice_axis(Axis(axis), Slice::from(k..)));
        out.slice_axis_mut(Axis(axis), Slice::from(head..))
            .assign(&src.slice_axis(Axis(axis), Slice::from(..k)));
    }
    Ok(out)
}

/// Moves the zero-frequency bin to the centre of each of `axes` (`numpy.fft.fftshift`).
///
/// ```
/// use ndarray::array;
/// let y = shardfft::fftshift(&array![0, 1, 2, -2, -1], None)?;
/// assert_eq!(y, array![-2, -1, 0, 1, 2]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftshift<A, S, D>(x: &ArrayBase<S, D>, axes: Option<&[isize]>) -> Result<Array<A, D>>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    // Rolling right by ⌊len/2⌋ brings index len − ⌊len/2⌋ to the front.
    roll(x, axes, |len| len - len / 2)
}

/// Inverse of [`fftshift`] (`numpy.fft.ifftshift`); they differ for odd lengths.
///
/// ```
/// use ndarray::array;
/// let y = shardfft::ifftshift(&array![-2, -1, 0, 1, 2], None)?;
/// assert_eq!(y, array![0, 1, 2, -2, -1]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn ifftshift<A, S, D>(x: &ArrayBase<S, D>, axes: Option<&[isize]>) -> Result<Array<A, D>>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    roll(x, axes, |len| len / 2)
}
