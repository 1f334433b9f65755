//! The four-step algorithm for one long 1-D signal split over the ranks.
//!
//! With `n = n1·n2`, index the input as `x[n2·j1 + j2]` (an n1 × n2 matrix, row-major) and the
//! output as `X[k1 + n1·k2]`. Then
//!
//! `X[k1 + n1·k2] = Σ_j2 W_n2^(j2·k2) · W_n^(j2·k1) · (Σ_j1 x[n2·j1 + j2] · W_n1^(j1·k1))`
//!
//! and [`to_scrambled`] computes it in four steps: (A) move the input so each rank holds whole
//! columns j2; (B) n1-point transforms down the columns, times the twiddles `W_n^(j2·k1)` (and
//! the norm factor); (C) transpose so each rank holds whole rows k1; (D) n2-point transforms
//! along the rows. The result is in the scrambled order `Z[k1][k2]` split by rows k1; one more
//! move puts it in natural order. [`from_scrambled`] runs the adjoint sequence (each step's
//! adjoint, in reverse), which is the transform of the opposite direction read from scrambled
//! order: the inverse of a scrambled spectrum costs two moves, not three.

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use num_complex::Complex;
use rayon::prelude::*;

use super::comm::{Comm, CommData};
use super::layout::{balanced_bounds, Layout};
use super::redistribute::{exchange, runs_exchange, Dist1};
use crate::transforms::{c2c_axis, c2c_axis_owned};
use crate::{Error, Float, Norm, Result, Scalar};

/// `n = n1·n2` with n1 the largest divisor of n not above √n (n1 = 1 for a prime: the
/// transform then runs on one rank, correct but serial).
pub(crate) fn factors(n: usize) -> (usize, usize) {
    let mut n1 = 1;
    let mut d = 1;
    while d * d <= n {
        if n % d == 0 {
            n1 = d;
        }
        d += 1;
    }
    (n1, n / n1)
}

/// The norm under which a transform of direction `inverse` is unscaled.
fn unscaled(inverse: bool) -> Norm {
    if inverse {
        Norm::Forward
    } else {
        Norm::Backward
    }
}

fn shape_err(e: ndarray::ShapeError) -> Error {
    Error::InvalidArgument(format!("internal: {e}"))
}

/// Multiplies `y` (n1 × w, columns `c0..c0+w` of the n1 × n2 matrix) by
/// `factor · W_n^(±k1·j2)` (sign + for `inverse`), with f64 twiddles from two short tables.
fn twiddle<T: Float>(y: &mut [Complex<T>], w: usize, n: usize, c0: usize, inverse: bool, factor: T) {
    if w == 0 || y.is_empty() {
        return;
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let b = (n as f64).sqrt().ceil().max(1.0) as usize;
    let angle = |e: usize| sign * 2.0 * std::f64::consts::PI * (e as f64) / (n as f64);
    let lo: Vec<Complex<f64>> = (0..b).map(|t| Complex::from_polar(1.0, angle(t))).collect();
    let hi: Vec<Complex<f64>> = (0..n.div_ceil(b))
        .map(|u| Complex::from_polar(1.0, angle(u * b)))
        .collect();
    let factor = factor.to_f64().unwrap_or(1.0);
    y.par_chunks_mut(w).enumerate().for_each(|(k1, row)| {
        let step = k1 % n;
        let mut e = ((k1 as u128 * c0 as u128) % n as u128) as usize;
        for z in row.iter_mut() {
            let t = hi[e / b] * lo[e % b] * factor;
            let (re, im) = (z.re.to_f64().unwrap_or(0.0), z.im.to_f64().unwrap_or(0.0));
            let v = Complex::new(re, im) * t;
            *z = Complex::new(
                T::from_f64(v.re).unwrap_or_else(T::zero),
                T::from_f64(v.im).unwrap_or_else(T::zero),
            );
            e += step;
            if e >= n {
                e -= n;
            }
        }
    });
}

/// The column layout of the n1 × n2 matrix (step A's destination) over `p` ranks, and its
/// block boundaries over `0..n2`.
fn columns(n1: usize, n2: usize, p: usize) -> (Dist1, Vec<usize>) {
    let bounds = balanced_bounds(n2, p);
    (
        Dist1::Columns {
            n1,
            n2,
            bounds: bounds.clone(),
        },
        bounds,
    )
}

/// The elements of an array in C order, without a copy when it already is.
pub(crate) fn into_flat<A: Clone>(a: ArrayD<A>) -> Vec<A> {
    if !a.is_standard_layout() {
        return a.as_standard_layout().iter().cloned().collect();
    }
    let len = a.len();
    let (mut v, offset) = a.into_raw_vec_and_offset();
    let offset = offset.unwrap_or(0);
    v.drain(..offset.min(v.len()));
    v.truncate(len);
    v
}
/// Transforms (length `n`, direction `inverse`, scaled by `factor`) this rank's elements
/// `src` of a 1-D signal distributed as `from` (of any length: it is zero-padded or truncated
/// to `n`), into the scrambled order. Returns the local block and its distribution.
pub(crate) fn to_scrambled<C, A, T>(
    comm: &C,
    src: &[A],
    from: &Dist1,
    n: usize,
    inverse: bool,
    factor: T,
) -> Result<(Vec<Complex<T>>, Dist1)>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (me, p) = (comm.rank(), comm.size());
    let (n1, n2) = factors(n);
    let (cols, cb) = columns(n1, n2, p);
    let (c0, w) = (cb[me], cb[me + 1] - cb[me]);
    // (A) whole columns j2 on each rank.
    let m = runs_exchange(comm, src, from, &cols)?;
    let mview = ArrayViewD::from_shape(IxDyn(&[n1, w]), &m).map_err(shape_err)?;
    // (B) n1-point transforms down the columns, then twiddles and the norm factor.
    let mut y = c2c_axis(mview, 0, n1, inverse, unscaled(inverse))?;
    drop(m);
    if let Some(s) = y.as_slice_mut() {
        twiddle(s, w, n, c0, inverse, factor);
    }
    // (C) transpose: whole rows k1 on each rank.
    let by_cols = Layout::with_bounds(&[n1, n2], 1, &cb)?;
    let by_rows = Layout::new(&[n1, n2], 0, p)?;
    let z = exchange(comm, y.view(), &by_cols, &by_rows)?;
    drop(y);
    // (D) n2-point transforms along the rows.
    let z = c2c_axis_owned(z, 1, n2, inverse, unscaled(inverse))?;
    let dist = Dist1::Scrambled {
        n1,
        n2,
        bounds: by_rows.bounds().to_vec(),
    };
    Ok((into_flat(z), dist))
}

/// The adjoint of [`to_scrambled`] in direction `!inverse`: transforms (direction `inverse`,
/// scaled by `factor`) a scrambled signal into balanced natural order.
pub(crate) fn from_scrambled<C, T>(
    comm: &C,
    src: &[Complex<T>],
    n1: usize,
    n2: usize,
    row_bounds: &[usize],
    inverse: bool,
    factor: T,
) -> Result<(Vec<Complex<T>>, Dist1)>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (me, p) = (comm.rank(), comm.size());
    let h = row_bounds[me + 1] - row_bounds[me];
    // (D*) n2-point transforms along the rows.
    let zview = ArrayViewD::from_shape(IxDyn(&[h, n2]), src).map_err(shape_err)?;
    let z = c2c_axis(zview, 1, n2, inverse, unscaled(inverse))?;
    // (C*) back to whole columns.
    let by_rows = Layout::with_bounds(&[n1, n2], 0, row_bounds)?;
    let (cols, cb) = columns(n1, n2, p);
    let by_cols = Layout::with_bounds(&[n1, n2], 1, &cb)?;
    let mut y = exchange(comm, z.view(), &by_rows, &by_cols)?;
    drop(z);
    // (T*, B*) twiddles, then n1-point transforms down the columns.
    let (c0, w) = (cb[me], cb[me + 1] - cb[me]);
    if let Some(s) = y.as_slice_mut() {
        twiddle(s, w, n1 * n2, c0, inverse, factor);
    }
    let m = c2c_axis_owned(y, 0, n1, inverse, unscaled(inverse))?;
    // (A*) to natural order.
    let natural = Dist1::Natural {
        len: n1 * n2,
        bounds: balanced_bounds(n1 * n2, p),
    };
    let flat = into_flat(m);
    let out = runs_exchange(comm, &flat, &cols, &natural)?;
    Ok((out, natural))
}

/// A local block as a 1-D `ArrayD`.
pub(crate) fn to_array<A>(v: Vec<A>) -> Result<ArrayD<A>> {
    let n = v.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(shape_err)
}
