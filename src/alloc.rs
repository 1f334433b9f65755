//! Arrays to transform into: allocated fallibly, cache-line aligned and backed by 2 MiB pages.

use std::ops::Range;

use ndarray::{Array, Array1, ArrayD, Dimension, IntoDimension, IxDyn, s};

use crate::exec::{checked_len, try_filled, try_with_capacity};
use crate::{Error, Result};

/// A C-order array of zeros for large data: an [`Error::Alloc`] or [`Error::TooLarge`] instead
/// of an abort when the memory is not there, its first element on a 64-byte cache line
/// boundary, and (on Linux) backed by transparent huge pages.
///
/// Linux backs ordinary allocations with 4 KiB pages unless asked (its default mode is
/// "madvise"; numpy asks for every array of 4 MiB or more). The first touch of each page then
/// costs a kernel fault and a zeroing: measured here, faulting in 32 MiB took 14 ms with 4 KiB
/// pages and 3.5 ms with 2 MiB pages, as long as a transform of that data on 2 cores. The
/// allocating transforms get their outputs this way; use this function for the arrays you pass
/// to [`fft_into`](crate::fft_into) and friends.
///
/// Large allocations from the system allocator start 16 bytes past a cache line (glibc's
/// mmap'd chunks), so every 64-byte vector store into such an array straddles two lines, and
/// the streaming stores of the long transforms cannot be used at all. The array's data
/// therefore starts at the first cache-line boundary inside its buffer (ndarray arrays may
/// start at an offset in their `Vec`: see `Array::into_raw_vec_and_offset`). Measured here,
/// 4096 contiguous lanes of 4096 points, c2c f32: 15.0-15.3 ms aligned vs 16.7-16.8 ms.
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
    let data = padded(len, what, try_filled::<A>)?;
    let skip = line_skip(data.as_ptr());
    from_line(data, skip..skip + len, dim, what)
}

/// An array of `shape` (C order) laid out as [`zeros`]'s, whose elements `write` sets through
/// a pointer to the first one, with no zeroing before (the allocating transforms write every
/// element anyway). An error from `write` is returned as is.
///
/// # Safety
/// `write` must initialize all `shape.iter().product()` elements behind the pointer before it
/// returns `Ok`.
pub(crate) unsafe fn written_array<A, W>(shape: &[usize], what: &str, write: W) -> Result<ArrayD<A>>
where
    A: Copy + Default,
    W: FnOnce(*mut A) -> Result<()>,
{
    let len = checked_len::<A>(shape, what)?;
    let mut data = padded(len, what, try_with_capacity::<A>)?;
    let skip = line_skip(data.as_ptr());
    data.resize(skip, A::default());
    if len > 0 {
        // SAFETY: the capacity holds `skip + len` elements; `write` initializes the `len` after
        // the first `skip` (the caller's contract) before the length covers them.
        unsafe {
            write(data.as_mut_ptr().add(skip))?;
            data.set_len(skip + len);
        }
    }
    from_line(data, skip..skip + len, IxDyn(shape), what)
}

/// `alloc` of `len` elements and a [`line_pad`], its [`Error::Alloc`] naming the bytes of the
/// `len` asked for (at most `isize::MAX`: [`checked_len`] has passed).
fn padded<A>(len: usize, what: &str, alloc: impl FnOnce(usize, &str) -> Result<Vec<A>>) -> Result<Vec<A>> {
    alloc(len.saturating_add(line_pad::<A>()), what).map_err(|e| match e {
        Error::Alloc { what, .. } => Error::Alloc {
            what,
            bytes: len * std::mem::size_of::<A>(),
        },
        e => e,
    })
}

/// `data[range]` as an array of shape `dim` (C order), keeping `data` as its storage.
fn from_line<A, D: Dimension>(data: Vec<A>, range: Range<usize>, dim: D, what: &str) -> Result<Array<A, D>> {
    Array1::from_vec(data)
        .slice_move(s![range])
        .into_shape_with_order(dim)
        .map_err(|e| Error::InvalidArgument(format!("{what}: {e}")))
}

/// Bytes of a cache line: the alignment of [`zeros`]'s arrays and of the buffers that
/// streaming stores write.
pub(crate) const CACHE_LINE: usize = 64;

/// Elements of padding a buffer of `A` needs so that a cache-line-aligned run of any length
/// fits in it.
pub(crate) const fn line_pad<A>() -> usize {
    let size = std::mem::size_of::<A>();
    if size == 0 { 0 } else { CACHE_LINE.div_ceil(size) }
}

/// The `len` elements of `buffer` from its first cache-line boundary (from its start where
/// the boundary is further than [`line_pad`] elements in, or `A` cannot be aligned so).
///
/// # Panics
/// If `buffer` is shorter than `len` plus [`line_pad`] elements: its owner sized it.
pub(crate) fn line_aligned<A>(buffer: &mut [A], len: usize) -> &mut [A] {
    let skip = line_skip(buffer.as_ptr());
    &mut buffer[skip..skip + len]
}

/// Elements from `p` to the next cache-line boundary (0 where that is more than [`line_pad`]).
fn line_skip<A>(p: *const A) -> usize {
    match p.align_offset(CACHE_LINE) {
        skip if skip <= line_pad::<A>() => skip,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ArrayD};
    use num_complex::Complex;

    use super::*;

    fn on_a_line<A>(p: *const A) -> bool {
        (p as usize).is_multiple_of(CACHE_LINE)
    }

    #[test]
    fn zeros_start_on_a_cache_line() {
        for shape in [vec![1], vec![3], vec![5, 7], vec![1 << 20], vec![2, 3, 4097]] {
            let a = zeros::<Complex<f32>, _>(IxDyn(&shape)).unwrap();
            assert!(on_a_line(a.as_ptr()) && a.is_standard_layout(), "{shape:?}");
            assert_eq!(a.shape(), &shape[..]);
            assert!(a.iter().all(|v| *v == Complex::default()));
            let b = zeros::<f64, _>(IxDyn(&shape)).unwrap();
            let c = zeros::<u8, _>(IxDyn(&shape)).unwrap();
            assert!(on_a_line(b.as_ptr()) && on_a_line(c.as_ptr()), "{shape:?}");
            assert_eq!((b.len(), c.len()), (a.len(), a.len()));
            // The whole padded Vec stays the storage: the array owns the data it points at.
            let (data, offset) = a.into_raw_vec_and_offset();
            assert!(offset.unwrap_or(0) < line_pad::<Complex<f32>>() + 1 && data.len() >= shape.iter().product());
        }
        assert_eq!(zeros::<f32, _>((0, 4)).unwrap().shape(), &[0, 4]);
    }

    #[test]
    fn allocating_transforms_return_aligned_arrays() {
        let x = Array2::from_shape_fn((3, 1000), |(i, j)| Complex::new((i + j) as f64, 1.0));
        for out in [
            crate::fft(&x, None, -1, crate::Norm::Backward).unwrap(),
            crate::fft(&x, Some(17), 0, crate::Norm::Ortho).unwrap(),
        ] {
            assert!(on_a_line(out.as_ptr()) && out.is_standard_layout());
        }
        assert_eq!(
            crate::fft(&x, Some(1000), 1, crate::Norm::Backward).unwrap()[[2, 0]].im,
            1000.0
        );
        let empty = ArrayD::<Complex<f32>>::zeros(IxDyn(&[0, 8]));
        assert_eq!(
            crate::fft(&empty, None, -1, crate::Norm::Backward).unwrap().shape(),
            &[0, 8]
        );
    }

    #[test]
    fn aligned_runs_of_buffers() {
        let pad = line_pad::<u64>();
        let mut buffer = vec![0u64; 100 + pad + 8];
        for start in 0..8 {
            let run = line_aligned(&mut buffer[start..start + 100 + pad], 100);
            assert!(on_a_line(run.as_ptr()) && run.len() == 100);
        }
    }
}
