//! Running a [`BlockSplit`] of one long lane on every core: phase 1's blocks in parallel, then phase 2's.

use num_complex::Complex;
use rayon::prelude::*;

use super::buffer::{SyncPtr, reused};
use super::transpose::prefetch_run;
use crate::alloc::{line_aligned, line_pad};
use crate::plan::{BlockSplit, LaneReader};
use crate::{Float, Result};

/// Transforms the lane `src[..len_src]` (read through `load`, zero-padded or truncated to the
/// split's length `n`) into `dst[..n]` through `temp` (`n` values from its first cache line
/// boundary), applying `post` to every run of results as it is written.
///
/// Phase 1 reads the whole source before phase 2 writes `dst`, so `dst` may be the source.
///
/// # Safety
/// `src` must be valid for reads of `len_src` elements and `dst` for writes of `n`; `temp`
/// overlaps neither; `dst` overlaps the source only if it is exactly the source.
pub(crate) unsafe fn run_blocks<T, A, L, P>(
    split: &dyn BlockSplit<T>,
    src: *const A,
    len_src: usize,
    load: &L,
    dst: *mut Complex<T>,
    temp: &mut [Complex<T>],
    post: &P,
) -> Result<()>
where
    T: Float,
    A: Copy + Send + Sync,
    L: Fn(A) -> Complex<T> + Sync,
    P: Fn(&mut [Complex<T>]) + Sync,
{
    let n = split.len();
    assert!(
        temp.len() >= n + line_pad::<Complex<T>>(),
        "four-step temporary shorter than the lane"
    );
    let temp = line_aligned(temp, n);
    let lane = Loaded {
        src: SyncPtr(src as *mut A),
        len: len_src,
        load,
    };
    let [first, second] = split.blocks();
    let work_len = split.work_len();
    let temp = SyncPtr(temp.as_mut_ptr());
    (0..first).into_par_iter().try_for_each_init(
        || reused(work_len, "work buffer"),
        |work, block| -> Result<()> {
            let work = work.as_mut().map_err(|e| e.clone())?;
            // SAFETY: `temp` holds `n` values; blocks of phase 1 write disjoint parts of it.
            unsafe { split.rows_block(block, &lane, temp.get(), work) };
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
struct Loaded<'a, A, L> {
    src: SyncPtr<A>,
    len: usize,
    load: &'a L,
}

impl<T, A, L> LaneReader<T> for Loaded<'_, A, L>
where
    T: Float,
    A: Copy,
    L: Fn(A) -> Complex<T>,
{
    fn read<'b>(&'b self, start: usize, run: &'b mut [Complex<T>]) -> &'b [Complex<T>] {
        let from = self.src.get() as *const A;
        let inside = self.len.saturating_sub(start).min(run.len());
        let (head, tail) = run.split_at_mut(inside);
        for (j, v) in head.iter_mut().enumerate() {
            // SAFETY: `start + j < len`, inside the source.
            *v = (self.load)(unsafe { *from.add(start + j) });
        }
        tail.fill(Complex::default());
        run
    }

    fn prefetch(&self, start: usize, len: usize) {
        if start + len <= self.len {
            prefetch_run(self.src.get().wrapping_add(start), len);
        }
    }
}
