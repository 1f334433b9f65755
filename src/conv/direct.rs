//! Direct convolution, O(N·K): the fastest method for tiny kernels.
//!
//! One convolved axis: lanes in parallel, each a cache-blocked sum of scaled shifted copies
//! (an axpy per kernel tap, which vectorizes). Several axes: one broadcast multiply-add pass
//! over the output per kernel tap.

use ndarray::{ArrayD, ArrayViewD, Axis, Slice, Zip};
use rayon::prelude::*;

use super::array::{internal, reduce_to, zeros};
use super::mode::Window;
use super::scalar::ConvScalar;
use super::shape::broadcast_shapes;
use crate::Result;

/// Output samples one cache block of a lane holds.
const CHUNK: usize = 512;

/// `y[v] = Σ_j k[j]·x[v + start − j]` for `v < y.len()`, with `x` zero outside its range.
pub(crate) fn direct_lane<A: ConvScalar>(y: &mut [A], x: &[A], k: &[A], start: isize) {
    let (w, n) = (y.len() as isize, x.len() as isize);
    let mut v0 = 0isize;
    while v0 < w {
        let v1 = (v0 + CHUNK as isize).min(w);
        y[v0 as usize..v1 as usize].fill(A::zero());
        for (j, &kj) in k.iter().enumerate() {
            let j = j as isize;
            let lo = v0.max(j - start);
            let hi = v1.min(n + j - start);
            if lo >= hi {
                continue;
            }
            let xs = &x[(lo + start - j) as usize..(hi + start - j) as usize];
            for (yv, &xv) in y[lo as usize..hi as usize].iter_mut().zip(xs) {
                *yv = *yv + kj * xv;
            }
        }
        v0 = v1;
    }
}

/// The window `windows` of the convolution of `a` with `b` (both of the signal's rank),
/// summed down to the batch shape of `target`.
pub(crate) fn direct<A: ConvScalar>(
    a: ArrayViewD<'_, A>,
    b: ArrayViewD<'_, A>,
    axes: &[usize],
    windows: &[Window],
    target: &[usize],
) -> Result<ArrayD<A>> {
    // The batch axes broadcast; the convolved axes keep each operand's length.
    let mut a_shape = a.shape().to_vec();
    let mut b_shape = b.shape().to_vec();
    for &ax in axes {
        a_shape[ax] = 1;
        b_shape[ax] = 1;
    }
    let mut co = broadcast_shapes(&a_shape, &b_shape)
        .ok_or_else(|| internal(format!("{:?} and {:?} do not broadcast", a.shape(), b.shape())))?;
    let mut a_shape = co.clone();
    let mut b_shape = co.clone();
    for (i, &ax) in axes.iter().enumerate() {
        co[ax] = windows[i].len;
        a_shape[ax] = a.len_of(Axis(ax));
        b_shape[ax] = b.len_of(Axis(ax));
    }
    let av = a.broadcast(a_shape).ok_or_else(|| internal("broadcast"))?;
    let bv = b.broadcast(b_shape).ok_or_else(|| internal("broadcast"))?;
    let mut out = zeros::<A>(&co, "convolution output")?;
    if !out.is_empty() {
        if axes.len() == 1 {
            lanes(&mut out, av, bv, axes[0], windows[0].start);
        } else {
            taps(&mut out, av, bv, axes, windows);
        }
    }
    reduce_to(out, target)
}

/// One axis: every lane in parallel.
fn lanes<A: ConvScalar>(out: &mut ArrayD<A>, a: ArrayViewD<'_, A>, b: ArrayViewD<'_, A>, axis: usize, start: isize) {
    let ax = Axis(axis);
    Zip::from(out.lanes_mut(ax))
        .and(a.lanes(ax))
        .and(b.lanes(ax))
        .into_par_iter()
        .for_each_init(
            || (Vec::<A>::new(), Vec::<A>::new(), Vec::<A>::new()),
            |(bx, bk, by), (mut y, x, k)| {
                let xs = match x.as_slice() {
                    Some(s) => s,
                    None => {
                        bx.clear();
                        bx.extend(x.iter().copied());
                        bx.as_slice()
                    }
                };
                let ks = match k.as_slice() {
                    Some(s) => s,
                    None => {
                        bk.clear();
                        bk.extend(k.iter().copied());
                        bk.as_slice()
                    }
                };
                match y.as_slice_mut() {
                    Some(ys) => direct_lane(ys, xs, ks, start),
                    None => {
                        by.clear();
                        by.resize(y.len(), A::zero());
                        direct_lane(by, xs, ks, start);
                        y.iter_mut().zip(by.iter()).for_each(|(d, &s)| *d = s);
                    }
                }
            },
        );
}

/// Several axes: for each kernel tap, `out[v] += b[s]·a[v + start − s]` over the valid region.
fn taps<A: ConvScalar>(
    out: &mut ArrayD<A>,
    a: ArrayViewD<'_, A>,
    b: ArrayViewD<'_, A>,
    axes: &[usize],
    windows: &[Window],
) {
    let klens: Vec<usize> = axes.iter().map(|&ax| b.len_of(Axis(ax))).collect();
    let nlens: Vec<usize> = axes.iter().map(|&ax| a.len_of(Axis(ax))).collect();
    for tap in ndarray::indices(klens.as_slice()) {
        let s: Vec<isize> = (0..axes.len()).map(|i| tap[i] as isize).collect();
        // Output range on each axis where the signal index v + start − s is inside the signal.
        let mut ranges = Vec::with_capacity(axes.len());
        for i in 0..axes.len() {
            let w = windows[i];
            let lo = (s[i] - w.start).max(0);
            let hi = (w.len as isize).min(nlens[i] as isize + s[i] - w.start);
            ranges.push((lo, hi));
        }
        if ranges.iter().any(|&(lo, hi)| lo >= hi) {
            continue;
        }
        let pos = |ax: usize| axes.iter().position(|&a| a == ax);
        let y = out.slice_each_axis_mut(|d| match pos(d.axis.index()) {
            Some(i) => Slice::from(ranges[i].0..ranges[i].1),
            None => Slice::from(..),
        });
        let x = a.slice_each_axis(|d| match pos(d.axis.index()) {
            Some(i) => {
                let off = windows[i].start - s[i];
                Slice::from(ranges[i].0 + off..ranges[i].1 + off)
            }
            None => Slice::from(..),
        });
        let k = b.slice_each_axis(|d| match pos(d.axis.index()) {
            Some(i) => Slice::from(s[i]..s[i] + 1),
            None => Slice::from(..),
        });
        Zip::from(y)
            .and_broadcast(&x)
            .and_broadcast(&k)
            .par_for_each(|y, &x, &k| *y = *y + k * x);
    }
}
