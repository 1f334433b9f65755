//! The interface of a long transform split into independent blocks, so the four-step can run it on every core.

use num_complex::Complex;

/// Where a [`BlockSplit`] reads its lane from: runs of consecutive values of `n`.
pub trait LaneReader<T> {
    /// The lane's values `start..start + run.len()` (never past `n`): a slice of the lane
    /// itself, or `run` filled with them.
    fn read<'a>(&'a self, start: usize, run: &'a mut [Complex<T>]) -> &'a [Complex<T>];
    /// A hint that the values `start..start + len` will be read soon.
    fn prefetch(&self, start: usize, len: usize);
}

/// A lane held in a slice is its own reader.
impl<T> LaneReader<T> for &[Complex<T>] {
    fn read<'a>(&'a self, start: usize, run: &'a mut [Complex<T>]) -> &'a [Complex<T>] {
        &self[start..start + run.len()]
    }

    fn prefetch(&self, start: usize, len: usize) {
        if let Some(values) = self.get(start..start + len) {
            crate::exec::prefetch_run(values.as_ptr(), len);
        }
    }
}

/// A transform of one lane of length `n = S·L` in two phases of independent blocks.
///
/// Phase 1's blocks each read some columns of the lane (through a [`LaneReader`]) (viewed as `S` rows of `L`) and write
/// the matching part of a temporary of `n` values; phase 2's blocks each read rows of the
/// temporary and write their part of the result. Blocks of one phase touch disjoint values, so
/// they may run on different threads, each with its own work space of
/// [`work_len`](Self::work_len) values. shardfft's AVX-512 kernels provide one
/// ([`native::split`](crate::plan::native::split)); the executor's four-step runs it.
///
/// ```
/// use shardfft::plan::native;
/// use shardfft::Complex;
///
/// let n = 1 << 17;
/// if let Some(split) = native::split(n, false) {
///     let x: Vec<Complex<f32>> = (0..n).map(|j| Complex::new((j % 7) as f32, 0.0)).collect();
///     let (mut temp, mut out) = (vec![Complex::default(); n], vec![Complex::default(); n]);
///     let mut work = vec![Complex::default(); split.work_len()];
///     let [first, second] = split.blocks();
///     // SAFETY: `temp` and `out` hold `n` values; one thread runs every block in order.
///     unsafe {
///         (0..first).for_each(|b| split.rows_block(b, &x.as_slice(), temp.as_mut_ptr(), &mut work));
///         (0..second).for_each(|b| split.cols_block(b, temp.as_ptr(), out.as_mut_ptr(), &|_| {}, &mut work));
///     }
///     let dc: f32 = x.iter().map(|z| z.re).sum();
///     assert!((out[0].re - dc).abs() < 1e-3 * dc);
/// }
/// ```
pub trait BlockSplit<T>: Send + Sync {
    /// The transform length `n`.
    fn len(&self) -> usize;
    /// Whether `n` is zero (never: every split has a length).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The number of blocks of phase 1 and of phase 2.
    fn blocks(&self) -> [usize; 2];
    /// Complex values of work space one block needs.
    fn work_len(&self) -> usize;
    /// Runs phase-1 block `block`: reads its columns from `lane` and writes its part of `temp`.
    ///
    /// # Safety
    /// `temp` valid for writes of `n` values; no other thread accesses the part this block
    /// writes; `work` at least [`work_len`](Self::work_len) long.
    unsafe fn rows_block(&self, block: usize, lane: &dyn LaneReader<T>, temp: *mut Complex<T>, work: &mut [Complex<T>]);
    /// Runs phase-2 block `block`: reads its rows of `temp` (all of phase 1 done) and writes
    /// its part of the result `dst`, calling `post` on each run of results it has written
    /// (so `post` must act element by element, as scaling or conjugation do).
    ///
    /// # Safety
    /// `temp` valid for reads and `dst` for writes of `n` values, not overlapping; no other
    /// thread writes `temp` or this block's part of `dst`; `work` at least
    /// [`work_len`](Self::work_len) long.
    unsafe fn cols_block(
        &self,
        block: usize,
        temp: *const Complex<T>,
        dst: *mut Complex<T>,
        post: &dyn Fn(&mut [Complex<T>]),
        work: &mut [Complex<T>],
    );
}
