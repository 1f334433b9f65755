//! Running a [`BlockSplit`] of one long lane on every core: phase 1's blocks in parallel, then phase 2's.

use num_complex::Complex;
use rayon::prelude::*;

use super::buffer::{SyncPtr, reused};
use super::transpose::prefetch_run;
use crate::alloc::{line_aligned, line_pad};
use crate::plan::{BlockSplit, LaneReader};
use crate::{Float, Result};

/// Transforms the lane `lane` reads (zero-padded or truncated to the split's length `n`) into
/// `dst[..n]` through `temp` (`n` values from its first cache line boundary), applying `post`
/// to every run of results as it is written.
///
/// Phase 1 reads the whole lane before phase 2 writes `dst`, so `dst` may be the source.
///
/// # Safety
/// `dst` must be valid for writes of `n` values; `temp` overlaps neither it nor the source;
/// `dst` overlaps the source only if it is exactly the source.
pub(crate) unsafe fn run_blocks<T, R, P>(
    split: &dyn BlockSplit<T>,
    lane: &R,
    dst: *mut Complex<T>,
    temp: &mut [Complex<T>],
    post: &P,
) -> Result<()>
where
    T: Float,
    R: LaneReader<T> + Sync,
    P: Fn(&mut [Complex<T>]) + Sync,
{
    let n = split.len();
    assert!(
        temp.len() >= n + line_pad::<Complex<T>>(),
        "four-step temporary shorter than the lane"
    );
    let temp = line_aligned(temp, n);
    let [first, second] = split.blocks();
    let work_len = split.work_len();
    let temp = SyncPtr(temp.as_mut_ptr());
    (0..first).into_par_iter().try_for_each_init(
        || reused(work_len, "work buffer"),
        |work, block| -> Result<()> {
            let work = work.as_mut().map_err(|e| e.clone())?;
            // SAFETY: `temp` holds `n` values; blocks of phase 1 write disjoint parts of it.
            unsafe { split.rows_block(block, lane, temp.get(), work) };
            Ok(())
        },
    )?;
    let dst = SyncPtr(dst);
    let post: &(dyn Fn(&mut [Complex<T>]) + Sync) = post;
    (0..second).into_par_iter().try_for_each_init(
        || reused(work_len, "work buffer"),
        |work, block| -> Result<()> {
            let work = work.as_mut().map_err(|e| e.clone())?;
            // SAFETY: phase 1 is done; blocks of phase 2 write disjoint parts of `dst` (`n`
            // values), which overlaps neither `temp` nor the source.
            unsafe { split.cols_block(block, temp.get(), dst.get(), post, work) };
            Ok(())
        },
    )
}

/// A source lane of `len` values read through `load` (zero past `len`).
pub(crate) struct Loaded<'a, A, L> {
    src: SyncPtr<A>,
    len: usize,
    load: &'a L,
}

impl<'a, A, L> Loaded<'a, A, L> {
    /// The lane `src[..len]`, read through `load`.
    ///
    /// # Safety
    /// `src` must be valid for reads of `len` values while the reader is used.
    pub(crate) unsafe fn new(src: *const A, len: usize, load: &'a L) -> Self {
        Loaded {
            src: SyncPtr(src as *mut A),
            len,
            load,
        }
    }
}

impl<T, A, L> LaneReader<T> for Loaded<'_, A, L>
where
    T: Float,
    A: Copy,
    L: Fn(A) -> Complex<T>,
{
    fn read<'b>(&'b self, start: usize, run: &'b mut [Complex<T>]) -> &'b [Complex<T>] {
        let from = self.src.get() as *const A;
        // SAFETY: values below `len` lie inside the source.
        fill_run(run, self.len.saturating_sub(start), |j| {
            (self.load)(unsafe { *from.add(start + j) })
        })
    }

    fn prefetch(&self, start: usize, len: usize) {
        prefetch_inside(self.src.get(), self.len, start, len);
    }
}

/// A source lane of `len` complex values read where they are (zero past `len`): runs inside
/// the lane are slices of it, with no copy. Measured on the 2-vCPU Xeon VM of 2026-12-07 (f32,
/// 2 workers, against [`Loaded`] with the identity, alternating in one process, medians of
/// 20, a busy host): c2c 2^22 15.6–16.7 against 16.3–18.1 ms, 2^20 × 4 16.0–16.6 against
/// 16.6–17.5, 2^24 73.8–78.4 against 80.2–84.5, rfft 2^24 48.3 against 52.9.
pub(crate) struct InPlace<T> {
    src: SyncPtr<Complex<T>>,
    len: usize,
}

impl<T> InPlace<T> {
    /// The lane `src[..len]`.
    ///
    /// # Safety
    /// `src` must be valid for reads of `len` values that nothing writes while the reader is
    /// used.
    pub(crate) unsafe fn new(src: *const Complex<T>, len: usize) -> Self {
        InPlace {
            src: SyncPtr(src as *mut Complex<T>),
            len,
        }
    }
}

impl<T: Float> LaneReader<T> for InPlace<T> {
    fn read<'b>(&'b self, start: usize, run: &'b mut [Complex<T>]) -> &'b [Complex<T>] {
        let from = self.src.get() as *const Complex<T>;
        if start + run.len() <= self.len {
            // SAFETY: inside the lane, which nothing writes while it is read (`new`'s contract).
            return unsafe { std::slice::from_raw_parts(from.add(start), run.len()) };
        }
        // SAFETY: values below `len` lie inside the lane.
        fill_run(run, self.len.saturating_sub(start), |j| unsafe { *from.add(start + j) })
    }

    fn prefetch(&self, start: usize, len: usize) {
        prefetch_inside(self.src.get(), self.len, start, len);
    }
}

/// Prefetches the run `start..start + len` of a lane of `lane_len` values at `src`, if it lies
/// inside the lane (runs past its end are zeros, not read).
fn prefetch_inside<A>(src: *const A, lane_len: usize, start: usize, len: usize) {
    if start + len <= lane_len {
        prefetch_run(src.wrapping_add(start), len);
    }
}

/// `run` filled with `value(j)` for its first `inside` places and zeros after them.
fn fill_run<T: Float>(run: &mut [Complex<T>], inside: usize, value: impl Fn(usize) -> Complex<T>) -> &[Complex<T>] {
    let (head, tail) = run.split_at_mut(inside.min(run.len()));
    for (j, v) in head.iter_mut().enumerate() {
        *v = value(j);
    }
    tail.fill(Complex::default());
    run
}
