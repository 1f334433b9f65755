//! The interface of FFTs down neighbouring columns held as slabs, for strided axes without transposes.

use num_complex::Complex;

/// Columns one slab holds: eight `Complex<f32>` are one cache line, so copying a strided
/// column group into a slab moves whole lines, one per row.
pub const SLAB_COLUMNS: usize = 8;

/// FFTs of length `n` down groups of [`SLAB_COLUMNS`] neighbouring columns, each group held as
/// a slab: `n` rows of [`SLAB_COLUMNS`] contiguous values, row `j` holding the columns' value
/// `j`. The executor copies the columns of a strided axis into slabs row by row (no transpose)
/// and back; shardfft's AVX-512 kernels provide one ([`native::slabs`](crate::plan::native::slabs)),
/// whose passes are vectorized across the eight columns.
///
/// ```
/// use shardfft::plan::{native, SLAB_COLUMNS};
/// use shardfft::Complex;
///
/// if let Some(fft) = native::slabs(64, false) {
///     let stride = fft.slab_stride();
///     let mut slabs = vec![Complex::new(1.0f32, 0.0); 3 * stride]; // two slabs and the spare
///     let mut homes = [0; 2];
///     fft.run(&mut slabs, &mut homes);
///     for home in homes {
///         // every column is all ones: 64 at bin 0, nothing at bin 1
///         assert!((slabs[home + 5] - Complex::new(64.0, 0.0)).norm() < 1e-4);
///         assert!(slabs[home + SLAB_COLUMNS + 5].norm() < 1e-4);
///     }
/// }
/// ```
pub trait SlabFft<T>: Send + Sync {
    /// The column length `n`.
    fn len(&self) -> usize;
    /// Whether `n` is zero (never: every plan has a length).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Complex values from one slab to the next in a work buffer (at least `8·n`).
    fn slab_stride(&self) -> usize;
    /// Transforms the first `homes.len()` slabs of `slabs` (slab `w` at `w·slab_stride()`),
    /// using one more slab after them as work space, and sets `homes[w]` to the offset at
    /// which slab `w`'s result starts: its own place or another slab's in that range.
    ///
    /// Panics if `slabs` holds fewer than `homes.len() + 1` slabs.
    fn run(&self, slabs: &mut [Complex<T>], homes: &mut [usize]);

    /// Reads a tile's `n` rows from `rows` into the first `homes.len()` slabs and transforms
    /// them as [`run`](Self::run) does, running the first pass as the rows arrive, if this
    /// plan can; returns `false`, having done nothing, if it cannot (the caller then gathers
    /// the slabs itself and calls [`run`](Self::run)). The default cannot.
    fn gather_run(&self, rows: &dyn TileRows<T>, slabs: &mut [Complex<T>], homes: &mut [usize]) -> bool {
        let _ = (rows, slabs, homes);
        false
    }
}

/// Where [`SlabFft::gather_run`] reads a tile's rows: row `r` holds the tile's columns'
/// values `r`, [`SLAB_COLUMNS`] per slab, the slabs side by side.
///
/// ```
/// use shardfft::plan::{native, TileRows, SLAB_COLUMNS};
/// use shardfft::Complex;
///
/// /// Two slabs of 64 rows, every column holding 1 at row 0 and 0 elsewhere.
/// struct Impulses;
/// impl TileRows<f32> for Impulses {
///     fn read<'a>(&'a self, r: usize, run: &'a mut [Complex<f32>]) -> &'a [Complex<f32>] {
///         run.fill(Complex::new(if r == 0 { 1.0 } else { 0.0 }, 0.0));
///         run
///     }
///     fn prefetch(&self, _r: usize) {}
/// }
///
/// if let Some(fft) = native::slabs(64, false) {
///     let mut slabs = vec![Complex::new(0.0f32, 0.0); 3 * fft.slab_stride()];
///     let mut homes = [0; 2];
///     if fft.gather_run(&Impulses, &mut slabs, &mut homes) {
///         // the DFT of an impulse at 0 is 1 in every bin
///         for home in homes {
///             assert!((slabs[home + 9 * SLAB_COLUMNS + 3] - Complex::new(1.0, 0.0)).norm() < 1e-6);
///         }
///     }
/// }
/// ```
pub trait TileRows<T> {
    /// Row `r` (below the column length) of the tile: `run.len()` values, written into `run`
    /// (zeros past the rows the source has).
    fn read<'a>(&'a self, r: usize, run: &'a mut [Complex<T>]) -> &'a [Complex<T>];
    /// A hint that row `r` will be read soon; rows from the column length on are the next
    /// tile's (`r − n`).
    fn prefetch(&self, r: usize);
}
