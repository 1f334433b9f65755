//! Arrays to transform into: allocated fallibly and backed by 2 MiB pages, as numpy's are.

use ndarray::{Array, Dimension, IntoDimension};

use crate::exec::{checked_len, try_filled};
use crate::{Error, Result};

/// A C-order array of zeros for large data: an [`Error::Alloc`] or [`Error::TooLarge`] instead
/// of an abort when the memory is not there, and (on Linux) backed by transparent huge pages.
///
/// Linux backs ordinary allocations with 4 KiB pages unless asked (its default mode is
/// "madvise"; numpy asks for every array of 4 MiB or more). The first touch of each page then
/// costs a kernel fault and a zeroing: measured here, faulting in 32 MiB took 14 ms with 4 KiB
/// pages and 3.5 ms with 2 MiB pages, as long as a transform of that data on 2 cores. The
/// allocating transforms get their outputs this way; use this function for the arrays you pass
/// to [`fft_into`](crate::fft_into) and friends.
///
/// ```
/// use shardfft::{fft_into, zeros, Complex, Norm};
/// let x = zeros::<Complex<f32>, _>((64, 4096))?.mapv(|_: Complex<f32>| Complex::new(1.0, 0.0));
/// let mut y = zeros::<Complex<f32>, _>((64, 4096))?;
/// fft_into(&x, &mut y, None, -1, Norm::Backward)?;
/// assert_eq!(y[[3, 0]], Complex::new(4096.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn zeros<A, Sh>(shape: Sh) -> Result<Array<A, Sh::Dim>>
where
    A: Copy + Default,
    Sh: IntoDimension,
{
    named_zeros(shape, "array")
}

/// [`zeros`], naming the array `what` in its errors.
pub(crate) fn named_zeros<A, Sh>(shape: Sh, what: &str) -> Result<Array<A, Sh::Dim>>
where
    A: Copy + Default,
    Sh: IntoDimension,
{
    let dim = shape.into_dimension();
    let len = checked_len::<A>(dim.slice(), what)?;
    let data = try_filled(len, what)?;
    Array::from_shape_vec(dim, data).map_err(|e| Error::InvalidArgument(format!("{what}: {e}")))
}
