//! Array plumbing shared by the methods: allocation, rectangular copies, broadcasting sums.

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, Slice, Zip};
use num_traits::Zero;

use super::scalar::ConvScalar;
use crate::{Error, Result};

/// Elements below which an element-wise pass runs on the calling thread.
const PAR_MIN_ELEMS: usize = 1 << 15;

/// A zero-filled C-order array, or an error (never an abort) if it cannot be allocated.
pub(crate) fn zeros<X: Copy + Default>(shape: &[usize], what: &str) -> Result<ArrayD<X>> {
    crate::alloc::named_zeros(shape, what)
}

/// An internal inconsistency, reported as a value rather than a panic.
pub(crate) fn internal(msg: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("internal error in conv: {msg}"))
}

/// One contiguous piece of a 1-D copy: `dst[dst..dst+len] ← src[src..src+len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub src: usize,
    pub dst: usize,
    pub len: usize,
}

/// The runs of a circular read `dst[v] = src[(offset + v) mod period]`, `v < len ≤ period`.
pub(crate) fn circular_runs(offset: isize, len: usize, period: usize) -> Vec<Run> {
    let first = offset.rem_euclid(period as isize) as usize;
    let head = len.min(period - first);
    let mut runs = vec![Run {
        src: first,
        dst: 0,
        len: head,
    }];
    if head < len {
        runs.push(Run {
            src: 0,
            dst: head,
            len: len - head,
        });
    }
    runs
}

/// `op(dst, src)` over every rectangle that picks one run per convolved axis (`axes[i]` uses
/// `runs[i]`); the other axes are taken whole and must have equal lengths in `dst` and `src`.
pub(crate) fn apply_runs<S, D, F>(
    dst: &mut ArrayViewMutD<'_, D>,
    src: &ArrayViewD<'_, S>,
    axes: &[usize],
    runs: &[Vec<Run>],
    op: &F,
) where
    S: Copy + Send + Sync,
    D: Send + Sync,
    F: Fn(&mut D, S) + Sync,
{
    if runs.iter().any(|r| r.is_empty()) {
        return;
    }
    let mut pick = vec![0usize; axes.len()];
    loop {
        let sel = |ax: usize, of_src: bool| -> Option<Slice> {
            let i = axes.iter().position(|&a| a == ax)?;
            let r = runs[i][pick[i]];
            let start = if of_src { r.src } else { r.dst };
            Some(Slice::from(start..start + r.len))
        };
        let d = dst.slice_each_axis_mut(|d| sel(d.axis.index(), false).unwrap_or(Slice::from(..)));
        let s = src.slice_each_axis(|d| sel(d.axis.index(), true).unwrap_or(Slice::from(..)));
        zip_apply(d, s, op);
        // Next combination (odometer).
        let mut i = axes.len();
        loop {
            if i == 0 {
                return;
            }
            i -= 1;
            pick[i] += 1;
            if pick[i] < runs[i].len() {
                break;
            }
            pick[i] = 0;
        }
    }
}

/// `op(dst, src)` element-wise over two views of the same shape, in parallel when large.
pub(crate) fn zip_apply<S, D, F>(dst: ArrayViewMutD<'_, D>, src: ArrayViewD<'_, S>, op: &F)
where
    S: Copy + Send + Sync,
    D: Send + Sync,
    F: Fn(&mut D, S) + Sync,
{
    let zip = Zip::from(dst).and(src);
    if zip.size() >= PAR_MIN_ELEMS {
        zip.par_for_each(|d, &s| op(d, s));
    } else {
        zip.for_each(|d, &s| op(d, s));
    }
}

/// `a` summed over every axis where `target` has length 1 and `a` does not (the adjoint of
/// broadcasting). `target` must be `a`'s shape with some lengths replaced by 1.
pub(crate) fn reduce_to<X>(mut a: ArrayD<X>, target: &[usize]) -> Result<ArrayD<X>>
where
    X: Clone + Zero + std::ops::Add<Output = X>,
{
    if a.ndim() != target.len() {
        return Err(internal(format!("cannot reduce {:?} to {target:?}", a.shape())));
    }
    for (ax, &t) in target.iter().enumerate() {
        let have = a.len_of(Axis(ax));
        if have == t {
            continue;
        }
        if t != 1 {
            return Err(internal(format!("cannot reduce {:?} to {target:?}", a.shape())));
        }
        a = a.sum_axis(Axis(ax)).insert_axis(Axis(ax));
    }
    Ok(a)
}

/// `a` reversed along `axes` and conjugated, as a new C-order array.
pub(crate) fn reverse_conj<A: ConvScalar>(a: ArrayViewD<'_, A>, axes: &[usize]) -> Result<ArrayD<A>> {
    let mut v = a;
    for &ax in axes {
        v.invert_axis(Axis(ax));
    }
    let mut out = zeros::<A>(v.shape(), "reversed kernel")?;
    zip_apply(out.view_mut(), v, &|o: &mut A, x: A| *o = x.conj_val());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circular_runs_cover_the_window() {
        for period in 1..9usize {
            for len in 0..=period {
                for offset in -20isize..20 {
                    let runs = circular_runs(offset, len, period);
                    let mut got = vec![usize::MAX; len];
                    for r in &runs {
                        for t in 0..r.len {
                            got[r.dst + t] = r.src + t;
                        }
                    }
                    let want: Vec<usize> = (0..len)
                        .map(|v| (offset + v as isize).rem_euclid(period as isize) as usize)
                        .collect();
                    assert_eq!(got, want, "offset {offset} len {len} period {period}");
                }
            }
        }
    }
}
